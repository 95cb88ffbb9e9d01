// How a record reaches the validator. Today: jsonb to text, parsed by the
// core. This is the seam where a reader of jsonb's binary form will go.
#pragma once

#include "core/json.hpp"
#include "pg/postgres.hpp"

namespace schemareg::pg {

// The text of a jsonb argument, palloc'd. Call before any C++ object is live.
char* JsonbArgumentText(FunctionCallInfo fcinfo, int argno);

// Parses record text into the core's model, bounded by schemareg.max_depth.
Json ParseRecord(const char* text);

}  // namespace schemareg::pg
