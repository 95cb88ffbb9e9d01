// What an ALTER TABLE did, read from the command an event trigger collected:
// the registry refuses DDL that would change a bound table's rows without
// its triggers (05_records.sql, _on_ddl).
#include <cstring>

#include "pg/postgres.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "nodes/parsenodes.h"
#include "tcop/deparse_utility.h"
#include "utils/fmgroids.h"
}

namespace {

void Put(ReturnSetInfo* rsinfo, Oid relid, int16 attnum, const char* change) {
  Datum values[3] = {ObjectIdGetDatum(relid), Int16GetDatum(attnum), CStringGetTextDatum(change)};
  bool nulls[3] = {false, false, false};
  tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

// Each partition of `parent` attached (or created) by this transaction.
void PutAttached(ReturnSetInfo* rsinfo, Oid parent) {
  Relation inherits = table_open(InheritsRelationId, AccessShareLock);
  ScanKeyData key;
  ScanKeyInit(&key, Anum_pg_inherits_inhparent, BTEqualStrategyNumber, F_OIDEQ,
              ObjectIdGetDatum(parent));
  SysScanDesc scan = systable_beginscan(inherits, InheritsParentIndexId, true, nullptr, 1, &key);
  HeapTuple tuple;
  while (HeapTupleIsValid(tuple = systable_getnext(scan))) {
    if (!TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(tuple->t_data))) continue;
    Put(rsinfo, reinterpret_cast<Form_pg_inherits>(GETSTRUCT(tuple))->inhrelid, 0, "attach");
  }
  systable_endscan(scan);
  table_close(inherits, AccessShareLock);
}

}  // namespace

extern "C" {
PGDLLEXPORT PG_FUNCTION_INFO_V1(_table_changes);
Datum _table_changes(PG_FUNCTION_ARGS);
PGDLLEXPORT PG_FUNCTION_INFO_V1(_trigger_args);
Datum _trigger_args(PG_FUNCTION_ARGS);
}

// _table_changes(command pg_ddl_command) → TABLE(relid oid, attnum smallint, change text):
// what an ALTER TABLE did that the registry must look at, on each table it
// reached: 'type' for a column whose type it set (ALTER COLUMN ... TYPE
// rewrites every value, with USING, and fires no trigger), 'attach' for a
// partition it attached (its rows come in without being written; every
// partition of the table that this transaction attached).
Datum _table_changes(PG_FUNCTION_ARGS) {
  auto* command = reinterpret_cast<CollectedCommand*>(PG_GETARG_POINTER(0));
  InitMaterializedSRF(fcinfo, 0);
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  if (command->type != SCT_AlterTable) return (Datum)0;
  ListCell* cell;
  foreach (cell, command->d.alterTable.subcmds) {
    auto* sub = static_cast<CollectedATSubcmd*>(lfirst(cell));
    auto* parsed = reinterpret_cast<AlterTableCmd*>(sub->parsetree);
    if (!IsA(parsed, AlterTableCmd)) continue;
    if (parsed->subtype == AT_AlterColumnType && sub->address.classId == RelationRelationId) {
      Put(rsinfo, sub->address.objectId, static_cast<int16>(sub->address.objectSubId), "type");
    } else if (parsed->subtype == AT_AttachPartition) {
      // The subcommand carries no address: the partitions this transaction
      // attached are those whose pg_inherits row it wrote (the statement's
      // name for it is not looked up again: search_path may have changed).
      PutAttached(rsinfo, command->d.alterTable.objectId);
    }
  }
  return (Datum)0;
}

// _trigger_args(args bytea, nargs smallint) → text[]: a trigger's arguments
// (pg_trigger.tgargs, nargs strings each ending in a zero byte) as text.
Datum _trigger_args(PG_FUNCTION_ARGS) {
  bytea* args = PG_GETARG_BYTEA_PP(0);
  int nargs = PG_GETARG_INT16(1);
  const char* at = VARDATA_ANY(args);
  const char* end = at + VARSIZE_ANY_EXHDR(args);
  Datum* items = static_cast<Datum*>(palloc(sizeof(Datum) * (nargs > 0 ? nargs : 1)));
  int n = 0;
  for (; n < nargs && at < end; n++) {
    size_t length = strnlen(at, static_cast<size_t>(end - at));
    items[n] = PointerGetDatum(cstring_to_text_with_len(at, static_cast<int>(length)));
    at += length + 1;
  }
  PG_RETURN_ARRAYTYPE_P(construct_array(items, n, TEXTOID, -1, false, TYPALIGN_INT));
}
