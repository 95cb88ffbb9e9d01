// Exact reference counts: row triggers collect per-statement deltas in memory;
// they are written once per statement into the writer's slot of
// schemareg.record_counts. Writers hold a shared lock on each schema version
// they reference; update and delete of a version take it exclusively.
#pragma once

#include <cstdint>
#include <string>

#include "pg/postgres.hpp"

namespace schemareg::pg {

// Installs the executor and utility hooks and the transaction callbacks.
void InitCounts();

// Adds `delta` records of the leaf table `relid` that reference schema version `schema_id`.
void AddDelta(Oid relid, int64_t schema_id, int64_t delta);

// Takes, once per transaction, the shared lock a writer holds on a schema
// version. Returns true when the lock was taken now (the caller must then
// recheck the version: a delete may have committed while it waited).
bool LockVersionShared(int64_t schema_id);

}  // namespace schemareg::pg
