#include "pg/owner.hpp"

extern "C" {
#include "catalog/pg_class.h"
#include "utils/acl.h"
#include "utils/syscache.h"
}

namespace schemareg::pg {

Oid RegistryOwner() {
  // Looked up each time (a few syscache probes): DROP and CREATE EXTENSION
  // make a new table, perhaps with another owner.
  Oid ns = get_namespace_oid("schemareg", true);
  Oid relid = ns != InvalidOid ? get_relname_relid("schema_versions", ns) : InvalidOid;
  if (relid == InvalidOid) return InvalidOid;
  HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
  if (!HeapTupleIsValid(tuple)) return InvalidOid;
  Oid owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->relowner;
  ReleaseSysCache(tuple);
  return owner;
}

bool IsRegistryAdmin(Oid role) {
  if (superuser_arg(role)) return true;
  Oid admin = get_role_oid("schemareg_admin", true);
  return admin != InvalidOid && has_privs_of_role(role, admin);
}

bool MaySee(Oid role, Oid owner, bool is_public) {
  return is_public || has_privs_of_role(role, owner) || IsRegistryAdmin(role);
}

}  // namespace schemareg::pg
