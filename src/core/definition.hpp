// From definition text to a compiled schema: the builtin backend's compile step.
#pragma once

#include <memory>
#include <string_view>

#include "core/schema.hpp"

namespace schemareg {

// Parses the text (bounded by options.max_depth), picks its dialect, checks it
// against the metaschema and compiles it. Throws Error or MissingDocument.
std::unique_ptr<CompiledSchema> PrepareDefinition(std::string_view text,
                                                  const DocumentSource& documents,
                                                  const CompileOptions& options,
                                                  bool check_metaschema);

}  // namespace schemareg
