// Ad-hoc use without registering: validate(definition, record),
// validation_errors(definition, record) and check_definition(definition).
// Each backend keeps the programs of the definitions it compiled, keyed by a
// SHA-256 of the definition's jsonb and the settings that change the program,
// bounded in entries and bytes, the least recently used dropped first.
#include <list>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/definition_check.hpp"
#include "core/error.hpp"
#include "core/regex.hpp"
#include "core/validator.hpp"
#include "pg/cache.hpp"
#include "pg/guard.hpp"
#include "pg/owner.hpp"
#include "pg/record.hpp"
#include "pg/settings.hpp"

extern "C" {
#include "common/cryptohash.h"
#include "common/sha2.h"
}

// schemareg.strict's report on a compiled definition (functions.cpp).
void ReportIgnoredKeywords(const schemareg::CompiledSchema& compiled);

namespace schemareg::pg {
namespace {

// Programs one backend keeps, and their estimated bytes in all.
constexpr size_t kMaxPrograms = 256;
constexpr size_t kMaxProgramBytes = 32 * 1024 * 1024;

struct AdhocProgram {
  std::string key;
  std::shared_ptr<const CompiledSchema> compiled;
  // The registered schemas its $refs loaded: the program is used only while
  // the registry has not changed since (generation) and by roles that may
  // see them.
  std::vector<UsedSchema> used;
  uint64_t generation = 0;
  size_t bytes = 0;
};

std::list<AdhocProgram> programs;  // the most recently used first
std::unordered_map<std::string, std::list<AdhocProgram>::iterator> by_key;
size_t program_bytes = 0;

void Evict(std::list<AdhocProgram>::iterator it) {
  program_bytes -= it->bytes;
  by_key.erase(it->key);
  programs.erase(it);
}

// The SHA-256 of the definition's jsonb (equal definitions have equal
// bytes), then the settings that change what it compiles to.
std::string KeyOf(const Jsonb* definition, const CompileOptions& options) {
  uint8 digest[PG_SHA256_DIGEST_LENGTH];
  bool hashed = false;
  PgGuard([&] {
    pg_cryptohash_ctx* ctx = pg_cryptohash_create(PG_SHA256);
    hashed = ctx != nullptr && pg_cryptohash_init(ctx) == 0 &&
             pg_cryptohash_update(ctx, reinterpret_cast<const uint8*>(VARDATA(definition)),
                                  VARSIZE(definition) - VARHDRSZ) == 0 &&
             pg_cryptohash_final(ctx, digest, sizeof(digest)) == 0;
    pg_cryptohash_free(ctx);
  });
  if (!hashed) throw Error(sqlstate::kOutOfMemory, "could not hash a schema definition");
  std::string key(reinterpret_cast<const char*>(digest), sizeof(digest));
  key += static_cast<char>(options.default_dialect);
  key += std::to_string(options.max_depth);
  return key;
}

// The memory a program holds, roughly: its nodes, twice the definition's
// text for the values they keep (enums, names, ...), and its compiled
// patterns (each once; a schema's may hold up to kMaxSchemaPatternBytes).
size_t ProgramBytes(const CompiledSchema& compiled, size_t text_size) {
  size_t bytes = compiled.nodes.size() * sizeof(SchemaNode) + 2 * text_size;
  std::unordered_set<const Pattern*> seen;
  auto add = [&](const Pattern* p) {
    if (p != nullptr && seen.insert(p).second) bytes += p->bytes();
  };
  for (const auto& node : compiled.nodes) {
    add(node->pattern.get());
    for (const auto& pp : node->pattern_properties) add(pp.first.get());
  }
  return bytes;
}

// True when the current role may use a cached program: the registry has not
// changed since it was compiled, or it loaded no registered schema; and the
// role may see every private schema it loaded.
bool Usable(const AdhocProgram& program, Oid viewer) {
  if (program.used.empty()) return true;
  if (program.generation != SchemaCacheGeneration()) return false;
  for (const UsedSchema& u : program.used) {
    if (u.is_public) continue;
    bool visible = false;
    PgGuard([&] { visible = MaySee(viewer, u.owner, false); });
    if (!visible) return false;
  }
  return true;
}

// The program of a definition that is not registered: the cached one, or
// compiled as create_schema compiles (metaschema check, every $ref resolved,
// registered schemas only as the current role may see them) and cached.
std::shared_ptr<const CompiledSchema> AdhocProgramFor(const Jsonb* definition) {
  // Registry changes committed since this backend last looked apply first.
  PgGuard([] { AcceptInvalidationMessages(); });
  Oid viewer = GetUserId();
  CompileOptions options = CurrentCompileOptions(DefaultDialect());
  std::string key = KeyOf(definition, options);
  auto found = by_key.find(key);
  if (found != by_key.end()) {
    if (Usable(*found->second, viewer)) {
      programs.splice(programs.begin(), programs, found->second);
      return found->second->compiled;
    }
    // Compiled afresh for this role: it fails as it would with no cache.
    Evict(found->second);
  }
  uint64_t generation = SchemaCacheGeneration();
  char* text = nullptr;
  PgGuard([&] {
    text = JsonbToCString(nullptr, const_cast<JsonbContainer*>(&definition->root),
                          VARSIZE(definition));
  });
  std::string definition_text(text);
  PgGuard([&] { pfree(text); });
  std::vector<UsedSchema> used;
  std::shared_ptr<const CompiledSchema> compiled =
      CompileDefinition(definition_text, options.default_dialect, 0, nullptr, viewer, &used);
  // An invalidation while the registry was read may mean it was read as it
  // was before: such a program serves this call only.
  if (!used.empty() && SchemaCacheGeneration() != generation) return compiled;
  size_t bytes =
      ProgramBytes(*compiled, definition_text.size()) + key.size() + sizeof(AdhocProgram);
  if (bytes > kMaxProgramBytes / 4) return compiled;  // too big to keep
  while (!programs.empty() &&
         (programs.size() >= kMaxPrograms || program_bytes + bytes > kMaxProgramBytes)) {
    Evict(std::prev(programs.end()));
  }
  programs.push_front({key, compiled, std::move(used), generation, bytes});
  by_key[key] = programs.begin();
  program_bytes += bytes;
  return compiled;
}

// The program of the definition in argument 0, refused (42P17) as
// create_schema refuses it when schemareg.strict is error and it has
// keywords its dialect lacks.
std::shared_ptr<const CompiledSchema> CheckedProgram(const Jsonb* definition) {
  std::shared_ptr<const CompiledSchema> compiled = AdhocProgramFor(definition);
  if (Strict() == Strictness::kError) ReportIgnoredKeywords(*compiled);
  return compiled;
}

}  // namespace
}  // namespace schemareg::pg

using schemareg::Error;
using namespace schemareg::pg;

// validate(definition jsonb, record jsonb) → boolean
SCHEMAREG_FUNCTION(adhoc_validate) {
  Jsonb* record = JsonbArgument(fcinfo, 1);
  Jsonb* definition = JsonbArgument(fcinfo, 0);
  auto compiled = CheckedProgram(definition);
  return BoolGetDatum(RecordIsValid(*compiled, record));
}

// validation_errors(definition jsonb, record jsonb)
//   → TABLE(path text, keyword text, message text, schema_path text)
SCHEMAREG_FUNCTION(adhoc_validation_errors) {
  Jsonb* record = JsonbArgument(fcinfo, 1);
  Jsonb* definition = JsonbArgument(fcinfo, 0);
  auto compiled = CheckedProgram(definition);
  PutErrorRows(fcinfo, RecordErrors(*compiled, record));
  return (Datum)0;
}

// check_definition(definition jsonb) → TABLE(path text, severity text, message text):
// what create_schema would say of the definition, one row per problem.
SCHEMAREG_FUNCTION(adhoc_check_definition) {
  char* text = JsonbArgumentText(fcinfo, 0);
  std::string definition(text);
  PgGuard([&] { pfree(text); });
  Oid viewer = GetUserId();
  Strictness strict = Strict();
  std::string lint = strict == Strictness::kOff     ? ""
                     : strict == Strictness::kError ? "error"
                                                    : "warning";
  schemareg::CompileOptions options = CurrentCompileOptions(DefaultDialect());
  schemareg::DocumentSource documents;
  std::set<std::string> unavailable;
  schemareg::DefinitionCheck check;
  // Each pass names the registered documents it needs; they are looked up
  // (as the caller may see them) and the definition checked again.
  for (;;) {
    check = schemareg::CheckDefinition(definition, documents, unavailable, options, lint);
    if (check.to_fetch.empty()) break;
    for (const std::string& uri : check.to_fetch) {
      std::string found;
      if (documents.count(uri) == 0 && FindRegisteredDocument(uri, viewer, &found)) {
        documents.emplace(uri, std::move(found));
      } else {
        unavailable.insert(uri);
      }
    }
  }
  PgGuard([&] {
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    for (const schemareg::DefinitionIssue& issue : check.issues) {
      Datum values[3] = {CStringGetTextDatum(issue.path.c_str()),
                         CStringGetTextDatum(issue.severity.c_str()),
                         CStringGetTextDatum(issue.message.c_str())};
      bool nulls[3] = {false, false, false};
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
  });
  return (Datum)0;
}
