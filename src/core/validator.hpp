// Runs a compiled schema over a record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"

namespace schemareg {

struct ValidationError {
  std::string path;     // JSON Pointer into the record
  std::string keyword;  // the keyword that failed
  std::string message;
};

struct ValidateOptions {
  // Polled during validation: when it says stop (cancel, statement_timeout)
  // the validator throws Interrupted.
  StopCheck should_stop = nullptr;
  // Bytes of stack the validator may use before it stops with 54000.
  size_t stack_budget = 1024 * 1024;
  // Whether "format" is an assertion (drafts 4-7 leave this to the implementation).
  bool assert_formats = true;
  // Levels of the record the evaluation may descend before it stops with 54000.
  size_t max_depth = SIZE_MAX;
};

// True when the record satisfies the schema. Stops at the first failure.
bool IsValid(const CompiledSchema& schema, const Json& record, const ValidateOptions& options);

// Errors as an error detail shows them: one "path: message (keyword)" line
// each ("(root)" for the empty path), at most `limit`, then "... and N more".
std::string ErrorLines(const std::vector<ValidationError>& errors, size_t limit);

// Every failure, in document order of the checks that found them.
std::vector<ValidationError> CollectErrors(const CompiledSchema& schema, const Json& record,
                                           const ValidateOptions& options);

}  // namespace schemareg
