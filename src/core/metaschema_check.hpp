// Checks a definition against its draft's metaschema, with valijson.
#pragma once

#include "core/dialect.hpp"
#include "core/json.hpp"

namespace schemareg {

// Throws Error 42P17 naming what in the definition breaks the metaschema.
// valijson gives the verdict; schemareg's own evaluator then names the paths
// and keywords, which valijson's messages do not. The definition's nesting
// must already be bounded (valijson recurses on it).
void CheckAgainstMetaschema(const Json& definition, Dialect dialect);

}  // namespace schemareg
