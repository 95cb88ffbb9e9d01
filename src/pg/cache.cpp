#include "pg/cache.hpp"

#include <unordered_map>

#include "core/definition.hpp"
#include "core/error.hpp"
#include "core/ref.hpp"
#include "pg/guard.hpp"
#include "pg/owner.hpp"
#include "pg/settings.hpp"

namespace schemareg::pg {

namespace {

// Keyed by the reference as written ("lab/sensor", "lab/sensor:3").
std::unordered_map<std::string, std::shared_ptr<const CachedSchema>> cache;
// A bound on what one backend keeps: past it the cache starts again.
constexpr size_t kMaxEntries = 1000;
Oid registry_relid = InvalidOid;
// Counts invalidations, so that a lookup can tell whether one arrived while it
// was reading the registry (its result may then already be stale).
uint64_t invalidations = 0;

void DropCache() {
  cache.clear();
  invalidations++;
}

void OnRelcacheInvalidation(Datum, Oid relid) {
  if (relid == InvalidOid || relid == registry_relid) DropCache();
}

void OnTransactionEvent(XactEvent event, void*) {
  // Entries built from rows of an aborted transaction must not survive it.
  if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) DropCache();
}

void OnSubtransactionEvent(SubXactEvent event, SubTransactionId, SubTransactionId, void*) {
  if (event == SUBXACT_EVENT_ABORT_SUB) DropCache();
}

// A registry row as read through SPI, copied into plain C++ values.
struct RegistryRow {
  bool found = false;
  int64_t id = 0;
  std::string name;
  int32_t version = 0;
  std::string status;
  std::string definition;
  std::string dialect;
  std::string last_error;
  Oid owner = InvalidOid;
  bool is_public = false;
};

// The columns every registry query returns, in this order.
#define REGISTRY_COLUMNS                                                                           \
  "s.id, s.name, s.version, s.status, s.definition::text, s.dialect, s.last_error, s.owner::oid, " \
  "s.public"

// Runs a one-row query (as the registry's owner) and copies its columns out.
RegistryRow QueryRow(const char* sql, int nargs, Oid* types, Datum* values) {
  RegistryRow row;
  char* columns[9] = {};
  PgGuard([&] {
    MemoryContext outer = CurrentMemoryContext;
    AsRegistryOwner(true, [&] {
      if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
      // The registry as committed now, not as the statement's snapshot saw it: a
      // writer that waited for a version's lock must see a delete that committed.
      // (A parallel worker cannot take a new snapshot: it reads with the
      // query's, as validate_record in a parallel scan only reads.)
      PushActiveSnapshot(IsInParallelMode() ? GetTransactionSnapshot() : GetLatestSnapshot());
      int rc = SPI_execute_with_args(sql, nargs, types, values, nullptr, true, 1);
      if (rc != SPI_OK_SELECT) elog(ERROR, "registry query failed: %s", SPI_result_code_string(rc));
      if (SPI_processed > 0) {
        for (int i = 0; i < 9; i++) {
          char* value = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, i + 1);
          columns[i] = value != nullptr ? MemoryContextStrdup(outer, value) : nullptr;
        }
      }
      // Looked up on every load: DROP and CREATE EXTENSION give the table a new OID.
      Oid ns = get_namespace_oid("schemareg", true);
      registry_relid = ns != InvalidOid ? get_relname_relid("schema_versions", ns) : InvalidOid;
      PopActiveSnapshot();
      SPI_finish();
    });
  });
  if (columns[0] == nullptr) return row;
  row.found = true;
  row.id = std::stoll(columns[0]);
  row.name = columns[1];
  row.version = std::stoi(columns[2]);
  row.status = columns[3];
  row.definition = columns[4];
  row.dialect = columns[5];
  row.last_error = columns[6] != nullptr ? columns[6] : "";
  row.owner = static_cast<Oid>(std::stoul(columns[7]));
  row.is_public = std::string(columns[8]) == "t";
  PgGuard([&] {
    for (char* c : columns) {
      if (c != nullptr) pfree(c);
    }
  });
  return row;
}

RegistryRow FetchRow(const SchemaRef& ref) {
  Datum values[2];
  Oid types[2] = {TEXTOID, INT4OID};
  PgGuard([&] {
    values[0] = CStringGetTextDatum(ref.name.c_str());
    values[1] = Int32GetDatum(ref.version);
  });
  if (ref.version == 0) {
    return QueryRow("SELECT " REGISTRY_COLUMNS
                    " FROM schemareg.schema_versions s "
                    "WHERE s.name = $1 AND s.status = 'exists' ORDER BY version DESC LIMIT 1",
                    1, types, values);
  }
  return QueryRow("SELECT " REGISTRY_COLUMNS
                  " FROM schemareg.schema_versions s "
                  "WHERE s.name = $1 AND s.version = $2",
                  2, types, values);
}

// The registered schema whose top-level $id (draft-04: id) is `uri`. For a
// schema being registered (user_id 0): the newest usable version, which it
// then pins. For a registered one: the version it pinned at registration, so
// that its meaning never changes under it.
RegistryRow FetchByUri(const std::string& uri, int64_t user_id) {
  Datum values[2];
  Oid types[2] = {TEXTOID, INT8OID};
  PgGuard([&] {
    values[0] = CStringGetTextDatum(uri.c_str());
    values[1] = Int64GetDatum(user_id);
  });
  if (user_id == 0) {
    return QueryRow(
        "SELECT " REGISTRY_COLUMNS
        " FROM schemareg.schema_versions s "
        "WHERE s.status = 'exists' AND schemareg._base_uri(s.definition, s.dialect) = $1 "
        "ORDER BY s.version DESC LIMIT 1",
        2, types, values);
  }
  return QueryRow(
      "SELECT " REGISTRY_COLUMNS
      " "
      "FROM schemareg.dependencies d JOIN schemareg.schema_versions s ON s.id = d.depends_on "
      "WHERE d.schema_id = $2 AND schemareg._base_uri(s.definition, s.dialect) = $1",
      2, types, values);
}

// A reader that meets a pending version retries its create step once (not
// in a read-only transaction, which cannot record the outcome). True when the
// version exists now.
bool RetryCreate(int64_t id) {
  bool read_only = false;
  PgGuard([&] { read_only = XactReadOnly || RecoveryInProgress() || IsInParallelMode(); });
  if (read_only) return false;
  char* status = nullptr;
  PgGuard([&] {
    MemoryContext outer = CurrentMemoryContext;
    AsRegistryOwner(true, [&] {
      if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
      Oid types[1] = {INT8OID};
      Datum values[1] = {Int64GetDatum(id)};
      int rc = SPI_execute_with_args("SELECT schemareg._retry_create($1)", 1, types, values,
                                     nullptr, false, 1);
      if (rc != SPI_OK_SELECT || SPI_processed != 1) elog(ERROR, "retrying a create failed");
      char* value = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
      status = value != nullptr ? MemoryContextStrdup(outer, value) : nullptr;
      SPI_finish();
    });
  });
  return status != nullptr && std::string(status) == "exists";
}

bool Visible(Oid viewer, const RegistryRow& row) {
  bool visible = false;
  PgGuard([&] { visible = MaySee(viewer, row.owner, row.is_public); });
  return visible;
}

// The error for a schema that does not exist, or that the caller may not see.
Error NoSuchSchema(const std::string& ref_text, const SchemaRef& ref) {
  return Error(sqlstate::kUndefinedObject,
               "schema \"" + TruncateUtf8(ref_text, 250) + "\" does not exist",
               ref.version == 0 ? "No version of it has status exists." : "",
               "schemareg.schemas lists the registered schemas.");
}

}  // namespace

void InitSchemaCache() {
  CacheRegisterRelcacheCallback(OnRelcacheInvalidation, 0);
  RegisterXactCallback(OnTransactionEvent, nullptr);
  RegisterSubXactCallback(OnSubtransactionEvent, nullptr);
}

std::unique_ptr<CompiledSchema> CompileDefinition(const std::string& definition_text,
                                                  Dialect dialect, int64_t registered_id,
                                                  std::vector<int64_t>* uses, Oid viewer,
                                                  std::vector<UsedSchema>* used) {
  DocumentSource documents;
  CompileOptions options = CurrentCompileOptions(dialect);
  // Each pass either compiles or names one more document to fetch.
  for (;;) {
    try {
      // A registered definition passed the metaschema check when it was stored.
      return PrepareDefinition(definition_text, documents, options, registered_id == 0);
    } catch (const MissingDocument& missing) {
      const std::string& uri = missing.uri();
      bool by_name = uri.rfind(kRegistryUriPrefix, 0) == 0;
      RegistryRow row;
      if (by_name) {
        SchemaRef named = ParseRef(uri.substr(std::string(kRegistryUriPrefix).size()));
        row = FetchRow(named);
        // A schema the viewer may not see is one that does not exist.
        if (row.found && viewer != InvalidOid && !Visible(viewer, row)) row = RegistryRow();
        if (!row.found || row.status != "exists") {
          throw Error(sqlstate::kUndefinedObject,
                      "$ref \"" +
                          TruncateUtf8(uri.substr(std::string(kRegistryUriPrefix).size()), 200) +
                          "\" names a schema version that does not exist",
                      row.found ? "Its status is " + row.status + "." : "",
                      "Register it first; a reference names an existing name:version.");
        }
      } else {
        row = FetchByUri(uri, registered_id);
        if (row.found && viewer != InvalidOid && !Visible(viewer, row)) row = RegistryRow();
      }
      if (!row.found && !by_name && registered_id != 0) {
        throw UnresolvedReference(
            sqlstate::kUndefinedObject,
            "$ref \"" + TruncateUtf8(missing.uri(), 200) +
                "\" of a registered schema names no version it uses",
            "The registry has no dependency row for it: its dependencies were lost, or are not "
            "restored yet.",
            "schemareg.check() lists such schemas; schemareg.repair() records their dependencies "
            "again.");
      }
      if (!row.found && missing.for_metaschema()) {
        throw Error(sqlstate::kInvalidParameterValue,
                    "unknown \"$schema\" \"" + TruncateUtf8(missing.uri(), 200) + "\"",
                    "It is neither a draft schemareg supports (draft-04, draft-06, draft-07, "
                    "2019-09, 2020-12) nor the \"$id\" of a registered metaschema.",
                    "Register the metaschema first, or leave \"$schema\" out to use "
                    "schemareg.default_dialect.");
      }
      if (!row.found) {
        throw Error(sqlstate::kUndefinedObject,
                    "$ref \"" + TruncateUtf8(missing.uri(), 200) +
                        "\" names a schema that is not registered",
                    "References outside the definition resolve to the draft metaschemas or to "
                    "registered schemas whose \"$id\" is that URI; nothing is fetched from the "
                    "network.",
                    "Register the referenced schema first.");
      }
      documents.emplace(missing.uri(), row.definition);
      if (uses != nullptr) uses->push_back(row.id);
      if (used != nullptr) used->push_back({row.id, row.owner, row.is_public});
    }
  }
}

bool FindRegisteredDocument(const std::string& uri, Oid viewer, std::string* definition) {
  const std::string prefix = kRegistryUriPrefix;
  RegistryRow row;
  if (uri.rfind(prefix, 0) == 0) {
    row = FetchRow(ParseRef(uri.substr(prefix.size())));
  } else {
    row = FetchByUri(uri, 0);
  }
  if (!row.found || row.status != "exists" || !Visible(viewer, row)) return false;
  *definition = row.definition;
  return true;
}

std::shared_ptr<const CachedSchema> LookupSchema(const std::string& ref_text, bool for_caller) {
  // Changes committed since this backend last looked are applied first; on
  // a cache hit no lock is taken that would apply them otherwise.
  PgGuard([] { AcceptInvalidationMessages(); });
  Oid viewer = GetUserId();  // (cannot fail: no guard needed on this hot path)
  auto it = cache.find(ref_text);
  if (it != cache.end()) {
    const CachedSchema& hit = *it->second;
    if (hit.is_public || !for_caller) return it->second;
    bool visible = false;
    PgGuard([&] { visible = MaySee(viewer, hit.owner, false); });
    if (visible) return it->second;
    throw NoSuchSchema(ref_text, ParseRef(ref_text));
  }
  uint64_t invalidations_before = invalidations;
  SchemaRef ref = ParseRef(ref_text);
  RegistryRow row = FetchRow(ref);
  // Private schemas of others are, to this caller, schemas that do not exist.
  if (!row.found || (for_caller && !Visible(viewer, row))) throw NoSuchSchema(ref_text, ref);
  std::string full = row.name + ":" + std::to_string(row.version);
  if (row.status == "pending" && RetryCreate(row.id)) {
    row = FetchRow(ref);
    if (!row.found) {
      throw Error(sqlstate::kUndefinedObject, "schema \"" + full + "\" does not exist");
    }
  }
  if (row.status != "exists") {
    throw Error(sqlstate::kObjectNotInPrerequisiteState,
                "schema \"" + full + "\" is " + row.status + " and cannot be used",
                row.last_error.empty()
                    ? "Only schemas whose status is exists validate records."
                    : "Its last " + std::string(row.status == "pending" ? "create" : "delete") +
                          " step failed: " + row.last_error,
                "schemareg.reconcile() retries the step.");
  }
  Dialect dialect = Dialect::kDraft7;
  ParseDialectName(row.dialect, &dialect);
  auto entry = std::make_shared<CachedSchema>();
  entry->id = row.id;
  entry->ref = full;
  entry->owner = row.owner;
  entry->is_public = row.is_public;
  entry->compiled = CompileDefinition(row.definition, dialect, row.id, nullptr, InvalidOid);
  // An invalidation during the reads may mean they saw an older registry:
  // use the result for this call only.
  if (invalidations != invalidations_before) return entry;
  if (cache.size() >= kMaxEntries) DropCache();
  cache[ref_text] = entry;
  return entry;
}

uint64_t SchemaCacheGeneration() { return invalidations; }

void InvalidateSchemaCaches(Oid relid) {
  PgGuard([&] { CacheInvalidateRelcacheByRelid(relid); });
}

}  // namespace schemareg::pg
