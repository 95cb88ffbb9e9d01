// Who may see and change a schema, and running registry reads and writes as
// the registry's owner. Ordinary roles have no rights on the registry tables:
// the C code reads and writes them as their owner (the role that created the
// extension), with a search_path that no caller can plant objects in.
#pragma once

#include <utility>

#include "pg/postgres.hpp"

namespace schemareg::pg {

// The owner of schemareg.schema_versions (InvalidOid before CREATE EXTENSION).
Oid RegistryOwner();

// What AsRole does with the settings (GUCs) around `f`.
enum class Settings {
  kShared,      // f sees and changes the caller's (cheapest: no nest level)
  kOwn,         // what f changes ends with it
  kSafeSearch,  // the same, and f runs with search_path pg_catalog, pg_temp
                // (needed wherever SQL text is parsed or planned)
  kRestricted,  // kOwn under SECURITY_RESTRICTED_OPERATION, the way VACUUM
                // and REFRESH MATERIALIZED VIEW run a table owner's code: no
                // temporary objects, no SET ROLE, no cursors that outlive f
                // (for work on a user's table, with statements whose every
                // name is qualified)
};

// PostgreSQL code (run inside PgGuard): `f` runs as `role` (InvalidOid: the
// current one); the caller's role, security context and, unless kShared,
// settings come back afterwards, on error too.
template <typename F>
void AsRole(Oid role, Settings settings, F&& f) {
  Oid user;
  int context;
  GetUserIdAndSecContext(&user, &context);
  int nest = -1;
  PG_TRY();
  {
    int restricted = settings == Settings::kRestricted ? SECURITY_RESTRICTED_OPERATION : 0;
    if (role != InvalidOid) {
      SetUserIdAndSecContext(role, context | SECURITY_LOCAL_USERID_CHANGE | restricted);
    } else if (restricted != 0) {
      SetUserIdAndSecContext(user, context | restricted);
    }
    if (settings != Settings::kShared) nest = NewGUCNestLevel();
    if (settings == Settings::kSafeSearch) {
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

// `f` as the registry's owner, with the safe search_path or (where only
// plans made under it run) the caller's settings.
template <typename F>
void AsRegistryOwner(bool safe_search_path, F&& f) {
  AsRole(RegistryOwner(), safe_search_path ? Settings::kSafeSearch : Settings::kShared,
         std::forward<F>(f));
}

// How deep this backend is in the registry's own work: a gate's
// implementation (src/pg/gate.cpp), or attach() and an attached partition
// writing a table's rows again (_rewrite_rows). Rows written meanwhile are
// never a restore's. Whoever raises it sets it back, on error too.
extern int registry_work_depth;
bool InRegistryWork();

// True when `role` has the privileges of a member of schemareg_admin
// (superusers always do).
bool IsRegistryAdmin(Oid role);

// True when `role` may see and use a schema owned by `owner`: it is public,
// or `role` has the owner's privileges, or is an admin.
bool MaySee(Oid role, Oid owner, bool is_public);

}  // namespace schemareg::pg
