// Compiled schemas cached per backend, loaded from the registry on a miss and
// dropped when the registry table changes (relcache invalidation).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/schema.hpp"
#include "pg/postgres.hpp"

namespace schemareg::pg {

// The error for a registered schema whose $ref resolves through a dependency
// row that is not there (42704): a registry whose dependencies are lost, or
// not restored yet.
class UnresolvedReference : public Error {
 public:
  using Error::Error;
};

struct CachedSchema {
  int64_t id = 0;
  std::string ref;  // "name:version"
  Oid owner = InvalidOid;
  bool is_public = false;
  std::shared_ptr<const CompiledSchema> compiled;
};

// Registers the invalidation and transaction callbacks; called from _PG_init.
void InitSchemaCache();

// The compiled schema a reference names. Throws Error 22023 (malformed),
// 42704 (no such schema, or, `for_caller`, a private one the current user may
// not see) or 55000 (pending or deleting). Without `for_caller` (counting the
// rows that already name it) visibility does not matter.
std::shared_ptr<const CachedSchema> LookupSchema(const std::string& ref_text,
                                                 bool for_caller = true);

// A registered schema a compiled definition uses, and who may see it.
struct UsedSchema {
  int64_t id = 0;
  Oid owner = InvalidOid;
  bool is_public = false;
};

// Compiles a definition: every $ref must resolve, through the shipped
// metaschemas or registered schemas (by their $id). `registered_id` 0 means a
// definition being registered: it is checked against its metaschema and its
// references go to the newest versions, whose ids are appended to `uses`.
// Otherwise it is the stored row's id, and references go to the versions that
// row pinned in schemareg.dependencies. With a `viewer`, schemas that role may
// not see do not resolve (as if they did not exist). `used`, when given, gets
// each registered schema it loaded with its owner and visibility.
std::unique_ptr<CompiledSchema> CompileDefinition(const std::string& definition_text,
                                                  Dialect dialect, int64_t registered_id,
                                                  std::vector<int64_t>* uses, Oid viewer,
                                                  std::vector<UsedSchema>* used = nullptr);

// The definition of the registered schema that a document URI a $ref needs
// names, as a definition being registered by `viewer` would load it (a
// kRegistryUriPrefix URI: that name:version; else the newest existing version
// whose $id it is). False when there is none the viewer may see.
bool FindRegisteredDocument(const std::string& uri, Oid viewer, std::string* definition);

// Changes each time the cache is dropped: an entry LookupSchema returned
// stays cached while this stays the same.
uint64_t SchemaCacheGeneration();

// Sends the invalidation that makes every backend drop its cached schemas.
void InvalidateSchemaCaches(Oid registry_relid);

}  // namespace schemareg::pg
