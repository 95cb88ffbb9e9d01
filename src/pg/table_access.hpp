// Work on users' tables without running their owners' code (table_access.cpp).
#pragma once

#include "pg/postgres.hpp"

namespace schemareg::pg {

// True when the leaf table has a row visible to a snapshot taken now; read
// from the heap. PostgreSQL code: call it inside PgGuard.
bool HasRows(Oid relid);

}  // namespace schemareg::pg
