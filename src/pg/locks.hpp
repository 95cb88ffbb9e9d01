// The registry's locks: transaction-level lock tags in spaces that SQL's
// advisory lock functions cannot reach (pg_advisory_lock only takes the
// spaces 1 and 2), so no role can take them to block the registry's writers.
#pragma once

#include <cstdint>

#include "pg/postgres.hpp"

namespace schemareg::pg {

// What a lock protects; each has its own space.
enum class LockSpace : uint16 {
  kVersion = 101,  // a schema version: its writers (shared) against update and delete
  kName = 102,     // a schema name: create, revise, update, delete
  kUri = 103,      // a top-level $id being registered
  kJob = 104,      // the starters of jobs on one table
  kRestore = 105,  // rows a restore loads into the registry's tables (one key)
};

// Takes the lock (key, space) until the end of the transaction; without
// `wait`, returns false at once when another transaction holds it.
// PostgreSQL code: call it inside PgGuard.
bool LockRegistry(LockSpace space, uint64_t key, bool shared, bool wait = true);

// The key of a text (a name, a URI, ...).
uint64_t LockKeyOf(const char* text, size_t length);

}  // namespace schemareg::pg
