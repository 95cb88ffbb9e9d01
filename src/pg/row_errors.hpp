// The 23514 a bound table raises for a row that does not match its schema:
// the fields drivers read (schema, table, record column, constraint), which
// row failed, and the errors as schemareg.error_format writes them.
#pragma once

#include <string>

#include "core/error.hpp"
#include "core/validator.hpp"
#include "pg/postgres.hpp"

namespace schemareg::pg {

// The name of the validation trigger: the constraint a row's 23514 names.
inline constexpr const char* kValidateTrigger = "~schemareg_validate";

// The column `att` of `relation` as an error names it (schema, table, column).
ErrorObject ColumnObject(Relation relation, int att);

// The errors of a record as an error detail shows them: "path: message
// (keyword)" lines (text), or a JSON array of {path, schema_path, keyword,
// message} (json), at most schemareg.max_error_detail of them.
std::string ErrorDetail(const ErrorList& errors);

// The error for a row of `relation` whose record (attribute `record_att`)
// does not match schema `ref`. The row is named by its primary key, or by
// the values of its columns that the current user may read (as PostgreSQL's
// CHECK violations do): in the detail's first line (text), or in the
// context (json, whose detail is only the array). The errors are left out
// when the user may not read the record and the statement did not write it:
// an UPDATE whose `updated_columns` (the trigger's, NULL for an INSERT) do
// not include it.
Error RowCheckViolation(Relation relation, HeapTuple tuple, int record_att, const std::string& ref,
                        const ErrorList& errors, const Bitmapset* updated_columns,
                        SourceLocation where = SourceLocation::Current());

}  // namespace schemareg::pg
