// JSON Schema drafts: names, $schema URIs and the metaschemas shipped with the extension.
#pragma once

#include <string>
#include <string_view>

#include "core/json.hpp"

namespace schemareg {

enum class Dialect { kDraft4, kDraft6, kDraft7 };

// "draft4", "draft6", "draft7": the names stored in schemas.dialect.
const char* DialectName(Dialect dialect);

// Parses a dialect name; false when unknown.
bool ParseDialectName(std::string_view name, Dialect* dialect);

// The dialect a definition declares with $schema, else `fallback`. Throws
// Error 22023 for a $schema this extension does not know.
Dialect DialectOf(const Json& definition, Dialect fallback);

// The metaschema's canonical URI, without the empty fragment.
const char* MetaschemaUri(Dialect dialect);

// The metaschema of `uri` (with or without "#", http or https), if it is one.
bool FindMetaschema(std::string_view uri, Dialect* dialect);

// The metaschema's JSON text, compiled into the library.
std::string_view MetaschemaText(Dialect dialect);

}  // namespace schemareg
