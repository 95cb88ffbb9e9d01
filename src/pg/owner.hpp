// Who may see and change a schema, and running registry reads and writes as
// the registry's owner. Ordinary roles have no rights on the registry tables:
// the C code reads and writes them as their owner (the role that created the
// extension), with a search_path that no caller can plant objects in.
#pragma once

#include "pg/postgres.hpp"

namespace schemareg::pg {

// The owner of schemareg.schema_versions (InvalidOid before CREATE EXTENSION).
Oid RegistryOwner();

// PostgreSQL code (run inside PgGuard): `f` runs as the registry's owner; the
// caller's role and security context come back afterwards, on error too.
// With `safe_search_path`, `f` also runs with search_path pg_catalog, pg_temp
// (needed wherever SQL text is parsed or planned).
template <typename F>
void AsRegistryOwner(bool safe_search_path, F&& f) {
  Oid user;
  int context;
  GetUserIdAndSecContext(&user, &context);
  Oid owner = RegistryOwner();
  int nest = -1;
  PG_TRY();
  {
    if (owner != InvalidOid) {
      SetUserIdAndSecContext(owner, context | SECURITY_LOCAL_USERID_CHANGE);
    }
    if (safe_search_path) {
      nest = NewGUCNestLevel();
      set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
                        GUC_ACTION_SAVE, true, 0, false);
    }
    f();
  }
  PG_FINALLY();
  {
    if (nest >= 0) AtEOXact_GUC(false, nest);
    SetUserIdAndSecContext(user, context);
  }
  PG_END_TRY();
}

// True when `role` has the privileges of a member of schemareg_admin
// (superusers always do).
bool IsRegistryAdmin(Oid role);

// True when `role` may see and use a schema owned by `owner`: it is public,
// or `role` has the owner's privileges, or is an admin.
bool MaySee(Oid role, Oid owner, bool is_public);

}  // namespace schemareg::pg
