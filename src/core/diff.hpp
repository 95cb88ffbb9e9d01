// Differences between two versions of a schema, each classified by whether
// the new version still accepts what the old one accepted (backward) and
// whether the old one accepts what the new one accepts (forward).
#pragma once

#include <string>
#include <vector>

#include "core/json.hpp"

namespace schemareg {

struct SchemaChange {
  std::string path;    // JSON Pointer into the definitions ("" for the root)
  std::string change;  // e.g. "required added", "type narrowed"
  bool backward;       // the new version accepts every record the old one did
  bool forward;        // the old version accepts every record the new one does
};

// Compares two definitions keyword by keyword, following properties, items,
// additionalProperties and definitions. Changes it cannot classify (other
// keywords, $ref targets) are reported as "<keyword> changed", neither way
// compatible. Throws Error 54000 past max_depth levels of nesting.
std::vector<SchemaChange> CompareSchemas(const Json& old_schema, const Json& new_schema,
                                         size_t max_depth = 200);

}  // namespace schemareg
