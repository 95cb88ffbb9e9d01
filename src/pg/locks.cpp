#include "pg/locks.hpp"

#include <cstring>
#include <utility>

extern "C" {
#include "catalog/pg_proc.h"
#include "common/hashfn.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "utils/syscache.h"
}

namespace schemareg::pg {

namespace {

// 0.1.0 took its locks with pg_advisory_xact_lock(1936876903, id): until
// ALTER EXTENSION UPDATE has run (while the 0.1.0 SQL is installed), writers
// take that lock too, so that its update_schema and delete_schema still wait
// for them.
constexpr int32 kLegacyVersionKey = 1936876903;
LocalTransactionId legacy_checked_in = InvalidLocalTransactionId;
bool legacy = false;

bool LegacySql() {
  // Checked once per transaction (by its local id: it may have no xid yet),
  // through the syscache: the 0.2.0 SQL has schemareg._lock_key(text, text).
  LocalTransactionId lxid = MyProc->lxid;
  if (legacy_checked_in == lxid) return legacy;
  legacy_checked_in = lxid;
  Oid ns = get_namespace_oid("schemareg", true);
  Oid args[2] = {TEXTOID, TEXTOID};
  legacy = OidIsValid(ns) && !OidIsValid(GetSysCacheOid3(
                                 PROCNAMEARGSNSP, Anum_pg_proc_oid, CStringGetDatum("_lock_key"),
                                 PointerGetDatum(buildoidvector(args, 2)), ObjectIdGetDatum(ns)));
  return legacy;
}

// The lock tag of (space, key): an advisory tag whose last field is the
// space, which SQL's advisory lock functions never use.
LOCKTAG RegistryTag(LockSpace space, uint64_t key) {
  LOCKTAG tag;
  SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, static_cast<uint32>(key >> 32), static_cast<uint32>(key),
                       static_cast<uint16>(space));
  return tag;
}

}  // namespace

bool LockRegistry(LockSpace space, uint64_t key, bool shared, bool wait) {
  LOCKTAG tag = RegistryTag(space, key);
  LOCKMODE mode = shared ? ShareLock : ExclusiveLock;
  if (LockAcquire(&tag, mode, false, !wait) == LOCKACQUIRE_NOT_AVAIL) return false;
  if (space == LockSpace::kVersion && LegacySql()) {
    SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, static_cast<uint32>(kLegacyVersionKey),
                         static_cast<uint32>(static_cast<int32>(key % 2147483647)), 2);
    (void)LockAcquire(&tag, mode, false, false);
  }
  return true;
}

uint64_t LockKeyOf(const char* text, size_t length) {
  return DatumGetUInt64(
      hash_any_extended(reinterpret_cast<const unsigned char*>(text), static_cast<int>(length), 0));
}

}  // namespace schemareg::pg

using namespace schemareg::pg;

extern "C" {
PGDLLEXPORT PG_FUNCTION_INFO_V1(_lock_version);
Datum _lock_version(PG_FUNCTION_ARGS);
PGDLLEXPORT PG_FUNCTION_INFO_V1(_lock_key);
Datum _lock_key(PG_FUNCTION_ARGS);
PGDLLEXPORT PG_FUNCTION_INFO_V1(_try_lock_key);
Datum _try_lock_key(PG_FUNCTION_ARGS);
PGDLLEXPORT PG_FUNCTION_INFO_V1(_unlock_key);
Datum _unlock_key(PG_FUNCTION_ARGS);
}

// _lock_version(id bigint) → void: the version's lock, exclusively (update
// and delete wait for its writers, and later writers for them).
Datum _lock_version(PG_FUNCTION_ARGS) {
  LockRegistry(LockSpace::kVersion, static_cast<uint64_t>(PG_GETARG_INT64(0)), false);
  PG_RETURN_VOID();
}

namespace {

LockSpace SpaceNamed(const char* name) {
  if (std::strcmp(name, "name") == 0) return LockSpace::kName;
  if (std::strcmp(name, "uri") == 0) return LockSpace::kUri;
  if (std::strcmp(name, "job") == 0) return LockSpace::kJob;
  if (std::strcmp(name, "restore") == 0) return LockSpace::kRestore;
  elog(ERROR, "unknown lock space \"%s\"", name);
  return LockSpace::kName;
}

// The (space, key) of the SQL arguments (space text, key text).
std::pair<LockSpace, uint64_t> KeyArgs(FunctionCallInfo fcinfo) {
  char* space_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
  text* key = PG_GETARG_TEXT_PP(1);
  return {SpaceNamed(space_name), LockKeyOf(VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key))};
}

bool LockKeyArgs(FunctionCallInfo fcinfo, bool wait) {
  auto [space, key] = KeyArgs(fcinfo);
  return LockRegistry(space, key, false, wait);
}

}  // namespace

// _lock_key(space text, key text) → void: the lock of a name ('name'), a
// $id ('uri'), the jobs of a table ('job') or the counting of what a restore
// loads ('restore'), exclusively.
Datum _lock_key(PG_FUNCTION_ARGS) {
  LockKeyArgs(fcinfo, true);
  PG_RETURN_VOID();
}

// _try_lock_key(space text, key text) → void: the same, or 55P03 at once
// when another transaction holds it.
Datum _try_lock_key(PG_FUNCTION_ARGS) {
  if (!LockKeyArgs(fcinfo, false)) {
    ereport(ERROR, (errcode(ERRCODE_LOCK_NOT_AVAILABLE),
                    errmsg("another transaction is starting or resuming a job on this table"),
                    errhint("Try again when it has committed.")));
  }
  PG_RETURN_VOID();
}

// _unlock_key(space text, key text) → void: gives back a lock _lock_key took
// in this transaction, before the transaction ends (a caller that turned out
// not to be allowed to hold it).
Datum _unlock_key(PG_FUNCTION_ARGS) {
  auto [space, key] = KeyArgs(fcinfo);
  LOCKTAG tag = RegistryTag(space, key);
  (void)LockRelease(&tag, ExclusiveLock, false);
  PG_RETURN_VOID();
}
