// SQL-callable functions: validation, and the helpers the registry's SQL uses.
#include <string>
#include <vector>

#include "core/backend.hpp"
#include "core/bundle.hpp"
#include "core/diff.hpp"
#include "core/error.hpp"
#include "core/error_output.hpp"
#include "core/ref.hpp"
#include "core/validator.hpp"
#include "pg/cache.hpp"
#include "pg/guard.hpp"
#include "pg/record.hpp"
#include "pg/row_errors.hpp"
#include "pg/settings.hpp"

namespace schemareg::pg {
namespace {

// A text argument as a std::string. Call before other C++ objects are live.
std::string TextArgument(FunctionCallInfo fcinfo, int argno) {
  text* t = PG_GETARG_TEXT_PP(argno);
  return std::string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

// The function's composite result made of `values`. PostgreSQL code: call it
// inside PgGuard.
Datum CompositeResult(FunctionCallInfo fcinfo, Datum* values, bool* nulls) {
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE) {
    elog(ERROR, "function returning a record called in a context that cannot accept one");
  }
  return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls));
}

// A record's errors, and the schema version that found them.
struct RecordCheck {
  std::shared_ptr<const CachedSchema> schema;
  ErrorList errors;
};

// Every error of the record in argument 1 against the schema in argument 0.
// The arguments are read before any C++ object exists in this frame.
RecordCheck CheckRecord(FunctionCallInfo fcinfo) {
  Jsonb* record = JsonbArgument(fcinfo, 1);
  std::string ref = TextArgument(fcinfo, 0);
  RecordCheck check;
  check.schema = LookupSchema(ref);
  check.errors = RecordErrors(*check.schema->compiled, record);
  return check;
}

}  // namespace
}  // namespace schemareg::pg

using schemareg::Dialect;
using schemareg::Error;
using namespace schemareg::pg;

// validate_record(ref text, record jsonb) → boolean
SCHEMAREG_FUNCTION(validate_record) {
  Jsonb* record = JsonbArgument(fcinfo, 1);
  std::string ref = TextArgument(fcinfo, 0);
  auto schema = LookupSchema(ref);
  return BoolGetDatum(RecordIsValid(*schema->compiled, record));
}

// validation_errors(ref text, record jsonb) →
// TABLE(path text, keyword text, message text, schema_path text)
SCHEMAREG_FUNCTION(validation_errors) {
  RecordCheck check = CheckRecord(fcinfo);
  PutErrorRows(fcinfo, check.errors);
  return (Datum)0;
}

// validation_report(ref text, record jsonb) → jsonb: the record's errors in
// JSON Schema's "basic" output format, {"valid": true} when it matches.
SCHEMAREG_FUNCTION(validation_report) {
  RecordCheck check = CheckRecord(fcinfo);
  std::string report = schemareg::BasicOutput(check.errors);
  Datum result = 0;
  PgGuard([&] { result = DirectFunctionCall1(jsonb_in, CStringGetDatum(report.c_str())); });
  return result;
}

// assert_valid(ref text, record jsonb) → void; raises 23514 listing the errors.
SCHEMAREG_FUNCTION(assert_valid) {
  RecordCheck check = CheckRecord(fcinfo);
  if (!check.errors.empty()) {
    throw Error(
        schemareg::sqlstate::kCheckViolation,
        "record does not match schema \"" + check.schema->ref + "\"", ErrorDetail(check.errors),
        check.errors.total() == 1 ? "" : std::to_string(check.errors.total()) + " errors in all.");
  }
  PG_RETURN_VOID();
}

// _errors_json(ref text, record jsonb) → jsonb: the record's errors as an
// errors column stores them, NULL when it is valid.
SCHEMAREG_FUNCTION(_errors_json) {
  Jsonb* record = JsonbArgument(fcinfo, 1);
  std::string ref = TextArgument(fcinfo, 0);
  auto schema = LookupSchema(ref);
  if (RecordIsValid(*schema->compiled, record)) PG_RETURN_NULL();
  std::string json = ErrorsJson(RecordErrors(*schema->compiled, record));
  Datum result = 0;
  PgGuard([&] { result = DirectFunctionCall1(jsonb_in, CStringGetDatum(json.c_str())); });
  return result;
}

// schemareg.strict: a WARNING, or the definition refused, for the keywords
// its dialect does not have (as ajv's strict mode does).
void ReportIgnoredKeywords(const schemareg::CompiledSchema& compiled) {
  Strictness strict = Strict();
  if (compiled.ignored_keywords.empty() || strict == Strictness::kOff) return;
  std::string dialect = schemareg::DialectName(compiled.dialect);
  std::string detail;
  size_t shown = 0;
  for (const auto& k : compiled.ignored_keywords) {
    if (++shown > 20) {
      detail += "\n... and " + std::to_string(compiled.ignored_keywords.size() - 20) + " more";
      break;
    }
    if (!detail.empty()) detail += "\n";
    detail += (k.path.empty() ? std::string("(root)") : k.path) + ": \"" +
              schemareg::TruncateUtf8(k.keyword, 100) + "\" " +
              (k.dialects.empty() ? std::string("is no keyword of any draft")
               : k.dialects.find(dialect) != std::string::npos
                   ? std::string("is in no vocabulary the metaschema declares")
                   : "is a keyword of " + k.dialects + " only");
  }
  std::string message = "schema definition uses keywords " + dialect + " does not have";
  std::string hint =
      "They are ignored, which other validators may not do. Declare the draft that has them in "
      "\"$schema\"; schemareg.strict = off keeps quiet, error refuses such definitions.";
  if (strict == Strictness::kError) {
    throw Error(schemareg::sqlstate::kInvalidObjectDefinition, message, detail, hint);
  }
  PgGuard([&] {
    ereport(WARNING, (errmsg("%s", message.c_str()), errdetail("%s", detail.c_str()),
                      errhint("%s", hint.c_str())));
  });
}

// _compile(definition jsonb, viewer regrole, OUT dialect text, OUT uses bigint[]):
// checks a definition for registration by `viewer` (its $refs resolve only to
// schemas that role may see); returns its dialect and the ids of the
// registered schemas its $refs use.
SCHEMAREG_FUNCTION(_compile) {
  char* definition_text = JsonbArgumentText(fcinfo, 0);
  Oid viewer = PG_GETARG_OID(1);
  std::vector<int64_t> uses;
  auto compiled = CompileDefinition(definition_text, DefaultDialect(), 0, &uses, viewer);
  const char* dialect = schemareg::DialectName(compiled->dialect);
  ReportIgnoredKeywords(*compiled);
  Datum result = 0;
  PgGuard([&] {
    Datum* ids = static_cast<Datum*>(palloc(sizeof(Datum) * (uses.size() + 1)));
    for (size_t i = 0; i < uses.size(); i++) ids[i] = Int64GetDatum(uses[i]);
    ArrayType* array = construct_array(ids, static_cast<int>(uses.size()), INT8OID, 8,
                                       FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
    Datum values[2] = {CStringGetTextDatum(dialect), PointerGetDatum(array)};
    bool nulls[2] = {false, false};
    result = CompositeResult(fcinfo, values, nulls);
  });
  return result;
}

// _parse_ref(ref text, OUT name text, OUT version integer): version 0 for a bare
// name; 22004 for NULL.
SCHEMAREG_FUNCTION(_parse_ref) {
  // Every function that takes a reference parses it here first: a NULL one
  // is refused as such, not met later as a missing row.
  if (PG_ARGISNULL(0)) {
    throw Error("22004", "a schema reference must not be null",
                "Name a schema as name or name:version.");
  }
  std::string ref_text = TextArgument(fcinfo, 0);
  schemareg::SchemaRef ref = schemareg::ParseRef(ref_text);
  Datum result = 0;
  PgGuard([&] {
    Datum values[2] = {CStringGetTextDatum(ref.name.c_str()), Int32GetDatum(ref.version)};
    bool nulls[2] = {false, false};
    result = CompositeResult(fcinfo, values, nulls);
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

// _check_backend(backend text): 22023 unless the backend exists.
SCHEMAREG_FUNCTION(_check_backend) {
  std::string backend = TextArgument(fcinfo, 0);
  schemareg::FindBackend(backend);
  PG_RETURN_VOID();
}

// _backend_delete(backend text, ref text): the delete step.
SCHEMAREG_FUNCTION(_backend_delete) {
  std::string backend = TextArgument(fcinfo, 0);
  std::string ref = TextArgument(fcinfo, 1);
  schemareg::FindBackend(backend).Delete(ref);
  PG_RETURN_VOID();
}

// _validate_bundle(bundle jsonb, record jsonb) → boolean: the record against a
// bundle made by schemareg.bundle() (whose hashes the SQL wrapper checked).
SCHEMAREG_FUNCTION(_validate_bundle) {
  Jsonb* record = JsonbArgument(fcinfo, 1);
  char* bundle_text = JsonbArgumentText(fcinfo, 0);
  schemareg::CompileOptions options = CurrentCompileOptions(DefaultDialect());
  schemareg::Json bundle =
      schemareg::ParseJson(bundle_text, options.max_depth, nullptr, ShouldStop);
  auto compiled = schemareg::CompileBundle(bundle, options);
  return BoolGetDatum(RecordIsValid(*compiled, record));
}

// _compare(old jsonb, new jsonb) → TABLE(path, change, backward, forward).
SCHEMAREG_FUNCTION(_compare) {
  char* new_text = JsonbArgumentText(fcinfo, 1);
  char* old_text = JsonbArgumentText(fcinfo, 0);
  size_t depth = CurrentCompileOptions(DefaultDialect()).max_depth;
  std::vector<schemareg::SchemaChange> changes = schemareg::CompareSchemas(
      schemareg::ParseJson(old_text, depth), schemareg::ParseJson(new_text, depth));
  PgGuard([&] {
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    for (const schemareg::SchemaChange& c : changes) {
      Datum values[4] = {CStringGetTextDatum(c.path.c_str()), CStringGetTextDatum(c.change.c_str()),
                         BoolGetDatum(c.backward), BoolGetDatum(c.forward)};
      bool nulls[4] = {false, false, false, false};
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
  });
  return (Datum)0;
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
