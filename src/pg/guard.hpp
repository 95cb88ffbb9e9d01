// The C++ / PostgreSQL boundary: exceptions never reach PostgreSQL, and
// PostgreSQL errors (longjmp) never cross a C++ frame that owns resources.
#pragma once

#include <utility>

#include "pg/postgres.hpp"

namespace schemareg::pg {

// A PostgreSQL error caught by PgGuard, carried through C++ frames as an
// exception and re-raised unchanged once the C++ stack is clean.
class PgError {
 public:
  explicit PgError(ErrorData* data) : data_(data) {}
  ErrorData* data() const { return data_; }

 private:
  ErrorData* data_;
};

// Runs PostgreSQL code from C++: an ereport inside `f` becomes a PgError.
// `f` must not own objects with destructors (PG_TRY longjmps into this frame).
template <typename F>
void PgGuard(F&& f) {
  MemoryContext context = CurrentMemoryContext;
  // volatile: it is written after the longjmp back into this frame.
  ErrorData* volatile error = nullptr;
  PG_TRY();
  { f(); }
  PG_CATCH();
  {
    MemoryContextSwitchTo(context);
    error = CopyErrorData();
    FlushErrorState();
  }
  PG_END_TRY();
  if (error != nullptr) throw PgError(error);
}

// Calls a C++ body of a SQL-callable function. Every exception is turned into
// an ereport after the catch block has been left; an Interrupted body is
// restarted once CHECK_FOR_INTERRUPTS() has run (it raises a cancel itself).
Datum CallGuarded(Datum (*body)(FunctionCallInfo), FunctionCallInfo fcinfo);

}  // namespace schemareg::pg

// Declares a SQL-callable function whose body is C++.
#define SCHEMAREG_FUNCTION(name)                                                          \
  static Datum name##_cpp(FunctionCallInfo fcinfo);                                       \
  extern "C" {                                                                            \
  PGDLLEXPORT PG_FUNCTION_INFO_V1(name);                                                  \
  Datum name(PG_FUNCTION_ARGS) { return schemareg::pg::CallGuarded(name##_cpp, fcinfo); } \
  }                                                                                       \
  static Datum name##_cpp(FunctionCallInfo fcinfo)
