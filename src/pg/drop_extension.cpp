// DROP EXTENSION schemareg destroys the registry: at the start of the
// command, its owner is warned how much, and pointed to export()
// (11_export.sql, _warn_drop). Only an event trigger function written in C
// sees which extensions a DROP EXTENSION names.
#include <cstring>

#include "pg/postgres.hpp"

extern "C" {
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
}

extern "C" {
PGDLLEXPORT PG_FUNCTION_INFO_V1(_on_drop_extension);
Datum _on_drop_extension(PG_FUNCTION_ARGS);
}

// _on_drop_extension() → event_trigger, at ddl_command_start of DROP
// EXTENSION: when the statement names schemareg and the current role may
// drop it (others learn nothing about the registry here; their DROP fails),
// schemareg._warn_drop(cascade) raises the WARNING.
Datum _on_drop_extension(PG_FUNCTION_ARGS) {
  if (!CALLED_AS_EVENT_TRIGGER(fcinfo)) {
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_EVENT_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("_on_drop_extension() runs only as an event trigger")));
  }
  auto* data = reinterpret_cast<EventTriggerData*>(fcinfo->context);
  if (data->parsetree == nullptr || !IsA(data->parsetree, DropStmt)) PG_RETURN_VOID();
  auto* drop = reinterpret_cast<DropStmt*>(data->parsetree);
  if (drop->removeType != OBJECT_EXTENSION) PG_RETURN_VOID();
  bool names_us = false;
  ListCell* cell;
  foreach (cell, drop->objects) {
    if (std::strcmp(strVal(lfirst(cell)), "schemareg") == 0) names_us = true;
  }
  if (!names_us) PG_RETURN_VOID();
  Oid extension = get_extension_oid("schemareg", true);
  if (extension == InvalidOid || !pg_extension_ownercheck(extension, GetUserId())) PG_RETURN_VOID();
  Oid types[1] = {BOOLOID};
  Datum values[1] = {BoolGetDatum(drop->behavior == DROP_CASCADE)};
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  int rc =
      SPI_execute_with_args("SELECT schemareg._warn_drop($1)", 1, types, values, nullptr, false, 0);
  if (rc != SPI_OK_SELECT) elog(ERROR, "_warn_drop failed: %s", SPI_result_code_string(rc));
  SPI_finish();
  PG_RETURN_VOID();
}
