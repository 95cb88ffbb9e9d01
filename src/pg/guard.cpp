#include "pg/guard.hpp"

#include <cstring>
#include <new>

#include "core/error.hpp"

namespace schemareg::pg {

namespace {

// Copies a string into palloc'd memory without ever raising (no longjmp may
// leave a catch block); NULL when empty or out of memory.
char* CopyNoThrow(const char* s) {
  if (s == nullptr || *s == '\0') return nullptr;
  size_t length = std::strlen(s);
  char* copy = static_cast<char*>(palloc_extended(length + 1, MCXT_ALLOC_NO_OOM));
  if (copy != nullptr) std::memcpy(copy, s, length + 1);
  return copy;
}

}  // namespace

Datum CallGuarded(Datum (*body)(FunctionCallInfo), FunctionCallInfo fcinfo) {
  for (;;) {
    char code[6] = "XX000";
    char* message = nullptr;
    char* detail = nullptr;
    char* hint = nullptr;
    char* context = nullptr;
    // What the error is about: schema, table, column, constraint.
    char* object[4] = {nullptr, nullptr, nullptr, nullptr};
    schemareg::SourceLocation where = {__FILE__, __LINE__, __func__};
    ErrorData* pg_error = nullptr;
    bool interrupted = false;
    try {
      return body(fcinfo);
    } catch (const Error& e) {
      std::strncpy(code, e.code().c_str(), 5);
      message = CopyNoThrow(e.what());
      detail = CopyNoThrow(e.detail().c_str());
      hint = CopyNoThrow(e.hint().c_str());
      context = CopyNoThrow(e.context().c_str());
      object[0] = CopyNoThrow(e.object().schema.c_str());
      object[1] = CopyNoThrow(e.object().table.c_str());
      object[2] = CopyNoThrow(e.object().column.c_str());
      object[3] = CopyNoThrow(e.object().constraint.c_str());
      if (e.where().file != nullptr) where = e.where();
    } catch (const PgError& e) {
      pg_error = e.data();
    } catch (const Interrupted&) {
      interrupted = true;
    } catch (const std::bad_alloc&) {
      std::memcpy(code, "53200", 5);
    } catch (const std::exception& e) {
      message = CopyNoThrow(e.what());
    } catch (...) {
      message = CopyNoThrow("unknown C++ exception");
    }
    // The catch block is left: ereport and CHECK_FOR_INTERRUPTS may longjmp now.
    if (pg_error != nullptr) ReThrowError(pg_error);
    if (interrupted) {
      CHECK_FOR_INTERRUPTS();
      continue;
    }
    if (std::memcmp(code, "53200", 5) == 0 && message == nullptr) {
      ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory in schemareg")));
    }
    // ereport, spelled out: the location is the C++ code that threw, not this shim.
    if (errstart(ERROR, TEXTDOMAIN)) {
      errcode(MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4]));
      errmsg_internal("%s", message != nullptr ? message : "schemareg internal error");
      if (detail != nullptr) errdetail_internal("%s", detail);
      if (hint != nullptr) errhint("%s", hint);
      if (context != nullptr) {
        set_errcontext_domain(TEXTDOMAIN);
        errcontext_msg("%s", context);
      }
      static const int kFields[4] = {PG_DIAG_SCHEMA_NAME, PG_DIAG_TABLE_NAME, PG_DIAG_COLUMN_NAME,
                                     PG_DIAG_CONSTRAINT_NAME};
      for (int i = 0; i < 4; i++) {
        if (object[i] != nullptr) err_generic_string(kFields[i], object[i]);
      }
      errfinish(where.file, where.line, where.function);
    }
    pg_unreachable();
  }
}

}  // namespace schemareg::pg
