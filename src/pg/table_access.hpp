// Work on users' tables without running their owners' code (table_access.cpp).
#pragma once

#include "pg/postgres.hpp"

namespace schemareg::pg {

// The rows of a leaf table visible to a snapshot taken now, counted up to
// `stop_at` (1 asks whether it has any); read from the heap. PostgreSQL
// code: call it inside PgGuard.
int64 CountRows(Oid relid, int64 stop_at);

}  // namespace schemareg::pg
