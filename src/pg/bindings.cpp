#include "pg/bindings.hpp"

#include <unordered_map>

#include "pg/guard.hpp"
#include "pg/owner.hpp"

extern "C" {
#include "catalog/partition.h"
}

namespace schemareg::pg {

namespace {

bool loaded = false;
Oid bindings_relid = InvalidOid;
// Counts drops, so that a lookup can tell when one happened during it.
uint64 generation = 0;
// The bindings table's rows, by bound table.
std::unordered_map<Oid, Binding> bound;
// Every relation asked about, with the bound table that governs it (or
// InvalidOid): partitions find their bound ancestor once.
std::unordered_map<Oid, Oid> governed_by;

void Drop() {
  loaded = false;
  bound.clear();
  governed_by.clear();
  generation++;
}

void OnRelcacheInvalidation(Datum, Oid relid) {
  // The bindings table changed, or a relation we resolved did (ATTACH or
  // DETACH PARTITION changes its ancestors).
  if (relid == InvalidOid || relid == bindings_relid || governed_by.count(relid) > 0) Drop();
}

// Reads schemareg.bindings into `bound`, as the statement's snapshot sees it
// or, `now`, as committed now.
void Load(bool now) {
  struct Row {
    Oid relid;
    char* columns[5];
  };
  Row* rows = nullptr;
  uint64 count = 0;
  PgGuard([&] {
    MemoryContext outer = CurrentMemoryContext;
    // Read as the registry's owner: writers of bound tables have no rights on it.
    AsRegistryOwner(true, [&] {
      if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
      if (now) PushActiveSnapshot(GetLatestSnapshot());
      int rc = SPI_execute(
          "SELECT tbl::oid, record_column::text, schema_column::text, mode, "
          "coalesce(errors_column::text, ''), follow_latest::text FROM schemareg.bindings",
          true, 0);
      if (rc != SPI_OK_SELECT) elog(ERROR, "reading schemareg.bindings failed");
      count = SPI_processed;
      rows = static_cast<Row*>(MemoryContextAllocZero(outer, sizeof(Row) * (count + 1)));
      for (uint64 i = 0; i < count; i++) {
        HeapTuple tuple = SPI_tuptable->vals[i];
        bool isnull;
        rows[i].relid = DatumGetObjectId(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &isnull));
        for (int c = 0; c < 5; c++) {
          rows[i].columns[c] =
              MemoryContextStrdup(outer, SPI_getvalue(tuple, SPI_tuptable->tupdesc, c + 2));
        }
      }
      Oid ns = get_namespace_oid("schemareg", true);
      bindings_relid = ns != InvalidOid ? get_relname_relid("bindings", ns) : InvalidOid;
      if (now) PopActiveSnapshot();
      SPI_finish();
    });
  });
  for (uint64 i = 0; i < count; i++) {
    Binding b;
    b.bound_relid = rows[i].relid;
    b.record_column = rows[i].columns[0];
    b.schema_column = rows[i].columns[1];
    b.flag_mode = std::string(rows[i].columns[2]) == "flag";
    b.errors_column = rows[i].columns[3];
    b.follow_latest = std::string(rows[i].columns[4]) == "true";
    bound[b.bound_relid] = b;
  }
  loaded = true;
}

}  // namespace

void InitBindings() { CacheRegisterRelcacheCallback(OnRelcacheInvalidation, 0); }

bool FindBinding(Oid relid, Binding* binding) {
  for (;;) {
    uint64 before = generation;
    if (!loaded) Load(false);
    auto known = governed_by.find(relid);
    Oid governor = InvalidOid;
    if (known != governed_by.end()) {
      governor = known->second;
    } else {
      if (bound.count(relid) > 0) {
        governor = relid;
      } else {
        // A partition is governed by its nearest bound ancestor.
        List* ancestors = nullptr;
        PgGuard([&] {
          bool is_partition = get_rel_relispartition(relid);
          ancestors = is_partition ? get_partition_ancestors(relid) : NIL;
        });
        ListCell* cell;
        foreach (cell, ancestors) {
          Oid ancestor = lfirst_oid(cell);
          if (bound.count(ancestor) > 0) {
            governor = ancestor;
            break;
          }
        }
      }
      // Catalog reads may have taken invalidations: then look again.
      if (generation != before) continue;
      governed_by[relid] = governor;
    }
    if (governor == InvalidOid) return false;
    *binding = bound.at(governor);
    return true;
  }
}

bool FindBindingNow(Oid relid, Binding* binding) {
  Drop();
  Load(true);
  return FindBinding(relid, binding);
}

}  // namespace schemareg::pg
