#include "pg/locks.hpp"

#include <cstring>

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

}  // namespace

void LockRegistry(LockSpace space, uint64_t key, bool shared) {
  LOCKTAG tag;
  SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, static_cast<uint32>(key >> 32), static_cast<uint32>(key),
                       static_cast<uint16>(space));
  LOCKMODE mode = shared ? ShareLock : ExclusiveLock;
  (void)LockAcquire(&tag, mode, false, false);
  if (space == LockSpace::kVersion && LegacySql()) {
    SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, static_cast<uint32>(kLegacyVersionKey),
                         static_cast<uint32>(static_cast<int32>(key % 2147483647)), 2);
    (void)LockAcquire(&tag, mode, false, false);
  }
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
}

// _lock_version(id bigint) → void: the version's lock, exclusively (update
// and delete wait for its writers, and later writers for them).
Datum _lock_version(PG_FUNCTION_ARGS) {
  LockRegistry(LockSpace::kVersion, static_cast<uint64_t>(PG_GETARG_INT64(0)), false);
  PG_RETURN_VOID();
}

// _lock_key(space text, key text) → void: the lock of a name ('name'), a
// $id ('uri') or the jobs of a table ('job'), exclusively.
Datum _lock_key(PG_FUNCTION_ARGS) {
  char* space_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
  text* key = PG_GETARG_TEXT_PP(1);
  LockSpace space;
  if (std::strcmp(space_name, "name") == 0) {
    space = LockSpace::kName;
  } else if (std::strcmp(space_name, "uri") == 0) {
    space = LockSpace::kUri;
  } else if (std::strcmp(space_name, "job") == 0) {
    space = LockSpace::kJob;
  } else {
    elog(ERROR, "unknown lock space \"%s\"", space_name);
  }
  LockRegistry(space, LockKeyOf(VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key)), false);
  PG_RETURN_VOID();
}
