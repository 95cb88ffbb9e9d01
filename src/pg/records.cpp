// The row triggers attach() installs on a bound table: validation (BEFORE)
// and counting (AFTER).
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/validator.hpp"
#include "pg/bindings.hpp"
#include "pg/cache.hpp"
#include "pg/counts.hpp"
#include "pg/guard.hpp"
#include "pg/owner.hpp"
#include "pg/record.hpp"
#include "pg/row_errors.hpp"
#include "pg/settings.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_trigger.h"
#include "utils/acl.h"
}

namespace schemareg::pg {
namespace {

// A bound table's columns as attribute numbers (errors_att 0 unless flag mode),
// kept for one statement; `statement` numbers it (unique in the backend).
struct BoundColumns {
  Oid relid;
  int schema_att, record_att, errors_att;
  bool flag_mode;
  bool follow_latest;
  bool keep_versions;  // follow_latest, but a restore's COPY: rows keep their versions
  uint64_t statement;
};

// The last schema a trigger looked up in a statement: the statement's next
// rows usually name the same one. Valid for the same statement, user and
// schema cache (the writer's lock on the version keeps it from changing).
struct SchemaMemo {
  uint64_t statement = 0;
  Oid user = InvalidOid;
  bool for_caller = false;
  uint64_t generation = 0;
  std::string ref;
  std::shared_ptr<const CachedSchema> schema;
};
SchemaMemo validate_memo, count_memo;
uint64_t statements = 0;
uint64_t order_checked = 0;  // the statement whose trigger order was checked

std::shared_ptr<const CachedSchema> SchemaOf(SchemaMemo& memo, const BoundColumns& columns,
                                             const char* ref, bool for_caller) {
  Oid user = GetUserId();
  if (memo.statement == columns.statement && memo.user == user && memo.for_caller == for_caller &&
      memo.generation == SchemaCacheGeneration() && memo.ref == ref) {
    return memo.schema;
  }
  auto schema = LookupSchema(ref, for_caller);
  memo.statement = columns.statement;
  memo.user = user;
  memo.for_caller = for_caller;
  memo.generation = SchemaCacheGeneration();
  memo.ref = ref;
  memo.schema = schema;
  return schema;
}

// What the validation trigger reads from the row before any C++ work.
struct RowInput {
  HeapTuple tuple = nullptr;
  Relation relation = nullptr;
  BoundColumns columns = {};
  char* ref = nullptr;      // NULL: the row names no schema
  Jsonb* record = nullptr;  // detoasted
};

// The attribute number of a bound column, or an error naming it: it must
// exist and still be of the type attach() checked (reading another type as
// jsonb would read past the value); with `domain_ok`, a domain over it.
int ColumnOf(Relation relation, const std::string& column, Oid type, bool domain_ok = false) {
  int att = SPI_fnumber(RelationGetDescr(relation), column.c_str());
  if (att <= 0) {
    throw Error(sqlstate::kObjectNotInPrerequisiteState,
                "bound column \"" + column + "\" of table \"" + RelationGetRelationName(relation) +
                    "\" does not exist",
                "", "Run schemareg.detach() and schemareg.attach() again after renaming columns.");
  }
  // The record column may be a domain over jsonb: the same bytes.
  Oid column_type = TupleDescAttr(RelationGetDescr(relation), att - 1)->atttypid;
  if (column_type != type && domain_ok) PgGuard([&] { column_type = getBaseType(column_type); });
  if (column_type != type) {
    throw Error("42804",
                "bound column \"" + column + "\" of table \"" + RelationGetRelationName(relation) +
                    "\" is not of type " + (type == JSONBOID ? "jsonb" : "text") + " any more",
                "", "Run schemareg.detach() and schemareg.attach() again after changing its type.");
  }
  return att;
}

// 55000 unless `ours` is the last BEFORE ROW trigger of INSERT or UPDATE that
// can fire on the table (BEFORE triggers fire in name order; one that fired
// after the check could change the row after it was checked).
void CheckFiresLast(Relation relation, const Trigger* ours) {
  const TriggerDesc* triggers = relation->trigdesc;
  bool after_ours = false;
  for (int i = 0; triggers != nullptr && i < triggers->numtriggers; i++) {
    const Trigger& t = triggers->triggers[i];
    if (t.tgoid == ours->tgoid) {
      after_ours = true;
    } else if (after_ours && t.tgenabled != TRIGGER_DISABLED && TRIGGER_FOR_ROW(t.tgtype) &&
               TRIGGER_FOR_BEFORE(t.tgtype) &&
               (TRIGGER_FOR_INSERT(t.tgtype) || TRIGGER_FOR_UPDATE(t.tgtype))) {
      throw Error(
          sqlstate::kObjectNotInPrerequisiteState,
          std::string("trigger \"") + t.tgname + "\" on table \"" +
              RelationGetRelationName(relation) + "\" fires after schemareg's check",
          "BEFORE triggers fire in the order of their names; a trigger that fires after \"" +
              std::string(ours->tgname) + "\" could change a row after it was checked.",
          "Rename it to sort before \"" + std::string(ours->tgname) +
              "\", or make it an AFTER trigger.");
    }
  }
}

// The trigger data of a call of `name`, which must fire for each row and be
// the trigger attach() made, `trigger_name`: another trigger calling it
// would check or count rows once more (EXECUTE on it is granted, so that
// partitions made by the table's owner get their clones).
TriggerData* CheckTrigger(FunctionCallInfo fcinfo, const char* name, const char* trigger_name) {
  if (!CALLED_AS_TRIGGER(fcinfo)) {
    throw Error(sqlstate::kObjectNotInPrerequisiteState,
                std::string(name) + " must be called as a trigger");
  }
  TriggerData* trigger = reinterpret_cast<TriggerData*>(fcinfo->context);
  if (!TRIGGER_FIRED_FOR_ROW(trigger->tg_event) ||
      std::strcmp(trigger->tg_trigger->tgname, trigger_name) != 0) {
    throw Error(sqlstate::kObjectNotInPrerequisiteState,
                std::string(name) + " must be the row trigger \"" + trigger_name + "\"",
                std::string("Trigger \"") + trigger->tg_trigger->tgname + "\" calls it.",
                "Only schemareg.attach() makes its triggers.");
  }
  return trigger;
}

// Whether the current role may write the registry's tables itself (a
// superuser, the extension's owner): the role that restores a dump.
bool MayWriteRegistry() {
  bool may = false;
  PgGuard([&] {
    Oid ns = get_namespace_oid("schemareg", true);
    Oid registry = ns != InvalidOid ? get_relname_relid("schema_versions", ns) : InvalidOid;
    may = registry != InvalidOid &&
          pg_class_aclcheck(registry, GetUserId(), ACL_INSERT) == ACLCHECK_OK;
  });
  return may;
}

// Whether schemareg.<table> has no row, as committed now.
bool RegistryTableEmptyNow(const char* table) {
  bool empty = false;
  PgGuard([&] {
    AsRegistryOwner(true, [&] {
      if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
      PushActiveSnapshot(GetLatestSnapshot());
      char* query = psprintf("SELECT NOT EXISTS (SELECT FROM schemareg.%s)", table);
      if (SPI_execute(query, true, 1) != SPI_OK_SELECT || SPI_processed != 1) {
        elog(ERROR, "reading schemareg.%s failed", table);
      }
      bool isnull;
      empty = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
      PopActiveSnapshot();
      SPI_finish();
    });
  });
  return empty;
}

// A restore loads the registry's tables and the bound tables in any order
// (pg_restore -j, data-only restores). A row that comes before the registry
// rows it needs cannot be checked or counted: its table's binding, the
// registry's versions, or (for a schema whose $ref resolves through them)
// its dependencies are not there yet, as committed now. The role that
// restores (one that may write the registry's tables itself) writes such
// rows as they are, and the table is counted from its heap when those
// registry rows arrive (_on_registry_rows). For every other role these are
// the errors they always were.
bool RestoreAhead(const Error& e) {
  if (e.code() != sqlstate::kUndefinedObject || InRegistryWork() || !MayWriteRegistry()) {
    return false;
  }
  if (RegistryTableEmptyNow("schema_versions")) return true;
  return dynamic_cast<const UnresolvedReference*>(&e) != nullptr &&
         RegistryTableEmptyNow("dependencies");
}

// The bound columns of the trigger's table, or nullptr when this
// transaction writes its rows unchecked and uncounted (RestoreAhead): looked
// up on the statement's first row and kept for the others in the trigger's
// per-statement state (fn_extra, in the query's memory). A binding cannot
// change while a statement writes the table: attach, detach and column
// renames lock it.
const BoundColumns* ColumnsOf(FunctionCallInfo fcinfo, Relation relation) {
  Oid relid = RelationGetRelid(relation);
  if (IsUncounted(relid)) return nullptr;
  auto* cached = static_cast<BoundColumns*>(fcinfo->flinfo->fn_extra);
  if (cached != nullptr && cached->relid == relid) return cached;
  Binding binding;
  if (!FindBinding(relid, &binding)) {
    bool restoring = !InRegistryWork() && MayWriteRegistry();
    if (restoring && !FindBindingNow(relid, &binding)) {
      // No binding yet, as committed now: a restore's rows, counted when it comes.
      MarkUncounted(relid);
      return nullptr;
    }
    if (!restoring) {
      throw Error(sqlstate::kObjectNotInPrerequisiteState,
                  std::string("table \"") + RelationGetRelationName(relation) +
                      "\" has schemareg triggers but no binding",
                  "", "Run schemareg.attach() for it, or drop the triggers.");
    }
  }
  // A COPY by a role that may write the registry (a restore) loads rows as
  // they were: in a table that follows the newest versions, those that name
  // a version keep it.
  bool keep_versions = binding.follow_latest && InCopyFrom() && MayWriteRegistry();
  BoundColumns columns = {relid,
                          ColumnOf(relation, binding.schema_column, TEXTOID),
                          ColumnOf(relation, binding.record_column, JSONBOID, true),
                          0,
                          binding.flag_mode,
                          binding.follow_latest,
                          keep_versions,
                          ++statements};
  if (binding.flag_mode) columns.errors_att = ColumnOf(relation, binding.errors_column, JSONBOID);
  PgGuard([&] {
    if (cached == nullptr) {
      cached = static_cast<BoundColumns*>(
          MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(BoundColumns)));
      fcinfo->flinfo->fn_extra = cached;
    }
    *cached = columns;
  });
  return cached;
}

// The text of a column, palloc'd, or NULL. The schema column is text,
// varchar or name (attach checks): read directly, not through the type's
// output function, which would be looked up on every row.
char* ColumnText(HeapTuple tuple, Relation relation, int att) {
  char* out = nullptr;  // not `text`: PostgreSQL's macros use that type name
  PgGuard([&] {
    TupleDesc desc = RelationGetDescr(relation);
    bool isnull = false;
    Datum value = heap_getattr(tuple, att, desc, &isnull);
    if (isnull) return;
    Oid type = TupleDescAttr(desc, att - 1)->atttypid;
    if (type == NAMEOID) {
      out = pstrdup(NameStr(*DatumGetName(value)));
    } else if (type == TEXTOID || type == VARCHAROID) {
      out = TextDatumGetCString(value);
    } else {
      out = SPI_getvalue(tuple, desc, att);
    }
  });
  return out;
}

}  // namespace
}  // namespace schemareg::pg

using namespace schemareg::pg;
using schemareg::Error;

// _validate_row(): BEFORE INSERT OR UPDATE (OR DELETE) FOR EACH ROW. Checks the record
// against the schema its row names, rewrites a bare name to name:version and,
// in flag mode, stores the errors instead of refusing the row.
SCHEMAREG_FUNCTION(_validate_row) {
  TriggerData* trigger = CheckTrigger(fcinfo, "_validate_row", "~schemareg_validate");
  // Fired for DELETE only so that the module is loaded early: nothing to check.
  if (TRIGGER_FIRED_BY_DELETE(trigger->tg_event)) return PointerGetDatum(trigger->tg_trigtuple);
  RowInput in;
  in.relation = trigger->tg_relation;
  in.tuple =
      TRIGGER_FIRED_BY_UPDATE(trigger->tg_event) ? trigger->tg_newtuple : trigger->tg_trigtuple;
  const BoundColumns* bound = ColumnsOf(fcinfo, in.relation);
  if (bound == nullptr) return PointerGetDatum(in.tuple);
  in.columns = *bound;
  // Once per statement (the table's triggers cannot change while it writes).
  if (order_checked != in.columns.statement) {
    CheckFiresLast(in.relation, trigger->tg_trigger);
    order_checked = in.columns.statement;
  }
  in.ref = ColumnText(in.tuple, in.relation, in.columns.schema_att);
  // A table that follows the newest versions: a new row takes the newest
  // version of the name it gives.
  if (in.ref != nullptr && in.columns.follow_latest && !in.columns.keep_versions &&
      TRIGGER_FIRED_BY_INSERT(trigger->tg_event)) {
    in.ref[std::strcspn(in.ref, ":")] = '\0';
  }
  if (in.ref == nullptr) {
    if (in.columns.errors_att == 0) return PointerGetDatum(in.tuple);
    // A row without a schema has no errors.
    HeapTuple out = nullptr;
    PgGuard([&] {
      Datum value = 0;
      bool null = true, replace = true;
      out = heap_modify_tuple_by_cols(in.tuple, RelationGetDescr(in.relation), 1,
                                      &in.columns.errors_att, &value, &null);
      (void)replace;
    });
    return PointerGetDatum(out);
  }
  bool record_null = false;
  PgGuard([&] {
    heap_getattr(in.tuple, in.columns.record_att, RelationGetDescr(in.relation), &record_null);
  });

  // The writer's lock on the version: a delete or update of it waits for this
  // transaction. If one committed while the lock was awaited, looking the
  // version up again now fails (the registry is read as committed now).
  std::shared_ptr<const CachedSchema> schema;
  try {
    schema = SchemaOf(validate_memo, in.columns, in.ref, true);
    if (LockVersionShared(schema->id)) {
      validate_memo.statement = 0;
      schema = SchemaOf(validate_memo, in.columns, in.ref, true);
    }
  } catch (const Error& e) {
    if (!RestoreAhead(e)) throw;
    MarkUncounted(in.columns.relid);
    return PointerGetDatum(in.tuple);
  }
  const char* table = RelationGetRelationName(in.relation);
  if (record_null) {
    Error error(
        "23502",
        std::string("record column \"") +
            NameStr(
                TupleDescAttr(RelationGetDescr(in.relation), in.columns.record_att - 1)->attname) +
            "\" of table \"" + table + "\" is null in a row that names schema \"" + schema->ref +
            "\"",
        "", "Set the schema column to NULL for a row without a record.");
    error.set_object(ColumnObject(in.relation, in.columns.record_att));
    throw error;
  }
  schemareg::ErrorList errors;
  // A schema that accepts everything needs no look at the record.
  if (!schema->compiled->AcceptsEverything()) {
    PgGuard([&] {
      bool null;
      Datum value =
          heap_getattr(in.tuple, in.columns.record_att, RelationGetDescr(in.relation), &null);
      in.record = DatumGetJsonbP(value);
    });
    if (!RecordIsValid(*schema->compiled, in.record)) {
      errors = RecordErrors(*schema->compiled, in.record);
    }
  }
  if (!errors.empty() && !in.columns.flag_mode) {
    throw RowCheckViolation(
        in.relation, in.tuple, in.columns.record_att, schema->ref, errors,
        TRIGGER_FIRED_BY_UPDATE(trigger->tg_event) ? trigger->tg_updatedcols : nullptr);
  }
  std::string errors_json = errors.empty() ? "" : ErrorsJson(errors);
  bool rewrite_ref = schema->ref != in.ref;
  if (!rewrite_ref && in.columns.errors_att == 0) return PointerGetDatum(in.tuple);

  HeapTuple out = nullptr;
  PgGuard([&] {
    int columns[2];
    Datum values[2];
    bool nulls[2] = {false, false};
    int n = 0;
    if (rewrite_ref) {
      columns[n] = in.columns.schema_att;
      values[n] = CStringGetTextDatum(schema->ref.c_str());
      n++;
    }
    if (in.columns.errors_att != 0) {
      columns[n] = in.columns.errors_att;
      nulls[n] = errors_json.empty();
      values[n] =
          nulls[n] ? 0 : DirectFunctionCall1(jsonb_in, CStringGetDatum(errors_json.c_str()));
      n++;
    }
    out = heap_modify_tuple_by_cols(in.tuple, RelationGetDescr(in.relation), n, columns, values,
                                    nulls);
  });
  return PointerGetDatum(out);
}

// _count_row(): AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW. Collects how
// many rows of this (leaf) table reference each version; written per statement.
SCHEMAREG_FUNCTION(_count_row) {
  TriggerData* trigger = CheckTrigger(fcinfo, "_count_row", "~schemareg_count");
  Relation relation = trigger->tg_relation;
  const BoundColumns* bound = ColumnsOf(fcinfo, relation);
  if (bound == nullptr) return PointerGetDatum(nullptr);
  const BoundColumns& columns = *bound;
  int att = columns.schema_att;
  char* old_ref = nullptr;
  char* new_ref = nullptr;
  if (TRIGGER_FIRED_BY_INSERT(trigger->tg_event)) {
    new_ref = ColumnText(trigger->tg_trigtuple, relation, att);
  } else if (TRIGGER_FIRED_BY_DELETE(trigger->tg_event)) {
    old_ref = ColumnText(trigger->tg_trigtuple, relation, att);
  } else {
    old_ref = ColumnText(trigger->tg_trigtuple, relation, att);
    new_ref = ColumnText(trigger->tg_newtuple, relation, att);
  }
  Oid relid = RelationGetRelid(relation);
  if (old_ref != nullptr && new_ref != nullptr && std::strcmp(old_ref, new_ref) == 0) {
    return PointerGetDatum(nullptr);
  }
  int64_t old_id = 0, new_id = 0;
  try {
    if (old_ref != nullptr) {
      // Taking records away also holds the version's lock, so that a delete
      // of it waits for this transaction instead of racing it. (The rows
      // already name the version: whoever takes them away may not see it.
      // Every row was counted when it came in: through these triggers, which
      // cannot be disabled, dropped or overtaken, or by attach(), the
      // partition sync and restores, which count them from the heap.)
      old_id = SchemaOf(count_memo, columns, old_ref, false)->id;
      LockVersionShared(old_id);
    }
    // The BEFORE trigger checked this version and holds its lock, unless a
    // later BEFORE trigger changed the row after it (or it was disabled):
    // the writer must see the version, and holds its lock (once per
    // transaction and version, so this costs a set lookup).
    if (new_ref != nullptr) {
      new_id = SchemaOf(count_memo, columns, new_ref, true)->id;
      if (LockVersionShared(new_id)) {
        // Newly locked: a delete may have committed while it waited.
        count_memo.statement = 0;
        new_id = SchemaOf(count_memo, columns, new_ref, true)->id;
      }
    }
  } catch (const Error& e) {
    if (!RestoreAhead(e)) throw;
    MarkUncounted(relid);
    return PointerGetDatum(nullptr);
  }
  if (old_ref != nullptr) AddDelta(relid, old_id, -1);
  if (new_ref != nullptr) AddDelta(relid, new_id, +1);
  return PointerGetDatum(nullptr);
}
