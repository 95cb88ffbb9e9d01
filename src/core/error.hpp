// The one exception type of the pure core: carries what ereport() needs.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace schemareg {

// SQLSTATE codes used by the core; the shim passes them to ereport unchanged.
namespace sqlstate {
inline constexpr const char* kCheckViolation = "23514";
inline constexpr const char* kUndefinedObject = "42704";
inline constexpr const char* kInvalidParameterValue = "22023";
inline constexpr const char* kFeatureNotSupported = "0A000";
inline constexpr const char* kInvalidObjectDefinition = "42P17";
inline constexpr const char* kNumericValueOutOfRange = "22003";
inline constexpr const char* kInvalidTextRepresentation = "22P02";
inline constexpr const char* kDependentObjectsStillExist = "2BP01";
inline constexpr const char* kObjectNotInPrerequisiteState = "55000";
inline constexpr const char* kProgramLimitExceeded = "54000";
inline constexpr const char* kQueryCanceled = "57014";
inline constexpr const char* kOutOfMemory = "53200";
inline constexpr const char* kInternalError = "XX000";
}  // namespace sqlstate

// Where an error was raised: the file, line and function of the C++ call
// that made it (what ereport reports as the error's location).
struct SourceLocation {
  const char* file = nullptr;
  int line = 0;
  const char* function = nullptr;

  static SourceLocation Current(const char* file = __builtin_FILE(), int line = __builtin_LINE(),
                                const char* function = __builtin_FUNCTION()) {
    return {file, line, function};
  }
};

// The object an error is about, as SQL's diagnostics name it (PostgreSQL's
// schema_name, table_name, column_name and constraint_name fields); empty
// when it is about none.
struct ErrorObject {
  std::string schema;
  std::string table;
  std::string column;
  std::string constraint;
};

// An error with a SQLSTATE, a message, optional detail and hint, and the
// place in the code that raised it.
class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message, std::string detail = {},
        std::string hint = {}, SourceLocation where = SourceLocation::Current())
      : std::runtime_error(message),
        code_(std::move(code)),
        detail_(std::move(detail)),
        hint_(std::move(hint)),
        where_(where) {}

  const std::string& code() const { return code_; }
  const std::string& detail() const { return detail_; }
  const std::string& hint() const { return hint_; }
  const SourceLocation& where() const { return where_; }
  // What the error is about, and a line of context (where it happened).
  const ErrorObject& object() const { return object_; }
  const std::string& context() const { return context_; }
  void set_object(ErrorObject object) { object_ = std::move(object); }
  void set_context(std::string context) { context_ = std::move(context); }

 private:
  std::string code_;
  std::string detail_;
  std::string hint_;
  SourceLocation where_;
  ErrorObject object_;
  std::string context_;
};

// Thrown when the host asked the core to stop (cancel, statement_timeout).
// The shim does not report it: it lets CHECK_FOR_INTERRUPTS() raise the
// host's own error once the C++ stack has unwound.
class Interrupted : public std::exception {
 public:
  const char* what() const noexcept override { return "interrupted"; }
};

// Asks the host whether to stop now; long loops of the core poll it and throw
// Interrupted when it says yes. nullptr: never stop.
using StopCheck = bool (*)();

}  // namespace schemareg
