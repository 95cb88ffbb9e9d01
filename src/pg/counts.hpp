// Exact reference counts: row triggers collect per-statement deltas in memory;
// they are written once per statement into the writer's slot of
// schemareg.record_counts.
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
// version it adds records to or takes records from (update_schema and
// delete_schema take it exclusively). True when taken now: the caller then
// looks the version up again, since a delete may have committed meanwhile.
bool LockVersionShared(int64_t schema_id);

// Leaf tables whose rows this transaction wrote without checking or counting
// them (a restore that loads a table before the registry rows it needs):
// their rows are counted from the heap when those arrive. Kept until the
// transaction ends, so that both row triggers of a table agree.
void MarkUncounted(Oid relid);
bool IsUncounted(Oid relid);

// True while a COPY FROM runs in this backend.
bool InCopyFrom();

}  // namespace schemareg::pg
