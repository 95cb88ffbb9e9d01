// JSON Schema drafts: names, $schema URIs and the metaschemas shipped with the extension.
#pragma once

#include <string>
#include <string_view>

#include "core/json.hpp"

namespace schemareg {

enum class Dialect { kDraft4, kDraft6, kDraft7, kDraft2019_09, kDraft2020_12 };

inline constexpr Dialect kAllDialects[] = {Dialect::kDraft4, Dialect::kDraft6, Dialect::kDraft7,
                                           Dialect::kDraft2019_09, Dialect::kDraft2020_12};

// "draft4", "draft6", "draft7", "draft2019-09", "draft2020-12": the names
// stored in schemas.dialect.
const char* DialectName(Dialect dialect);

// Parses a dialect name; false when unknown.
bool ParseDialectName(std::string_view name, Dialect* dialect);

// Drafts 2019-09 and later: $ref applies beside its siblings, $anchor and
// $defs exist, and a dialect's metaschema declares its vocabularies.
inline bool IsModern(Dialect d) {
  return d == Dialect::kDraft2019_09 || d == Dialect::kDraft2020_12;
}

// The dialect a definition declares with $schema, else `fallback`. Throws
// Error 22023 for a $schema this extension does not know.
Dialect DialectOf(const Json& definition, Dialect fallback);

// The dialect named by a $schema URI (with or without "#", http or https).
bool FindDialect(std::string_view uri, Dialect* dialect);

// The dialect's metaschema's canonical URI, without the empty fragment.
const char* MetaschemaUri(Dialect dialect);

// The JSON text of a shipped metaschema document: a dialect's metaschema, or
// one of the vocabulary metaschemas of drafts 2019-09 and 2020-12 (http or
// https, with or without an empty fragment). Empty when `uri` is none of them.
std::string_view ShippedDocument(std::string_view uri);

// The dialect's metaschema's JSON text, compiled into the library.
std::string_view MetaschemaText(Dialect dialect);

}  // namespace schemareg
