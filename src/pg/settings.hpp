// The extension's settings (GUCs), read by the shims.
#pragma once

#include <csignal>

#include "core/dialect.hpp"
#include "core/schema.hpp"
#include "core/validator.hpp"

namespace schemareg::pg {

// Defines every schemareg.* setting; called once from _PG_init.
void DefineSettings();

Dialect DefaultDialect();
int MaxErrorDetail();

// Compile options from the settings.
CompileOptions CurrentCompileOptions(Dialect dialect);

// PostgreSQL's cancel/timeout flag where it may be acted on now, else nullptr.
const volatile sig_atomic_t* InterruptFlag();

// Validation options from the settings, the interrupt flag and the stack left.
ValidateOptions CurrentValidateOptions();

}  // namespace schemareg::pg
