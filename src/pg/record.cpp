#include "pg/record.hpp"

#include "core/error_output.hpp"
#include "core/evaluator.hpp"
#include "pg/guard.hpp"
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

void PutErrorRows(FunctionCallInfo fcinfo, const ErrorList& errors) {
  std::string more = errors.more > 0 ? MoreErrorsMessage(errors.more) : std::string();
  PgGuard([&] {
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    int columns = rsinfo->setDesc->natts < 4 ? rsinfo->setDesc->natts : 4;
    Datum values[4] = {0, 0, 0, 0};
    bool nulls[4] = {false, false, false, false};
    for (const ValidationError& e : errors.kept) {
      const std::string* texts[4] = {&e.path, &e.keyword, &e.message, &e.schema_path};
      for (int i = 0; i < columns; i++) values[i] = CStringGetTextDatum(texts[i]->c_str());
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    // The errors found past the limits: one last row says how many.
    if (errors.more > 0) {
      bool more_nulls[4] = {true, true, false, true};
      values[2] = CStringGetTextDatum(more.c_str());
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, more_nulls);
    }
  });
}

}  // namespace schemareg::pg
