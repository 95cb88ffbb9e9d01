// Work on users' tables. Nothing a user controls (index expressions and
// predicates, statistics expressions, defaults, triggers, casts) may run with
// the registry's rights, so a statement on a user's table runs as a role of
// the user's under SECURITY_RESTRICTED_OPERATION in its own GUC nest level
// (as VACUUM and REFRESH MATERIALIZED VIEW do), and what only needs to read
// the rows (counting them) reads the heap here, without the planner.
#include <string>
#include <unordered_map>

#include "pg/table_access.hpp"

#include "pg/guard.hpp"
#include "pg/owner.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "executor/tuptable.h"
#include "storage/lmgr.h"
#include "utils/rel.h"
}

namespace schemareg::pg {
namespace {

// Runs `statement` as `role`, restricted; `on_result` sees SPI's result.
template <typename F>
void RunRestricted(Oid role, const char* statement, bool read_only, F&& on_result) {
  AsRole(role, Settings::kRestricted, [&] {
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    int rc = SPI_execute(statement, read_only, 0);
    if (rc < 0) elog(ERROR, "%s failed: %s", statement, SPI_result_code_string(rc));
    on_result();
    SPI_finish();
  });
}

// The leaf table `relid` opened with `lockmode`, or an error if it is not a
// plain table (a partitioned table has no rows of its own).
Relation OpenLeaf(Oid relid, LOCKMODE lockmode) {
  Relation relation = table_open(relid, lockmode);
  if (relation->rd_rel->relkind != RELKIND_RELATION) {
    ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                    errmsg("\"%s\" is not a table with rows of its own",
                           RelationGetRelationName(relation))));
  }
  return relation;
}

// Calls `f(slot)` for every row of `relation` visible to a snapshot taken
// now (after the lock was granted: writers that held it have committed).
template <typename F>
void ScanRows(Relation relation, F&& f) {
  Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
  TableScanDesc scan = table_beginscan(relation, snapshot, 0, nullptr);
  TupleTableSlot* slot = table_slot_create(relation, nullptr);
  while (table_scan_getnextslot(scan, ForwardScanDirection, slot)) {
    CHECK_FOR_INTERRUPTS();
    if (!f(slot)) break;
  }
  ExecDropSingleTupleTableSlot(slot);
  table_endscan(scan);
  UnregisterSnapshot(snapshot);
}

}  // namespace

int64 CountRows(Oid relid, int64 stop_at) {
  int64 rows = 0;
  Relation relation = OpenLeaf(relid, AccessShareLock);
  ScanRows(relation, [&](TupleTableSlot*) { return ++rows < stop_at; });
  table_close(relation, NoLock);
  return rows;
}

}  // namespace schemareg::pg

using namespace schemareg::pg;

extern "C" {
PGDLLEXPORT PG_FUNCTION_INFO_V1(_run_as);
Datum _run_as(PG_FUNCTION_ARGS);
PGDLLEXPORT PG_FUNCTION_INFO_V1(_query_as);
Datum _query_as(PG_FUNCTION_ARGS);
PGDLLEXPORT PG_FUNCTION_INFO_V1(_table_rows);
Datum _table_rows(PG_FUNCTION_ARGS);
PGDLLEXPORT PG_FUNCTION_INFO_V1(_rewrite_rows);
Datum _rewrite_rows(PG_FUNCTION_ARGS);
}

// _run_as(role oid, statement text) → bigint: the way back out of the gate.
// Runs a statement as `role`, restricted, and returns the rows it processed;
// only the registry's owner may call it.
Datum _run_as(PG_FUNCTION_ARGS) {
  Oid role = PG_GETARG_OID(0);
  char* statement = text_to_cstring(PG_GETARG_TEXT_PP(1));
  int64 processed = 0;
  RunRestricted(role, statement, false, [&] { processed = static_cast<int64>(SPI_processed); });
  PG_RETURN_INT64(processed);
}

// _query_as(role oid, statement text) → jsonb: runs a query that returns one
// jsonb value as `role`, restricted, and returns that value (NULL when it
// returns no row): how the registry reads what a query on a user's table finds.
Datum _query_as(PG_FUNCTION_ARGS) {
  Oid role = PG_GETARG_OID(0);
  char* statement = text_to_cstring(PG_GETARG_TEXT_PP(1));
  MemoryContext outer = CurrentMemoryContext;
  Datum result = 0;
  bool isnull = true;
  RunRestricted(role, statement, true, [&] {
    if (SPI_tuptable == nullptr || SPI_tuptable->tupdesc->natts != 1 ||
        SPI_gettypeid(SPI_tuptable->tupdesc, 1) != JSONBOID) {
      elog(ERROR, "_query_as: the query must return one jsonb column");
    }
    if (SPI_processed == 0) return;
    Datum value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
    if (!isnull) {
      MemoryContext spi = MemoryContextSwitchTo(outer);
      result = PointerGetDatum(DatumGetJsonbPCopy(value));
      MemoryContextSwitchTo(spi);
    }
  });
  if (isnull) PG_RETURN_NULL();
  return result;
}

// _table_refs(tbl regclass, schema_column name, wait boolean) → TABLE(schema_id bigint, n bigint):
// how many rows of the leaf table name each registered version in the given
// text column; rows that name no version (malformed, bare or unknown
// references) are counted under a NULL id. Reads the heap under a SHARE lock
// (writers wait: the count is of a table that stands still); nothing of the
// table's owner runs. Memory: one entry per registered version.
SCHEMAREG_FUNCTION(_table_refs) {
  Oid relid = PG_GETARG_OID(0);
  const char* column = NameStr(*PG_GETARG_NAME(1));
  bool wait = PG_GETARG_BOOL(2);
  // Every version by its reference, read as the registry's owner.
  std::unordered_map<std::string, int64> ids;
  std::unordered_map<int64, int64> counts;
  int64 unknown = 0;
  std::string ref;
  PgGuard([&] {
    AsRegistryOwner(true, [&] {
      if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
      if (SPI_execute("SELECT name || ':' || version, id FROM schemareg.schema_versions", true,
                      0) != SPI_OK_SELECT) {
        elog(ERROR, "reading schemareg.schema_versions failed");
      }
      for (uint64 i = 0; i < SPI_processed; i++) {
        bool isnull;
        HeapTuple row = SPI_tuptable->vals[i];
        ids[SPI_getvalue(row, SPI_tuptable->tupdesc, 1)] =
            DatumGetInt64(SPI_getbinval(row, SPI_tuptable->tupdesc, 2, &isnull));
      }
      SPI_finish();
    });
    // Without wait (recount()), a table another transaction holds is not
    // waited for: the lock would be held, meanwhile, on the tables already
    // counted, against their writers.
    if (!wait && !ConditionalLockRelationOid(relid, ShareLock)) {
      ereport(ERROR,
              (errcode(ERRCODE_LOCK_NOT_AVAILABLE),
               errmsg("table \"%s\" is in use by another transaction", get_rel_name(relid))));
    }
    Relation relation = OpenLeaf(relid, wait ? ShareLock : NoLock);
    AttrNumber att = get_attnum(relid, column);
    if (att <= 0 || TupleDescAttr(RelationGetDescr(relation), att - 1)->atttypid != TEXTOID) {
      ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                      errmsg("column \"%s\" of \"%s\" is not of type text", column,
                             RelationGetRelationName(relation))));
    }
    ScanRows(relation, [&](TupleTableSlot* slot) {
      bool isnull;
      Datum value = slot_getattr(slot, att, &isnull);
      if (isnull) return true;
      text* t = DatumGetTextPP(value);
      ref.assign(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
      if (reinterpret_cast<Pointer>(t) != DatumGetPointer(value)) pfree(t);
      auto found = ids.find(ref);
      if (found == ids.end()) {
        unknown++;
      } else {
        counts[found->second]++;
      }
      return true;
    });
    table_close(relation, NoLock);
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    for (const auto& [id, n] : counts) {
      Datum values[2] = {Int64GetDatum(id), Int64GetDatum(n)};
      bool nulls[2] = {false, false};
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    if (unknown > 0) {
      Datum values[2] = {0, Int64GetDatum(unknown)};
      bool nulls[2] = {true, false};
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
  });
  return (Datum)0;
}

// _table_rows(tbl regclass, stop_at bigint) → bigint: the rows of a leaf
// table, counted up to stop_at (1 asks whether it has any), from the heap.
Datum _table_rows(PG_FUNCTION_ARGS) {
  PG_RETURN_INT64(CountRows(PG_GETARG_OID(0), PG_GETARG_INT64(1)));
}

// _rewrite_rows(role oid, tbl regclass, schema_column name, one_table boolean) → bigint:
// writes every row of the table and its tree (the table alone with
// one_table) that names a schema again, as `role`, restricted (UPDATE ...
// SET col = col: the table's triggers check and count them), then makes sure
// that every such row was written by that statement: a rule, a row security
// policy or a trigger of the table that kept rows from being written would
// leave them unchecked (55000). Returns the rows written.
Datum _rewrite_rows(PG_FUNCTION_ARGS) {
  Oid role = PG_GETARG_OID(0);
  Oid relid = PG_GETARG_OID(1);
  char* column = pstrdup(NameStr(*PG_GETARG_NAME(2)));
  bool one_table = PG_GETARG_BOOL(3);
  char* table =
      quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid));
  const char* col = quote_identifier(column);
  char* statement = psprintf("UPDATE %s%s SET %s = %s WHERE %s IS NOT NULL",
                             one_table ? "ONLY " : "", table, col, col, col);
  CommandId before = GetCurrentCommandId(false);
  int64 processed = 0;
  const int depth = registry_work_depth;
  registry_work_depth++;
  PG_TRY();
  {
    RunRestricted(role, statement, false, [&] { processed = static_cast<int64>(SPI_processed); });
  }
  PG_CATCH();
  {
    registry_work_depth = depth;
    PG_RE_THROW();
  }
  PG_END_TRY();
  registry_work_depth = depth;
  CommandCounterIncrement();
  List* leaves = one_table ? list_make1_oid(relid) : find_all_inheritors(relid, NoLock, nullptr);
  ListCell* cell;
  foreach (cell, leaves) {
    Oid leaf = lfirst_oid(cell);
    if (get_rel_relkind(leaf) != RELKIND_RELATION) continue;
    AttrNumber att = get_attnum(leaf, column);
    if (att <= 0) continue;
    int64 skipped = 0;
    Relation relation = OpenLeaf(leaf, AccessShareLock);
    ScanRows(relation, [&](TupleTableSlot* slot) {
      bool isnull;
      slot_getattr(slot, att, &isnull);
      if (isnull) return true;
      HeapTupleHeader header = ExecFetchSlotHeapTuple(slot, false, nullptr)->t_data;
      if (!TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(header)) ||
          HeapTupleHeaderGetCmin(header) < before) {
        skipped++;
      }
      return true;
    });
    table_close(relation, NoLock);
    if (skipped > 0) {
      ereport(
          ERROR,
          (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
           errmsg("%lld rows of table \"%s\" were not checked", static_cast<long long>(skipped),
                  get_rel_name(leaf)),
           errdetail("Its rows are checked by writing them again (UPDATE ... SET %s = %s); a "
                     "rule, a row security policy or a trigger of the table kept these from "
                     "being written.",
                     col, col),
           errhint("Let every row be written again while the table is bound, then try again.")));
    }
  }
  PG_RETURN_INT64(processed);
}

// _lock_tree(tbl regclass) → void: the table, then every table of its
// partition tree, in SHARE ROW EXCLUSIVE mode (writers and DDL wait; the
// root first, in the order CREATE TRIGGER on a partitioned table locks them,
// so neither waits for the other on a partition). No privilege is checked:
// only the registry's owner may call it.
SCHEMAREG_FUNCTION(_lock_tree) {
  Oid relid = PG_GETARG_OID(0);
  PgGuard([&] {
    LockRelationOid(relid, ShareRowExclusiveLock);
    list_free(find_all_inheritors(relid, ShareRowExclusiveLock, nullptr));
  });
  PG_RETURN_VOID();
}

// _locked_by_me(tbl regclass) → boolean: whether this transaction holds the
// table in SHARE ROW EXCLUSIVE mode or a stronger one (the DDL that fired an
// event trigger holds the tables it changes so): what may be done to it
// without waiting for another lock.
SCHEMAREG_FUNCTION(_locked_by_me) {
  Oid relid = PG_GETARG_OID(0);
  bool locked = false;
  PgGuard([&] { locked = CheckRelationOidLockedByMe(relid, ShareRowExclusiveLock, true); });
  PG_RETURN_BOOL(locked);
}
