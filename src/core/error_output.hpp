// A record's errors written as JSON: the errors column and JSON details
// ({path, schema_path, keyword, message}), and the 2019-09 "basic" output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/validator.hpp"

namespace schemareg {

// `s` with every byte that is not part of a valid UTF-8 sequence (RFC 3629:
// no surrogates, no overlong forms) replaced by U+FFFD: what the JSON forms
// write. A definition made outside jsonb may hold a lone surrogate escape,
// which messages quote.
std::string ValidUtf8(std::string_view s);

// A JSON array of the first `limit` errors, each
// {"path", "schema_path", "keyword", "message"}, ending, when more were found
// than listed, in {"path": null, "schema_path": null, "keyword": null,
// "message": "... and N more errors"}.
std::string ErrorsJsonArray(const ErrorList& errors, size_t limit = SIZE_MAX);

// The output format "basic" of JSON Schema 2019-09 and 2020-12:
// {"valid": true}, or {"valid": false, "errors": [{"keywordLocation",
// "instanceLocation", "error"}, ...]}; when errors were only counted (past
// schemareg.max_errors), "more_errors": N says how many.
std::string BasicOutput(const ErrorList& errors);

}  // namespace schemareg
