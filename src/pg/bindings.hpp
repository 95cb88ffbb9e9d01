// Which tables are bound to schemas (schemareg.bindings), cached per backend.
#pragma once

#include <string>

#include "pg/postgres.hpp"

namespace schemareg::pg {

struct Binding {
  Oid bound_relid = InvalidOid;  // the table attach() named
  std::string record_column;
  std::string schema_column;
  std::string errors_column;  // empty unless flag mode
  bool flag_mode = false;
  bool follow_latest = false;  // new rows take the newest version of their name
};

// Registers the invalidation callback; called from _PG_init.
void InitBindings();

// The binding that governs writes to `relid`: its own, or that of its nearest
// bound ancestor (partitions). False when none. A copy: an invalidation may
// drop the cache while the caller still works with it.
bool FindBinding(Oid relid, Binding* binding);

// The same, with the bindings read again as committed now (not as the
// statement's snapshot saw them): for a table the cache has no binding for,
// whose binding a restore may have committed meanwhile.
bool FindBindingNow(Oid relid, Binding* binding);

}  // namespace schemareg::pg
