// Runs a compiled schema over a record.
#pragma once

#include <csignal>
#include <cstddef>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/schema.hpp"

namespace schemareg {

struct ValidationError {
  std::string path;     // JSON Pointer into the record
  std::string keyword;  // the keyword that failed
  std::string message;
};

struct ValidateOptions {
  // Polled during validation; when it becomes non-zero the validator throws
  // Interrupted (the host's cancel and statement_timeout flag).
  const volatile std::sig_atomic_t* interrupt = nullptr;
  // Bytes of stack the validator may use before it stops with 54000.
  size_t stack_budget = 1024 * 1024;
  // Whether "format" is an assertion (drafts 4-7 leave this to the implementation).
  bool assert_formats = true;
};

// True when the record satisfies the schema. Stops at the first failure.
bool IsValid(const CompiledSchema& schema, const Json& record, const ValidateOptions& options);

// Every failure, in document order of the checks that found them.
std::vector<ValidationError> CollectErrors(const CompiledSchema& schema, const Json& record,
                                           const ValidateOptions& options);

}  // namespace schemareg
