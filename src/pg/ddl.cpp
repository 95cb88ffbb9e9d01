// What an ALTER TABLE did, read from the command an event trigger collected:
// the registry refuses DDL that would change a bound table's rows without
// its triggers (05_records.sql, _on_ddl).
#include "pg/postgres.hpp"

extern "C" {
#include "catalog/pg_class.h"
#include "nodes/parsenodes.h"
#include "tcop/deparse_utility.h"
}

extern "C" {
PGDLLEXPORT PG_FUNCTION_INFO_V1(_table_changes);
Datum _table_changes(PG_FUNCTION_ARGS);
}

// _table_changes(command pg_ddl_command) → TABLE(relid oid, attnum smallint, change text):
// what an ALTER TABLE did that the registry must look at, on each table it
// reached: 'type' for a column whose type it set (ALTER COLUMN ... TYPE
// rewrites every value, with USING, and fires no trigger), 'attach' for a
// partition it attached (its rows come in without being written).
Datum _table_changes(PG_FUNCTION_ARGS) {
  auto* command = reinterpret_cast<CollectedCommand*>(PG_GETARG_POINTER(0));
  InitMaterializedSRF(fcinfo, 0);
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  if (command->type != SCT_AlterTable) return (Datum)0;
  ListCell* cell;
  foreach (cell, command->d.alterTable.subcmds) {
    auto* sub = static_cast<CollectedATSubcmd*>(lfirst(cell));
    auto* parsed = reinterpret_cast<AlterTableCmd*>(sub->parsetree);
    if (!IsA(parsed, AlterTableCmd) || sub->address.classId != RelationRelationId) continue;
    const char* change = parsed->subtype == AT_AlterColumnType  ? "type"
                         : parsed->subtype == AT_AttachPartition ? "attach"
                                                                 : nullptr;
    if (change == nullptr) continue;
    Datum values[3] = {ObjectIdGetDatum(sub->address.objectId),
                       Int16GetDatum(static_cast<int16>(sub->address.objectSubId)),
                       CStringGetTextDatum(change)};
    bool nulls[3] = {false, false, false};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  return (Datum)0;
}
