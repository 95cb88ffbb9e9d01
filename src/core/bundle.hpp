// Bundles: a schema version with every registered schema it uses, as
// schemareg.bundle() makes them, compiled without the registry.
#pragma once

#include <memory>

#include "core/json.hpp"
#include "core/schema.hpp"

namespace schemareg {

// Compiles a bundle's schema, its dependencies serving its $refs (by
// name:version and by $id). Throws Error 22023 for a malformed bundle and
// 42704 for a reference the bundle does not hold.
std::unique_ptr<CompiledSchema> CompileBundle(const Json& bundle, const CompileOptions& options);

}  // namespace schemareg
