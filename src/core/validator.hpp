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
  std::string path;     // JSON Pointer into the record (cut at kMaxErrorPathBytes)
  std::string keyword;  // the keyword that failed
  std::string message;
  // JSON Pointer to the failing keyword in the schema, through the $refs
  // followed on the way (the spec's keywordLocation; cut like path).
  std::string schema_path;
};

// What collecting errors keeps, so that its memory does not grow with the
// record: at most ValidateOptions::max_errors errors and max_error_bytes of
// their text; the errors found after those are counted, not kept.
inline constexpr size_t kDefaultMaxErrors = 1000;
inline constexpr size_t kMaxErrorBytes = 1024 * 1024;
// A longer path is kept as its first bytes (whole characters) and "...".
inline constexpr size_t kMaxErrorPathBytes = 4096;

// A record's errors: the first ones found, in document order, and how many
// more were found after them.
struct ErrorList {
  std::vector<ValidationError> kept;
  uint64_t more = 0;

  bool empty() const { return kept.empty() && more == 0; }
  uint64_t total() const { return kept.size() + more; }
};

struct ValidateOptions {
  // Polled during validation: when it says stop (cancel, statement_timeout)
  // the validator throws Interrupted.
  StopCheck should_stop = nullptr;
  // Bytes of stack the validator may use before it stops with 54000.
  size_t stack_budget = 1024 * 1024;
  // Whether "format" is an assertion (drafts 4-7 leave this to the
  // implementation), and whether it is one where the dialect makes it an
  // annotation too (2020-12's format-annotation vocabulary).
  bool assert_formats = true;
  bool assert_annotation_formats = false;
  // Levels of the record the evaluation may descend before it stops with 54000.
  size_t max_depth = SIZE_MAX;
  // Errors CollectErrors keeps, and bytes of their path, keyword and message
  // together (the first error is always kept); the rest are only counted.
  size_t max_errors = kDefaultMaxErrors;
  size_t max_error_bytes = kMaxErrorBytes;
};

// True when the record satisfies the schema. Stops at the first failure.
bool IsValid(const CompiledSchema& schema, const Json& record, const ValidateOptions& options);

// Errors as an error detail shows them: one "path: message (keyword)" line
// each ("(root)" for the empty path), at most `limit`, then "... and N more"
// for the rest, kept or only counted.
std::string ErrorLines(const ErrorList& errors, size_t limit);

// "... and N more errors": what stands for the errors found but not kept.
std::string MoreErrorsMessage(uint64_t more);

// Every failure, in document order of the checks that found them, within the
// options' limits.
ErrorList CollectErrors(const CompiledSchema& schema, const Json& record,
                        const ValidateOptions& options);

}  // namespace schemareg
