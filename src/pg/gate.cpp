// The registry's public functions. Each is this one C function: it calls the
// function's implementation, schemareg._do_<name>(caller regrole, args...),
// as the registry's owner, and returns what that returns. Ordinary roles can
// neither call the implementations nor write the registry's tables, and the
// caller's role reaches the implementation from here, where no one can forge
// it (a SECURITY DEFINER function cannot tell who called it).
#include <cstring>

#include "pg/owner.hpp"

extern "C" {
#include "catalog/pg_proc.h"
#include "lib/stringinfo.h"
#include "utils/syscache.h"
}

namespace schemareg::pg {

int registry_work_depth = 0;

bool InRegistryWork() { return registry_work_depth > 0; }

}  // namespace schemareg::pg

using schemareg::pg::registry_work_depth;

namespace {

// What a public function calls and how it returns.
struct Target {
  char* sql;   // "SELECT schemareg._do_name($1, ...)" or "SELECT * FROM ..."
  int nargs;   // with the caller
  Oid* types;  // with the caller's (regrole) first
  bool returns_set;
  bool read_only;  // a STABLE or IMMUTABLE function sees the caller's snapshot
  Oid result_type;
};

Target Describe(Oid function) {
  HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(function));
  if (!HeapTupleIsValid(tuple)) elog(ERROR, "cache lookup failed for function %u", function);
  Form_pg_proc proc = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple));
  Target target;
  target.nargs = proc->pronargs + 1;
  target.types = static_cast<Oid*>(palloc(sizeof(Oid) * target.nargs));
  target.types[0] = REGROLEOID;
  std::memcpy(target.types + 1, proc->proargtypes.values, sizeof(Oid) * proc->pronargs);
  target.returns_set = proc->proretset;
  target.read_only = proc->provolatile != PROVOLATILE_VOLATILE;
  target.result_type = proc->prorettype;
  StringInfoData sql;
  initStringInfo(&sql);
  appendStringInfoString(&sql, target.returns_set ? "SELECT * FROM " : "SELECT ");
  appendStringInfoString(&sql,
                         quote_qualified_identifier(get_namespace_name(proc->pronamespace),
                                                    psprintf("_do_%s", NameStr(proc->proname))));
  appendStringInfoChar(&sql, '(');
  for (int i = 1; i <= target.nargs; i++) appendStringInfo(&sql, i > 1 ? ", $%d" : "$%d", i);
  appendStringInfoChar(&sql, ')');
  target.sql = sql.data;
  ReleaseSysCache(tuple);
  return target;
}

// Drops the lines of an error's context that come from inside the gate (the
// implementation's frames, down to its SQL statement): the caller sees the
// error as raised by the function it called.
void HideImplementation(ErrorData* error, const char* sql) {
  if (error->context == nullptr) return;
  char* statement = psprintf("SQL statement \"%s\"", sql);
  char* found = std::strstr(error->context, statement);
  if (found == nullptr) return;
  char* rest = std::strchr(found, '\n');
  error->context = rest != nullptr ? pstrdup(rest + 1) : nullptr;
  // A query the implementation ran is not the caller's either.
  error->internalquery = nullptr;
  error->internalpos = 0;
}

}  // namespace

extern "C" {
PGDLLEXPORT PG_FUNCTION_INFO_V1(_gate);
Datum _gate(PG_FUNCTION_ARGS);
}

Datum _gate(PG_FUNCTION_ARGS) {
  Target target = Describe(fcinfo->flinfo->fn_oid);
  Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * target.nargs));
  char* nulls = static_cast<char*>(palloc(target.nargs + 1));
  values[0] = ObjectIdGetDatum(GetUserId());
  nulls[0] = ' ';
  for (int i = 1; i < target.nargs; i++) {
    values[i] = fcinfo->args[i - 1].value;
    nulls[i] = fcinfo->args[i - 1].isnull ? 'n' : ' ';
  }
  nulls[target.nargs] = '\0';
  // SETOF text has no row type of its own: the caller's expected one serves.
  if (target.returns_set) {
    InitMaterializedSRF(fcinfo,
                        type_is_rowtype(target.result_type) || target.result_type == RECORDOID
                            ? 0
                            : MAT_SRF_USE_EXPECTED_DESC);
  }
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);

  Datum result = 0;
  bool result_null = true;
  MemoryContext context = CurrentMemoryContext;
  const int depth = registry_work_depth;
  registry_work_depth++;
  PG_TRY();
  {
    schemareg::pg::AsRegistryOwner(true, [&] {
      if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
      int rc = SPI_execute_with_args(target.sql, target.nargs, target.types, values, nulls,
                                     target.read_only, 0);
      if (rc != SPI_OK_SELECT) elog(ERROR, "%s failed: %s", target.sql, SPI_result_code_string(rc));
      TupleDesc desc = SPI_tuptable->tupdesc;
      if (target.returns_set) {
        Datum* row = static_cast<Datum*>(palloc(sizeof(Datum) * desc->natts));
        bool* row_nulls = static_cast<bool*>(palloc(sizeof(bool) * desc->natts));
        for (uint64 i = 0; i < SPI_processed; i++) {
          heap_deform_tuple(SPI_tuptable->vals[i], desc, row, row_nulls);
          tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, row, row_nulls);
        }
      } else if (target.result_type != VOIDOID && SPI_processed == 1) {
        Datum value = SPI_getbinval(SPI_tuptable->vals[0], desc, 1, &result_null);
        if (!result_null) {
          int16 length;
          bool by_value;
          get_typlenbyval(target.result_type, &length, &by_value);
          result = SPI_datumTransfer(value, by_value, length);
        }
      }
      SPI_finish();
    });
  }
  PG_CATCH();
  {
    registry_work_depth = depth;
    MemoryContextSwitchTo(context);
    ErrorData* error = CopyErrorData();
    FlushErrorState();
    HideImplementation(error, target.sql);
    ReThrowError(error);
  }
  PG_END_TRY();
  registry_work_depth = depth;
  if (target.returns_set) return (Datum)0;
  if (target.result_type == VOIDOID) PG_RETURN_VOID();
  if (result_null) PG_RETURN_NULL();
  return result;
}

extern "C" {
PGDLLEXPORT PG_FUNCTION_INFO_V1(_in_gate);
Datum _in_gate(PG_FUNCTION_ARGS);
PGDLLEXPORT PG_FUNCTION_INFO_V1(_current_xid);
Datum _current_xid(PG_FUNCTION_ARGS);
}

// _in_gate() → boolean: whether one of the registry's public functions is
// running in this backend (its implementation writes the registry's rows),
// as opposed to a restore or a superuser writing them directly.
Datum _in_gate(PG_FUNCTION_ARGS) { PG_RETURN_BOOL(schemareg::pg::InRegistryWork()); }

// _current_xid() → xid: the (sub)transaction writing now (the xmin of the
// rows it writes), NULL when it has written nothing.
Datum _current_xid(PG_FUNCTION_ARGS) {
  TransactionId xid = GetCurrentTransactionIdIfAny();
  if (!TransactionIdIsValid(xid)) PG_RETURN_NULL();
  return TransactionIdGetDatum(xid);
}
