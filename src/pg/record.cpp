#include "pg/record.hpp"

#include "core/error.hpp"
#include "pg/settings.hpp"

namespace schemareg::pg {

char* JsonbArgumentText(FunctionCallInfo fcinfo, int argno) {
  Jsonb* jsonb = PG_GETARG_JSONB_P(argno);
  return JsonbToCString(nullptr, &jsonb->root, VARSIZE(jsonb));
}

Json ParseRecord(const char* text) {
  try {
    return ParseJson(text, CurrentCompileOptions(DefaultDialect()).max_depth, nullptr,
                     ShouldStop);
  } catch (const Error& e) {
    if (e.code() != sqlstate::kProgramLimitExceeded) throw;
    throw Error(e.code(), std::string("record is too deeply nested: ") + e.what(), e.detail(),
                e.hint());
  }
}

}  // namespace schemareg::pg
