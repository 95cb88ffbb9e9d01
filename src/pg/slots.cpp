#include "pg/slots.hpp"

#include <map>
#include <utility>
#include <vector>

#include "pg/owner.hpp"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/index.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "executor/tuptable.h"
#include "storage/backendid.h"
#include "storage/bufmgr.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/relcache.h"
}

namespace schemareg::pg {

namespace {

// Where this backend's slot row of each (table, version) was when it last
// wrote it. Only this backend updates its slots (others only delete them),
// so the newest version of the row is there, unless it was deleted since.
std::map<std::pair<Oid, int64_t>, ItemPointerData> locations;
Oid locations_relid = InvalidOid;  // record_counts when they were learnt

// How many slot writes each path made in this backend (_slot_writes()).
int64 direct_writes = 0;
int64 sql_writes = 0;

// Whether the direct path may write record_counts (CanWriteDirectly), for
// the relation `locations_relid`; -1 until checked, and after any change to
// the table (relcache invalidation).
int direct_allowed = -1;

SPIPlanPtr update_plan = nullptr;
SPIPlanPtr upsert_plan = nullptr;

// The writes left to the SQL path by one WriteSlots call (kept here: the
// caller's frame may be left by a PostgreSQL error).
std::vector<std::pair<std::pair<Oid, int64_t>, int64_t>> rest;

void OnRelcacheInvalidation(Datum, Oid relid) {
  if (relid == InvalidOid || relid == locations_relid) direct_allowed = -1;
}

// record_counts' columns, in order: schema_id bigint, tbl regclass, slot
// integer, n bigint.
constexpr int kColumns = 4;

// Prepares the SQL path (kept for the backend's life). Run as the registry's
// owner with a safe search_path: the plans keep it.
void PrepareSlotWrites() {
  Oid types[kColumns] = {INT8OID, OIDOID, INT4OID, INT8OID};
  SPIPlanPtr update = SPI_prepare(
      "UPDATE schemareg.record_counts SET n = n + $4 "
      "WHERE schema_id = $1 AND tbl = $2 AND slot = $3 RETURNING ctid",
      kColumns, types);
  // The foreign key refuses a version that no longer exists.
  SPIPlanPtr upsert = SPI_prepare(
      "INSERT INTO schemareg.record_counts AS c (schema_id, tbl, slot, n) "
      "VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (schema_id, tbl, slot) DO UPDATE SET n = c.n + excluded.n RETURNING c.ctid",
      kColumns, types);
  if (update == nullptr || upsert == nullptr) elog(ERROR, "preparing the count writes failed");
  SPI_keepplan(update);
  SPI_keepplan(upsert);
  update_plan = update;
  upsert_plan = upsert;
}

// The SQL path: finds the slot row through the primary key (inserting it the
// first time) and learns where it is now.
void WriteWithSql(Oid tbl, int64_t schema_id, int64_t delta) {
  Datum values[kColumns] = {Int64GetDatum(schema_id), ObjectIdGetDatum(tbl),
                            Int32GetDatum(MyBackendId), Int64GetDatum(delta)};
  int rc = SPI_execute_plan(update_plan, values, nullptr, false, 0);
  if (rc != SPI_OK_UPDATE_RETURNING) {
    elog(ERROR, "count update failed: %s", SPI_result_code_string(rc));
  }
  if (SPI_processed != 1) {
    rc = SPI_execute_plan(upsert_plan, values, nullptr, false, 0);
    if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1) {
      elog(ERROR, "count upsert failed: %s", SPI_result_code_string(rc));
    }
  }
  sql_writes++;
  bool isnull;
  Datum ctid = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
  if (!isnull) locations[{tbl, schema_id}] = *reinterpret_cast<ItemPointer>(DatumGetPointer(ctid));
}

// Adds the new version of a row to every index of the table (an update that
// could not stay on its page). Only plain column indexes: see CanWriteDirectly.
void InsertIndexEntries(Relation relation, HeapTuple tuple) {
  List* indexes = RelationGetIndexList(relation);
  TupleTableSlot* slot = MakeSingleTupleTableSlot(RelationGetDescr(relation), &TTSOpsHeapTuple);
  ExecStoreHeapTuple(tuple, slot, false);
  ListCell* cell;
  foreach (cell, indexes) {
    Relation index = index_open(lfirst_oid(cell), RowExclusiveLock);
    IndexInfo* info = BuildIndexInfo(index);
    Datum values[INDEX_MAX_KEYS];
    bool nulls[INDEX_MAX_KEYS];
    FormIndexDatum(info, slot, nullptr, values, nulls);
    index_insert(index, values, nulls, &tuple->t_self, relation,
                 index->rd_index->indisunique ? UNIQUE_CHECK_YES : UNIQUE_CHECK_NO, false, info);
    index_close(index, NoLock);
  }
  ExecDropSingleTupleTableSlot(slot);
  list_free(indexes);
}

// The direct path is for the table as the extension creates it: four plain
// columns, plain indexes on columns only, no triggers but its foreign key's
// (which an update that keeps schema_id does not fire).
bool CanWriteDirectly(Relation relation) {
  TupleDesc desc = RelationGetDescr(relation);
  if (desc->natts != kColumns) return false;
  Oid expected[kColumns] = {INT8OID, REGCLASSOID, INT4OID, INT8OID};
  for (int i = 0; i < kColumns; i++) {
    Form_pg_attribute attribute = TupleDescAttr(desc, i);
    if (attribute->attisdropped || attribute->atttypid != expected[i]) return false;
  }
  if (relation->rd_rel->relkind != RELKIND_RELATION) return false;
  if (relation->trigdesc != nullptr) {
    for (int i = 0; i < relation->trigdesc->numtriggers; i++) {
      if (!relation->trigdesc->triggers[i].tgisinternal) return false;
    }
  }
  List* indexes = RelationGetIndexList(relation);
  bool plain = true;
  ListCell* cell;
  foreach (cell, indexes) {
    Relation index = index_open(lfirst_oid(cell), AccessShareLock);
    // Ready, valid, plain btree indexes on columns (an index being built
    // concurrently, or one with expressions, a predicate or an exclusion
    // constraint, is left to the SQL path).
    plain = plain && index->rd_index->indisready && index->rd_index->indisvalid &&
            !index->rd_index->indisexclusion && RelationGetIndexExpressions(index) == NIL &&
            RelationGetIndexPredicate(index) == NIL && index->rd_rel->relam == BTREE_AM_OID;
    index_close(index, AccessShareLock);
  }
  list_free(indexes);
  return plain;
}

// The direct path: the slot row where this backend last left it, checked to
// be that row and alive (a pin on its page keeps its line pointer from being
// reused meanwhile), then updated in place of a full UPDATE statement. False
// when the row is not there any more: the SQL path then writes.
bool WriteDirectly(Relation relation, Oid tbl, int64_t schema_id, int64_t delta) {
  auto it = locations.find({tbl, schema_id});
  if (it == locations.end()) return false;
  ItemPointerData tid = it->second;
  locations.erase(it);
  if (ItemPointerGetBlockNumber(&tid) >= RelationGetNumberOfBlocks(relation)) return false;
  HeapTupleData current;
  current.t_self = tid;
  Buffer buffer = InvalidBuffer;
  bool visible = heap_fetch(relation, SnapshotSelf, &current, &buffer, true);
  bool ours = false;
  int64 n = 0;
  if (visible) {
    TupleDesc desc = RelationGetDescr(relation);
    bool nulls[kColumns];
    Datum values[kColumns];
    heap_deform_tuple(&current, desc, values, nulls);
    ours = !nulls[0] && !nulls[1] && !nulls[2] && !nulls[3] &&
           DatumGetInt64(values[0]) == schema_id && DatumGetObjectId(values[1]) == tbl &&
           DatumGetInt32(values[2]) == MyBackendId;
    if (ours) n = DatumGetInt64(values[3]);
  }
  bool written = false;
  if (ours) {
    Datum values[kColumns] = {Int64GetDatum(schema_id), ObjectIdGetDatum(tbl),
                              Int32GetDatum(MyBackendId), Int64GetDatum(n + delta)};
    bool nulls[kColumns] = {false, false, false, false};
    HeapTuple next = heap_form_tuple(RelationGetDescr(relation), values, nulls);
    TM_FailureData failure;
    LockTupleMode mode;
    TM_Result result = heap_update(relation, &tid, next, GetCurrentCommandId(true), InvalidSnapshot,
                                   true, &failure, &mode);
    if (result == TM_Ok) {
      if (!HeapTupleIsHeapOnly(next)) InsertIndexEntries(relation, next);
      locations[{tbl, schema_id}] = next->t_self;
      written = true;
      direct_writes++;
    }
    heap_freetuple(next);
  }
  if (BufferIsValid(buffer)) ReleaseBuffer(buffer);
  return written;
}

}  // namespace

void InitSlots() { CacheRegisterRelcacheCallback(OnRelcacheInvalidation, 0); }

void WriteSlots(const std::map<std::pair<Oid, int64_t>, int64_t>& pending) {
  Oid ns = get_namespace_oid("schemareg", false);
  Oid relid = get_relname_relid("record_counts", ns);
  if (relid == InvalidOid) elog(ERROR, "schemareg.record_counts does not exist");
  if (relid != locations_relid) {
    locations.clear();
    locations_relid = relid;
    direct_allowed = -1;
  }
  // Each write sees the ones before it, as consecutive statements would.
  CommandCounterIncrement();
  Relation relation = table_open(relid, RowExclusiveLock);
  if (direct_allowed < 0) direct_allowed = CanWriteDirectly(relation) ? 1 : 0;
  rest.clear();
  for (const auto& [key, delta] : pending) {
    if (delta == 0) continue;
    if (direct_allowed == 0 || !WriteDirectly(relation, key.first, key.second, delta)) {
      rest.emplace_back(key, delta);
    }
  }
  table_close(relation, NoLock);
  CommandCounterIncrement();
  if (rest.empty()) return;
  // The writer has no rights on record_counts: the SQL path runs as the
  // registry's owner. The plans keep the search_path they were made with.
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  if (update_plan == nullptr) AsRegistryOwner(true, PrepareSlotWrites);
  AsRegistryOwner(false, [&] {
    for (const auto& [key, delta] : rest) WriteWithSql(key.first, key.second, delta);
  });
  SPI_finish();
}

}  // namespace schemareg::pg

extern "C" {
PGDLLEXPORT PG_FUNCTION_INFO_V1(_slot_writes);
Datum _slot_writes(PG_FUNCTION_ARGS);
}

// _slot_writes(OUT direct bigint, OUT by_sql bigint): how many slot writes
// of this backend took each path.
Datum _slot_writes(PG_FUNCTION_ARGS) {
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE) {
    elog(ERROR, "_slot_writes must return a row");
  }
  Datum values[2] = {Int64GetDatum(schemareg::pg::direct_writes),
                     Int64GetDatum(schemareg::pg::sql_writes)};
  bool nulls[2] = {false, false};
  return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls));
}
