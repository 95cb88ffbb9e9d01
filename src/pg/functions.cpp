// SQL-callable functions: validation, and the helpers the registry's SQL uses.
#include <string>
#include <vector>

#include "core/backend.hpp"
#include "core/error.hpp"
#include "core/ref.hpp"
#include "core/validator.hpp"
#include "pg/cache.hpp"
#include "pg/guard.hpp"
#include "pg/record.hpp"
#include "pg/settings.hpp"

namespace schemareg::pg {
namespace {

// A text argument as a std::string. Call before other C++ objects are live.
std::string TextArgument(FunctionCallInfo fcinfo, int argno) {
  text* t = PG_GETARG_TEXT_PP(argno);
  return std::string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

std::string ErrorDetail(const std::vector<ValidationError>& errors) {
  std::string detail;
  size_t shown = 0, limit = static_cast<size_t>(MaxErrorDetail());
  for (const ValidationError& e : errors) {
    if (shown == limit) {
      detail += "\n... and " + std::to_string(errors.size() - shown) + " more";
      break;
    }
    if (!detail.empty()) detail += "\n";
    detail += (e.path.empty() ? std::string("(root)") : e.path) + ": " + e.message + " (" +
              e.keyword + ")";
    shown++;
  }
  return detail;
}

// Every error of the record in argument 1 against the schema in argument 0.
std::vector<ValidationError> RecordErrors(FunctionCallInfo fcinfo,
                                          std::shared_ptr<const CachedSchema>* schema) {
  char* record_text = JsonbArgumentText(fcinfo, 1);
  std::string ref = TextArgument(fcinfo, 0);
  *schema = LookupSchema(ref);
  Json record = ParseRecord(record_text);
  return CollectErrors(*(*schema)->compiled, record, CurrentValidateOptions());
}

}  // namespace
}  // namespace schemareg::pg

using schemareg::Dialect;
using schemareg::Error;
using namespace schemareg::pg;

// validate_record(ref text, record jsonb) → boolean
SCHEMAREG_FUNCTION(validate_record) {
  char* record_text = JsonbArgumentText(fcinfo, 1);
  std::string ref = TextArgument(fcinfo, 0);
  auto schema = LookupSchema(ref);
  schemareg::Json record = ParseRecord(record_text);
  bool valid = schemareg::IsValid(*schema->compiled, record, CurrentValidateOptions());
  return BoolGetDatum(valid);
}

// validation_errors(ref text, record jsonb) → TABLE(path text, keyword text, message text)
SCHEMAREG_FUNCTION(validation_errors) {
  std::shared_ptr<const CachedSchema> schema;
  std::vector<schemareg::ValidationError> errors = RecordErrors(fcinfo, &schema);
  PgGuard([&] {
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    for (const schemareg::ValidationError& e : errors) {
      Datum values[3] = {CStringGetTextDatum(e.path.c_str()), CStringGetTextDatum(e.keyword.c_str()),
                         CStringGetTextDatum(e.message.c_str())};
      bool nulls[3] = {false, false, false};
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
  });
  return (Datum)0;
}

// assert_valid(ref text, record jsonb) → void; raises 23514 listing the errors.
SCHEMAREG_FUNCTION(assert_valid) {
  std::shared_ptr<const CachedSchema> schema;
  std::vector<schemareg::ValidationError> errors = RecordErrors(fcinfo, &schema);
  if (!errors.empty()) {
    throw Error(schemareg::sqlstate::kCheckViolation,
                "record does not match schema \"" + schema->ref + "\"", ErrorDetail(errors),
                errors.size() == 1 ? "" : std::to_string(errors.size()) + " errors in all.");
  }
  PG_RETURN_VOID();
}

// _compile(definition jsonb, dialect text) → text: checks a definition for
// registration and returns its dialect. dialect NULL means the setting's.
SCHEMAREG_FUNCTION(_compile) {
  char* definition_text = JsonbArgumentText(fcinfo, 0);
  bool has_dialect = !PG_ARGISNULL(1);
  std::string dialect_name = has_dialect ? TextArgument(fcinfo, 1) : "";
  Dialect fallback = DefaultDialect();
  if (has_dialect && !schemareg::ParseDialectName(dialect_name, &fallback)) {
    throw Error(schemareg::sqlstate::kInvalidParameterValue,
                "unknown dialect \"" + dialect_name + "\"", "Dialects are draft4, draft6, draft7.");
  }
  auto compiled = CompileDefinition(definition_text, fallback, true);
  const char* name = schemareg::DialectName(compiled->dialect);
  text* result = nullptr;
  PgGuard([&] { result = cstring_to_text(name); });
  PG_RETURN_TEXT_P(result);
}

// _parse_ref(ref text, OUT name text, OUT version integer): version 0 for a bare name.
SCHEMAREG_FUNCTION(_parse_ref) {
  std::string ref_text = TextArgument(fcinfo, 0);
  schemareg::SchemaRef ref = schemareg::ParseRef(ref_text);
  Datum result = 0;
  PgGuard([&] {
    TupleDesc desc;
    if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE) {
      elog(ERROR, "_parse_ref must return a composite type");
    }
    desc = BlessTupleDesc(desc);
    Datum values[2] = {CStringGetTextDatum(ref.name.c_str()), Int32GetDatum(ref.version)};
    bool nulls[2] = {false, false};
    result = HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
  });
  return result;
}

// _backend_create(backend text, ref text, definition jsonb): the create step.
SCHEMAREG_FUNCTION(_backend_create) {
  char* definition_text = JsonbArgumentText(fcinfo, 2);
  std::string backend = TextArgument(fcinfo, 0);
  std::string ref = TextArgument(fcinfo, 1);
  schemareg::FindBackend(backend).Create(ref, definition_text);
  PG_RETURN_VOID();
}

// _backend_delete(backend text, ref text): the delete step.
SCHEMAREG_FUNCTION(_backend_delete) {
  std::string backend = TextArgument(fcinfo, 0);
  std::string ref = TextArgument(fcinfo, 1);
  schemareg::FindBackend(backend).Delete(ref);
  PG_RETURN_VOID();
}

// _invalidate_cache(): statement trigger on the registry; every backend drops
// its compiled schemas when the transaction's changes become visible to it.
SCHEMAREG_FUNCTION(_invalidate_cache) {
  if (!CALLED_AS_TRIGGER(fcinfo)) {
    throw Error(schemareg::sqlstate::kObjectNotInPrerequisiteState,
                "_invalidate_cache must be called as a trigger");
  }
  TriggerData* trigger = reinterpret_cast<TriggerData*>(fcinfo->context);
  InvalidateSchemaCaches(RelationGetRelid(trigger->tg_relation));
  return PointerGetDatum(nullptr);
}
