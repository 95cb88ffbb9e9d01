#include "pg/record.hpp"

#include "core/evaluator.hpp"
#include "pg/jsonb_value.hpp"
#include "pg/settings.hpp"

namespace schemareg::pg {

char* JsonbArgumentText(FunctionCallInfo fcinfo, int argno) {
  Jsonb* jsonb = PG_GETARG_JSONB_P(argno);
  return JsonbToCString(nullptr, &jsonb->root, VARSIZE(jsonb));
}

Jsonb* JsonbArgument(FunctionCallInfo fcinfo, int argno) { return PG_GETARG_JSONB_P(argno); }

bool RecordIsValid(const CompiledSchema& schema, const Jsonb* record) {
  if (schema.AcceptsEverything()) return true;
  return IsValidValue(schema, JsonbRef::Root(record), CurrentValidateOptions());
}

ErrorList RecordErrors(const CompiledSchema& schema, const Jsonb* record) {
  if (schema.AcceptsEverything()) return {};
  return ValueErrors(schema, JsonbRef::Root(record), CurrentValidateOptions());
}

std::string ErrorsJson(const ErrorList& errors) {
  Json array = Json::Array();
  for (const ValidationError& e : errors.kept) {
    Json item = Json::Object();
    item.Set("path", Json::String(e.path));
    item.Set("keyword", Json::String(e.keyword));
    item.Set("message", Json::String(e.message));
    array.items().push_back(std::move(item));
  }
  if (errors.more > 0) {
    Json item = Json::Object();
    item.Set("path", Json());
    item.Set("keyword", Json());
    item.Set("message", Json::String(MoreErrorsMessage(errors.more)));
    array.items().push_back(std::move(item));
  }
  return ToJsonText(array);
}

}  // namespace schemareg::pg
