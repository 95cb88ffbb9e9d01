// RFC 3986 reference resolution, enough for $id and $ref.
#pragma once

#include <string>
#include <string_view>

namespace schemareg {

// Resolves `ref` against the absolute or empty `base` (RFC 3986 section 5.2).
std::string ResolveUri(std::string_view base, std::string_view ref);

// Splits "a#b" into "a" and "b"; the fragment is empty when there is none.
void SplitFragment(std::string_view uri, std::string* without_fragment, std::string* fragment);

// Decodes %XX escapes (used for JSON Pointer fragments).
std::string PercentDecode(std::string_view s);

}  // namespace schemareg
