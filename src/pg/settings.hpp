// The extension's settings (GUCs), read by the shims.
#pragma once

#include "core/dialect.hpp"
#include "core/schema.hpp"
#include "core/validator.hpp"

namespace schemareg::pg {

// Defines every schemareg.* setting; called once from _PG_init.
void DefineSettings();

Dialect DefaultDialect();
int MaxErrorDetail();

// schemareg.strict: what registration does about keywords the dialect lacks.
enum class Strictness { kOff, kWarn, kError };
Strictness Strict();

// schemareg.error_format: how a 23514's detail lists a record's errors.
enum class ErrorFormat { kText, kJson };
ErrorFormat CurrentErrorFormat();

// Compile options from the settings.
CompileOptions CurrentCompileOptions(Dialect dialect);

// True when a cancel, statement_timeout or termination is pending and
// CHECK_FOR_INTERRUPTS may act on it now: the core's StopCheck.
bool ShouldStop();

// Validation options from the settings, the interrupt flag and the stack left.
ValidateOptions CurrentValidateOptions();

}  // namespace schemareg::pg
