// Schema references: "name:version", or "name" for the newest existing version.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace schemareg {

struct SchemaRef {
  std::string name;
  int32_t version = 0;  // 0: the newest version whose status is exists
};

inline constexpr size_t kMaxNameLength = 200;

// Parses a reference. Throws Error 22023 naming the text when it is malformed.
SchemaRef ParseRef(std::string_view text);

// Checks a schema name alone (no version). Throws Error 22023.
void CheckName(std::string_view name);

}  // namespace schemareg
