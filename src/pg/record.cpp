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

std::vector<ValidationError> RecordErrors(const CompiledSchema& schema, const Jsonb* record) {
  if (schema.AcceptsEverything()) return {};
  return ValueErrors(schema, JsonbRef::Root(record), CurrentValidateOptions());
}

std::string ErrorsJson(const std::vector<ValidationError>& errors) {
  Json array = Json::Array();
  for (const ValidationError& e : errors) {
    Json item = Json::Object();
    item.Set("path", Json::String(e.path));
    item.Set("keyword", Json::String(e.keyword));
    item.Set("message", Json::String(e.message));
    array.items().push_back(std::move(item));
  }
  return ToJsonText(array);
}

}  // namespace schemareg::pg
