#include "pg/row_errors.hpp"

#include <utility>

#include "core/error_output.hpp"
#include "pg/guard.hpp"
#include "pg/settings.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "catalog/pg_index.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/acl.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/rls.h"
}

namespace schemareg::pg {
namespace {

// Bytes of a column's value shown in "Failing row contains", as PostgreSQL's
// ExecBuildSlotValueDescription shows them.
constexpr int kMaxFieldBytes = 64;

// "(id)=(42)" for the row's primary key, or NULL when the table has none or
// the user may not read it (BuildIndexValueDescription checks). PostgreSQL
// code: call it inside PgGuard.
char* PrimaryKeyDescription(Relation relation, HeapTuple tuple) {
  Oid pk = RelationGetPrimaryKeyIndex(relation);
  if (!OidIsValid(pk)) return nullptr;
  Relation index = index_open(pk, AccessShareLock);
  int keys = IndexRelationGetNumberOfKeyAttributes(index);
  Datum values[INDEX_MAX_KEYS];
  bool nulls[INDEX_MAX_KEYS];
  for (int i = 0; i < keys; i++) {
    values[i] = heap_getattr(tuple, index->rd_index->indkey.values[i], RelationGetDescr(relation),
                             &nulls[i]);
  }
  char* description = BuildIndexValueDescription(index, values, nulls);
  index_close(index, AccessShareLock);
  return description;
}

// "(1, {...}, lab/x:1)" with every column, or "(a, c) = (1, 3)" with those
// the user may read (values cut at kMaxFieldBytes); NULL when none. As
// PostgreSQL's ExecBuildSlotValueDescription, except that columns the
// statement wrote but the user may not read are left out too. PostgreSQL
// code: call it inside PgGuard.
char* RowValuesDescription(Relation relation, HeapTuple tuple) {
  Oid relid = RelationGetRelid(relation);
  Oid user = GetUserId();
  bool whole_table = pg_class_aclcheck(relid, user, ACL_SELECT) == ACLCHECK_OK;
  TupleDesc desc = RelationGetDescr(relation);
  StringInfoData names, values;
  initStringInfo(&names);
  initStringInfo(&values);
  bool all = true, any = false;
  for (int i = 0; i < desc->natts; i++) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    if (att->attisdropped) continue;
    if (!whole_table &&
        pg_attribute_aclcheck(relid, att->attnum, user, ACL_SELECT) != ACLCHECK_OK) {
      all = false;
      continue;
    }
    bool isnull;
    Datum datum = heap_getattr(tuple, att->attnum, desc, &isnull);
    const char* value = "null";
    if (!isnull) {
      Oid output;
      bool varlena;
      getTypeOutputInfo(att->atttypid, &output, &varlena);
      value = OidOutputFunctionCall(output, datum);
    }
    if (any) {
      appendStringInfoString(&names, ", ");
      appendStringInfoString(&values, ", ");
    }
    any = true;
    appendStringInfoString(&names, NameStr(att->attname));
    int length = static_cast<int>(strlen(value));
    if (length <= kMaxFieldBytes) {
      appendStringInfoString(&values, value);
    } else {
      appendBinaryStringInfo(&values, value, pg_mbcliplen(value, length, kMaxFieldBytes));
      appendStringInfoString(&values, "...");
    }
  }
  if (!any) return nullptr;
  return all ? psprintf("(%s)", values.data) : psprintf("(%s) = (%s)", names.data, values.data);
}

}  // namespace

ErrorObject ColumnObject(Relation relation, int att) {
  char* schema_name = nullptr;
  const char* column = nullptr;
  PgGuard([&] {
    column = NameStr(TupleDescAttr(RelationGetDescr(relation), att - 1)->attname);
    schema_name = get_namespace_name(RelationGetNamespace(relation));
  });
  return {schema_name != nullptr ? schema_name : "", RelationGetRelationName(relation), column, ""};
}

std::string ErrorDetail(const ErrorList& errors) {
  size_t limit = static_cast<size_t>(MaxErrorDetail());
  if (CurrentErrorFormat() == ErrorFormat::kJson) return ErrorsJsonArray(errors, limit);
  return ErrorLines(errors, limit);
}

Error RowCheckViolation(Relation relation, HeapTuple tuple, int record_att, const std::string& ref,
                        const ErrorList& errors, const Bitmapset* updated_columns,
                        SourceLocation where) {
  ErrorObject object = ColumnObject(relation, record_att);
  object.constraint = kValidateTrigger;
  char* key = nullptr;
  char* row = nullptr;
  bool record_hidden = false;
  PgGuard([&] {
    // The errors quote the record: not to a writer who may not read it and
    // did not write it (an UPDATE of other columns), as PostgreSQL shows only
    // such columns.
    Oid relid = RelationGetRelid(relation);
    bool readable =
        pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK ||
        pg_attribute_aclcheck(relid, record_att, GetUserId(), ACL_SELECT) == ACLCHECK_OK;
    bool written = updated_columns == nullptr ||
                   bms_is_member(record_att - FirstLowInvalidHeapAttributeNumber, updated_columns);
    record_hidden = !readable && !written;
    // Row-level security hides rows: like PostgreSQL, show none of it then.
    if (check_enable_rls(RelationGetRelid(relation), InvalidOid, true) == RLS_ENABLED) return;
    key = PrimaryKeyDescription(relation, tuple);
    if (key == nullptr) row = RowValuesDescription(relation, tuple);
  });
  std::string table = RelationGetRelationName(relation);
  std::string failing_row = key != nullptr   ? std::string("Failing row key ") + key + "."
                            : row != nullptr ? std::string("Failing row contains ") + row + "."
                                             : "";
  bool json = CurrentErrorFormat() == ErrorFormat::kJson;
  std::string detail = record_hidden ? (json ? "[]" : "") : ErrorDetail(errors);
  if (!json && !failing_row.empty()) {
    detail = detail.empty() ? failing_row : failing_row + "\n" + detail;
  }
  std::string hint = record_hidden
                         ? "The record's errors (" + std::to_string(errors.total()) +
                               ") are not shown: the current user may not read column \"" +
                               object.column + "\"."
                     : errors.total() == 1 ? ""
                                           : std::to_string(errors.total()) + " errors in all.";
  Error error(sqlstate::kCheckViolation,
              "new row for table \"" + table + "\" does not match schema \"" + ref + "\"", detail,
              hint, where);
  error.set_object(std::move(object));
  if (json) error.set_context(failing_row);
  return error;
}

}  // namespace schemareg::pg
