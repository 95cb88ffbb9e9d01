#include "pg/counts.hpp"

#include <cstdio>
#include <cstring>
#include <iterator>
#include <map>
#include <tuple>
#include <unordered_set>
#include <utility>

#include "core/error.hpp"
#include "pg/guard.hpp"
#include "pg/locks.hpp"
#include "pg/owner.hpp"
#include "pg/slots.hpp"
#include "pg/table_access.hpp"

extern "C" {
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "commands/extension.h"
#include "storage/lmgr.h"
#include "executor/executor.h"
#include "storage/backendid.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
}

namespace schemareg::pg {

namespace {

// Deltas by (subtransaction, table, version): a rolled-back savepoint drops
// only its own, and a statement writes only the deltas of the subtransaction
// it runs in (those of an outer one would be lost if an inner one aborted).
using DeltaKey = std::tuple<SubTransactionId, Oid, int64_t>;
std::map<DeltaKey, int64_t> deltas;
std::unordered_set<int64_t> locked_versions;
std::unordered_set<Oid> uncounted;
bool flushing = false;
int copy_from_depth = 0;

ExecutorFinish_hook_type previous_executor_finish = nullptr;
ProcessUtility_hook_type previous_process_utility = nullptr;

// Writes the current subtransaction's deltas, one write per (table, version).
void Flush() {
  if (deltas.empty() || flushing) return;
  SubTransactionId current = GetCurrentSubTransactionId();
  // Moved out first: an error below must not leave them to be written twice.
  std::map<std::pair<Oid, int64_t>, int64_t> pending;
  for (auto it = deltas.begin(); it != deltas.end();) {
    if (std::get<0>(it->first) == current) {
      pending[{std::get<1>(it->first), std::get<2>(it->first)}] += it->second;
      it = deltas.erase(it);
    } else {
      ++it;
    }
  }
  if (pending.empty()) return;
  flushing = true;
  try {
    PgGuard([&] {
      // At commit, or when a SELECT portal is cleaned up, no snapshot is
      // active: the writes then use the transaction's.
      bool pushed_snapshot = !ActiveSnapshotSet();
      if (pushed_snapshot) PushActiveSnapshot(GetTransactionSnapshot());
      WriteSlots(pending);
      if (pushed_snapshot) PopActiveSnapshot();
    });
  } catch (...) {
    flushing = false;
    throw;
  }
  flushing = false;
}

// Runs Flush from a hook: a C++ exception becomes an ereport here.
void FlushFromHook() {
  char message[512] = "";
  ErrorData* pg_error = nullptr;
  char code[6] = "XX000";
  try {
    Flush();
  } catch (const Error& e) {
    std::strncpy(code, e.code().c_str(), 5);
    std::snprintf(message, sizeof message, "%s", e.what());
  } catch (const PgError& e) {
    pg_error = e.data();
  } catch (const std::exception& e) {
    std::snprintf(message, sizeof message, "%s", e.what());
  }
  if (pg_error != nullptr) ReThrowError(pg_error);
  if (message[0] != '\0') {
    ereport(ERROR, (errcode(MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4])),
                    errmsg_internal("%s", message)));
  }
}

// After TRUNCATE: the counts of the bound leaves it emptied go. (Partitions
// made after attach() have no TRUNCATE trigger of their own.) The
// statement's names are resolved again here, after the table owner's
// TRUNCATE triggers ran and could have changed search_path, so a name may now
// mean another table: only a leaf that this transaction holds in ACCESS
// EXCLUSIVE mode and that has no rows left loses its counts, which are then
// zero anyway. Only where the extension is installed (the catalog must not be
// read in an aborted transaction; a schema of that name without the
// extension is not ours to call).
void ForgetTruncated(TruncateStmt* statement) {
  if (!OidIsValid(get_extension_oid("schemareg", true))) return;
  ListCell* cell;
  foreach (cell, statement->relations) {
    Oid relid = RangeVarGetRelid(lfirst_node(RangeVar, cell), NoLock, true);
    if (!OidIsValid(relid)) continue;
    List* tree = find_all_inheritors(relid, NoLock, nullptr);
    ListCell* member;
    foreach (member, tree) {
      Oid leaf = lfirst_oid(member);
      if (get_rel_relkind(leaf) != RELKIND_RELATION ||
          !CheckRelationOidLockedByMe(leaf, AccessExclusiveLock, false) || CountRows(leaf, 1) > 0) {
        continue;
      }
      AsRegistryOwner(true, [&] {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
        Oid types[1] = {OIDOID};
        Datum values[1] = {ObjectIdGetDatum(leaf)};
        if (SPI_execute_with_args("DELETE FROM schemareg.record_counts WHERE tbl = $1::regclass", 1,
                                  types, values, nullptr, false, 0) != SPI_OK_DELETE) {
          elog(ERROR, "forgetting the counts of a truncated table failed");
        }
        SPI_finish();
      });
    }
  }
}

void ExecutorFinish(QueryDesc* query) {
  if (previous_executor_finish != nullptr) {
    previous_executor_finish(query);
  } else {
    standard_ExecutorFinish(query);
  }
  // AFTER triggers of the statement have fired: its deltas are complete.
  FlushFromHook();
}

void ProcessUtility(PlannedStmt* pstmt, const char* query_string, bool read_only_tree,
                    ProcessUtilityContext context, ParamListInfo params, QueryEnvironment* env,
                    DestReceiver* dest, QueryCompletion* qc) {
  // The depth of COPY FROM statements (InCopyFrom), taken back on error too.
  const int depth = copy_from_depth;
  if (IsA(pstmt->utilityStmt, CopyStmt) && castNode(CopyStmt, pstmt->utilityStmt)->is_from) {
    copy_from_depth++;
  }
  PG_TRY();
  {
    if (previous_process_utility != nullptr) {
      previous_process_utility(pstmt, query_string, read_only_tree, context, params, env, dest, qc);
    } else {
      standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, env, dest, qc);
    }
  }
  PG_CATCH();
  {
    copy_from_depth = depth;
    PG_RE_THROW();
  }
  PG_END_TRY();
  copy_from_depth = depth;
  // COPY's AFTER triggers have fired; flush what they collected.
  FlushFromHook();
  if (IsA(pstmt->utilityStmt, TruncateStmt))
    ForgetTruncated(castNode(TruncateStmt, pstmt->utilityStmt));
}

void OnTransactionEvent(XactEvent event, void*) {
  switch (event) {
    case XACT_EVENT_PRE_COMMIT:
    case XACT_EVENT_PRE_PREPARE:
      // Every statement flushes at its end; this only catches a path that did not.
      FlushFromHook();
      break;
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_PREPARE:
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PARALLEL_ABORT:
      deltas.clear();
      locked_versions.clear();
      uncounted.clear();
      flushing = false;
      copy_from_depth = 0;
      break;
    default:
      break;
  }
}

void OnSubtransactionEvent(SubXactEvent event, SubTransactionId subid, SubTransactionId parent,
                           void*) {
  if (event == SUBXACT_EVENT_ABORT_SUB) {
    // Its deltas die with it (and those of any subtransaction inside it,
    // already folded into it); its locks were released.
    for (auto it = deltas.begin(); it != deltas.end();) {
      it = std::get<0>(it->first) == subid ? deltas.erase(it) : std::next(it);
    }
    locked_versions.clear();
    flushing = false;
  } else if (event == SUBXACT_EVENT_COMMIT_SUB) {
    // What it collected now belongs to its parent.
    std::map<DeltaKey, int64_t> moved;
    for (auto it = deltas.begin(); it != deltas.end();) {
      if (std::get<0>(it->first) == subid) {
        moved[{parent, std::get<1>(it->first), std::get<2>(it->first)}] += it->second;
        it = deltas.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& [key, delta] : moved) deltas[key] += delta;
  }
}

}  // namespace

void InitCounts() {
  InitSlots();
  previous_executor_finish = ExecutorFinish_hook;
  ExecutorFinish_hook = ExecutorFinish;
  previous_process_utility = ProcessUtility_hook;
  ProcessUtility_hook = ProcessUtility;
  RegisterXactCallback(OnTransactionEvent, nullptr);
  RegisterSubXactCallback(OnSubtransactionEvent, nullptr);
}

void AddDelta(Oid relid, int64_t schema_id, int64_t delta) {
  deltas[{GetCurrentSubTransactionId(), relid, schema_id}] += delta;
}

void MarkUncounted(Oid relid) { uncounted.insert(relid); }

bool IsUncounted(Oid relid) { return !uncounted.empty() && uncounted.count(relid) > 0; }

bool InCopyFrom() { return copy_from_depth > 0; }

bool LockVersionShared(int64_t schema_id) {
  if (locked_versions.count(schema_id) > 0) return false;
  PgGuard([&] { LockRegistry(LockSpace::kVersion, static_cast<uint64_t>(schema_id), true); });
  locked_versions.insert(schema_id);
  return true;
}

}  // namespace schemareg::pg

// _exact_ref_count(id bigint) → bigint, counted with a snapshot taken now; no
// table's contribution is below zero (none takes away what another adds).
namespace {

// The one value a query returns, with a snapshot taken now (not the
// transaction's): what committed while the caller waited for a lock counts.
// By-value results only (bigint, boolean).
Datum QueryNow(const char* query, int nargs, Oid* types, Datum* values, const char* doing) {
  Datum result = 0;
  schemareg::pg::PgGuard([&] {
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    PushActiveSnapshot(GetLatestSnapshot());
    int rc = SPI_execute_with_args(query, nargs, types, values, nullptr, true, 1);
    if (rc != SPI_OK_SELECT || SPI_processed != 1) elog(ERROR, "%s failed", doing);
    bool isnull;
    result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
    PopActiveSnapshot();
    SPI_finish();
  });
  return result;
}

}  // namespace

SCHEMAREG_FUNCTION(_exact_ref_count) {
  Oid types[1] = {INT8OID};
  Datum values[1] = {PG_GETARG_DATUM(0)};
  return QueryNow(
      "SELECT coalesce(sum(greatest(n, 0)), 0)::bigint FROM (SELECT sum(n) AS n "
      "FROM schemareg.record_counts WHERE schema_id = $1 GROUP BY tbl) t",
      1, types, values, "counting records");
}

// _uri_taken_now(uri text, name text) → boolean: whether a version of another
// name has the top-level $id `uri`, with a snapshot taken now.
SCHEMAREG_FUNCTION(_uri_taken_now) {
  Oid types[2] = {TEXTOID, TEXTOID};
  Datum values[2] = {PG_GETARG_DATUM(0), PG_GETARG_DATUM(1)};
  return QueryNow(
      "SELECT EXISTS (SELECT FROM schemareg.schema_versions s WHERE s.name <> $2 "
      "AND schemareg._base_uri(s.definition, s.dialect) = $1)",
      2, types, values, "looking up a $id");
}

// _used_now(id bigint) → boolean: whether a dependency row names version `id`
// as used, as committed now: what a foreign key's check would see.
SCHEMAREG_FUNCTION(_used_now) {
  Oid types[1] = {INT8OID};
  Datum values[1] = {PG_GETARG_DATUM(0)};
  return QueryNow("SELECT EXISTS (SELECT FROM schemareg.dependencies d WHERE d.depends_on = $1)", 1,
                  types, values, "looking up the users of a version");
}
