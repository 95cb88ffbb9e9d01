#include "pg/settings.hpp"

#include "core/backend.hpp"
#include "pg/guard.hpp"
#include "pg/postgres.hpp"

extern "C" {
#include "storage/procsignal.h"
#include "tcop/tcopprot.h"
}

namespace schemareg::pg {

namespace {

int default_dialect = static_cast<int>(Dialect::kDraft7);
int max_depth = 1000;
int max_error_detail = 20;
int max_errors = static_cast<int>(kDefaultMaxErrors);
int assert_formats = 1;
int fail_backend_steps = 0;
int strict = 1;
int job_max_attempts = 5;
int job_retry_delay = 60;
int error_format = 0;

const struct config_enum_entry kStrictOptions[] = {
    {"off", 0, false}, {"warn", 1, false}, {"error", 2, false}, {nullptr, 0, false}};

const struct config_enum_entry kErrorFormatOptions[] = {
    {"text", 0, false}, {"json", 1, false}, {nullptr, 0, false}};

const struct config_enum_entry kFailOptions[] = {
    {"none", 0, false}, {"create", 1, false}, {"delete", 2, false},
    {"both", 3, false}, {nullptr, 0, false},
};

// Passes schemareg.fail_backend_steps to the faulty test backend.
void ApplyFaults(int newval, void*) {
  schemareg::SetInjectedFaults({(newval & 1) != 0, (newval & 2) != 0});
}

const struct config_enum_entry kDialectOptions[] = {
    {"draft4", static_cast<int>(Dialect::kDraft4), false},
    {"draft6", static_cast<int>(Dialect::kDraft6), false},
    {"draft7", static_cast<int>(Dialect::kDraft7), false},
    {"draft2019-09", static_cast<int>(Dialect::kDraft2019_09), false},
    {"draft2020-12", static_cast<int>(Dialect::kDraft2020_12), false},
    {nullptr, 0, false},
};

// off: no format asserts; on: formats assert except where the dialect makes
// them annotations (2020-12's default format-annotation vocabulary); always:
// there too, as ajv does. The boolean spellings of 0.1.0's boolean setting
// still work.
const struct config_enum_entry kAssertFormatOptions[] = {
    {"off", 0, false}, {"on", 1, false},    {"always", 2, false}, {"false", 0, true},
    {"true", 1, true}, {"no", 0, true},     {"yes", 1, true},     {"0", 0, true},
    {"1", 1, true},    {nullptr, 0, false},
};

}  // namespace

void DefineSettings() {
  DefineCustomEnumVariable("schemareg.default_dialect",
                           "JSON Schema draft of definitions that have no \"$schema\".", nullptr,
                           &default_dialect, static_cast<int>(Dialect::kDraft7), kDialectOptions,
                           PGC_USERSET, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("schemareg.max_depth",
                          "Deepest nesting of a record or a definition that schemareg accepts.",
                          "Deeper input is refused with SQLSTATE 54000.", &max_depth, 1000, 1,
                          10000, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("schemareg.max_error_detail",
                          "Most validation errors listed in the detail of assert_valid's error.",
                          nullptr, &max_error_detail, 20, 1, 10000, PGC_USERSET, 0, nullptr,
                          nullptr, nullptr);
  DefineCustomIntVariable(
      "schemareg.max_errors",
      "Most validation errors kept per record (validation_errors, errors columns, 23514 details).",
      "The errors found after these (or after 1MB of error text) are counted, not kept.",
      &max_errors, static_cast<int>(kDefaultMaxErrors), 1, 100000, PGC_USERSET, 0, nullptr, nullptr,
      nullptr);
  // Superuser only: a writer of a bound table would otherwise turn it off in
  // its own session and store records the table's schema refuses.
  DefineCustomEnumVariable("schemareg.assert_formats",
                           "Whether the \"format\" keyword rejects values (date-time, email, ...).",
                           "on: except where the dialect makes it an annotation (2020-12); always: "
                           "there too; off: never.",
                           &assert_formats, 1, kAssertFormatOptions, PGC_SUSET, 0, nullptr, nullptr,
                           nullptr);
  DefineCustomEnumVariable(
      "schemareg.strict",
      "What registering a definition with keywords its dialect does not have does.",
      "warn: a WARNING lists them with their paths; error: the definition is refused (42P17); "
      "off: nothing.",
      &strict, 1, kStrictOptions, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  DefineCustomEnumVariable(
      "schemareg.error_format", "How the detail of a record's 23514 lists its errors.",
      "text: one \"path: message (keyword)\" line each; json: a JSON array of {path, "
      "schema_path, keyword, message}.",
      &error_format, 0, kErrorFormatOptions, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  DefineCustomEnumVariable(
      "schemareg.fail_backend_steps", "Lifecycle steps the faulty test backend fails (for tests).",
      nullptr, &fail_backend_steps, 0, kFailOptions, PGC_SUSET, 0, nullptr, ApplyFaults, nullptr);
  // Jobs under a scheduler (07_jobs.sql): run_jobs() retries a failed job
  // after a delay that doubles with each attempt, up to a number of attempts.
  DefineCustomIntVariable(
      "schemareg.job_max_attempts",
      "Runs of a job after which run_jobs() no longer retries it when it fails.", nullptr,
      &job_max_attempts, 5, 1, 1000, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "schemareg.job_retry_delay",
      "How long run_jobs() waits before it retries a job that failed; doubled after each attempt.",
      "At most one day.", &job_retry_delay, 60, 0, 86400, PGC_USERSET, GUC_UNIT_S, nullptr, nullptr,
      nullptr);
  MarkGUCPrefixReserved("schemareg");
}

Dialect DefaultDialect() { return static_cast<Dialect>(default_dialect); }

int MaxErrorDetail() { return max_error_detail; }

Strictness Strict() { return static_cast<Strictness>(strict); }

ErrorFormat CurrentErrorFormat() { return static_cast<ErrorFormat>(error_format); }

// The stack PostgreSQL still allows below this frame, less a margin for the
// frames that follow.
size_t StackBudget() {
  pg_stack_base_t base = set_stack_base();
  restore_stack_base(base);
  char here;
  long used = base != nullptr ? static_cast<long>(base - &here) : 0;
  if (used < 0) used = -used;
  long budget = static_cast<long>(max_stack_depth) * 1024L - used - 256 * 1024L;
  return static_cast<size_t>(budget > 64 * 1024L ? budget : 64 * 1024L);
}

bool ShouldStop() {
  // A barrier (DROP DATABASE, for one, waits for every backend to absorb
  // it) is absorbed here, so that a long validation does not hold it up.
  if (ProcSignalBarrierPending) PgGuard([] { ProcessProcSignalBarrier(); });
  // Only a cancel or a termination stops the core, and only where
  // CHECK_FOR_INTERRUPTS can act on it: other interrupts (log requests)
  // would restart the work for nothing, held-off ones forever.
  return InterruptPending && (QueryCancelPending || ProcDiePending) &&
         INTERRUPTS_CAN_BE_PROCESSED();
}

CompileOptions CurrentCompileOptions(Dialect dialect) {
  CompileOptions options;
  options.default_dialect = dialect;
  options.max_depth = static_cast<size_t>(max_depth);
  options.stack_budget = StackBudget();
  options.should_stop = ShouldStop;
  return options;
}

ValidateOptions CurrentValidateOptions() {
  ValidateOptions options;
  options.assert_formats = assert_formats != 0;
  options.assert_annotation_formats = assert_formats == 2;
  options.should_stop = ShouldStop;
  options.stack_budget = StackBudget();
  options.max_depth = static_cast<size_t>(max_depth);
  options.max_errors = static_cast<size_t>(max_errors);
  return options;
}

}  // namespace schemareg::pg
