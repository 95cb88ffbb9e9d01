// The module's entry point: one init call per part.
#include "pg/bindings.hpp"
#include "pg/cache.hpp"
#include "pg/counts.hpp"
#include "pg/postgres.hpp"
#include "pg/settings.hpp"

extern "C" {
PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);

void _PG_init(void) {
  schemareg::pg::DefineSettings();
  schemareg::pg::InitSchemaCache();
  schemareg::pg::InitBindings();
  schemareg::pg::InitCounts();
}
}
