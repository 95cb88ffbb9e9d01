#include "pg/record.hpp"

#include "core/error_output.hpp"
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

std::string ErrorsJson(const ErrorList& errors) { return ErrorsJsonArray(errors); }

}  // namespace schemareg::pg
