// How a record reaches the validator: jsonb's binary form, read in place
// (JsonbRef), or, for definitions and bundles, jsonb as text for the core.
#pragma once

#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/schema.hpp"
#include "core/validator.hpp"
#include "pg/postgres.hpp"

namespace schemareg::pg {

// The text of a jsonb argument, palloc'd. Call before any C++ object is live.
char* JsonbArgumentText(FunctionCallInfo fcinfo, int argno);

// A jsonb argument, detoasted. Call before any C++ object is live.
Jsonb* JsonbArgument(FunctionCallInfo fcinfo, int argno);

// True when the jsonb record satisfies the schema (schemareg.max_depth,
// cancel and the stack bound the evaluation).
bool RecordIsValid(const CompiledSchema& schema, const Jsonb* record);

// The errors of the jsonb record against the schema: the first
// schemareg.max_errors (and at most kMaxErrorBytes of them), the rest counted.
ErrorList RecordErrors(const CompiledSchema& schema, const Jsonb* record);

// A record's errors as an errors column stores them: a jsonb array (as text)
// of {path, schema_path, keyword, message}, ending, when some were only
// counted, in {"path": null, "schema_path": null, "keyword": null,
// "message": "... and N more errors"}.
std::string ErrorsJson(const ErrorList& errors);

// Returns a record's errors as the rows of validation_errors: path, keyword,
// message and schema_path, as many of these columns as the function's result
// has; then, when some were only counted, a row whose message says how many.
void PutErrorRows(FunctionCallInfo fcinfo, const ErrorList& errors);

}  // namespace schemareg::pg
