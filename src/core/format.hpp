// Checks for JSON Schema's "format" keyword (drafts 4, 6 and 7).
// Every check is hand-written, linear in the input, non-recursive and
// allocation-free, so it is safe on very long strings inside the server.
#pragma once

#include <string_view>

namespace schemareg {

enum class FormatResult { kValid, kInvalid, kUnknown };

// Checks `value` (UTF-8) against a format name. kUnknown for a format this
// module does not know (the caller then ignores the keyword, as the spec says).
// "regex" is deliberately kUnknown here: the pattern module owns it.
FormatResult CheckFormat(std::string_view format, std::string_view value);

// True for a format name CheckFormat knows.
bool IsKnownFormat(std::string_view format);

}  // namespace schemareg
