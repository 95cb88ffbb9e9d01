// Writing a backend's slots of schemareg.record_counts. A backend's slot row
// of a (table, version) is updated by that backend only, once per statement
// that changed its records: directly where it last left the row (the common
// case, no SQL), else by an UPDATE or INSERT through SPI.
#pragma once

#include <cstdint>
#include <map>
#include <utility>

#include "pg/postgres.hpp"

namespace schemareg::pg {

// Registers the invalidation callback; called from InitCounts.
void InitSlots();

// PostgreSQL code (run inside PgGuard, SPI not connected): adds each delta,
// keyed by (leaf table, schema version), to this backend's slot. A version
// that no longer exists fails with the foreign key's error.
void WriteSlots(const std::map<std::pair<Oid, int64_t>, int64_t>& pending);

}  // namespace schemareg::pg
