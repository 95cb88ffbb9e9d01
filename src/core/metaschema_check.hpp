// Checks a definition against its metaschema: valijson for drafts 4 to 7,
// schemareg's own evaluator for the later ones and for custom metaschemas.
#pragma once

#include <vector>

#include "core/dialect.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"

namespace schemareg {

struct ValidationError;

// Throws Error 42P17 naming what in the definition breaks the metaschema.
// valijson gives the verdict; schemareg's own evaluator then names the paths
// and keywords, which valijson's messages do not. The definition's nesting
// must already be bounded (valijson recurses on it).
void CheckAgainstMetaschema(const Json& definition, Dialect dialect);

// The same for a metaschema of one's own (`uri`, parsed): schemareg's
// evaluator gives the verdict.
void CheckAgainstCustomMetaschema(const Json& definition, const Json& metaschema,
                                  const std::string& uri, const DocumentSource& documents,
                                  const CompileOptions& options);

// What CheckAgainstMetaschema reports, as a list: the definition's violations
// of its dialect's metaschema (empty when it conforms), at most `max` of them,
// each with its path in the definition, keyword and message.
std::vector<ValidationError> MetaschemaViolations(const Json& definition, Dialect dialect,
                                                  size_t max);

// The same for a metaschema of one's own (parsed).
std::vector<ValidationError> CustomMetaschemaViolations(const Json& definition,
                                                        const Json& metaschema,
                                                        const DocumentSource& documents,
                                                        const CompileOptions& options, size_t max);

}  // namespace schemareg
