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
    ErrorData* pg_error = nullptr;
    bool interrupted = false;
    try {
      return body(fcinfo);
    } catch (const Error& e) {
      std::strncpy(code, e.code().c_str(), 5);
      message = CopyNoThrow(e.what());
      detail = CopyNoThrow(e.detail().c_str());
      hint = CopyNoThrow(e.hint().c_str());
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
    ereport(ERROR,
            (errcode(MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4])),
             errmsg_internal("%s", message != nullptr ? message : "schemareg internal error"),
             detail != nullptr ? errdetail_internal("%s", detail) : 0,
             hint != nullptr ? errhint("%s", hint) : 0));
  }
}

}  // namespace schemareg::pg
