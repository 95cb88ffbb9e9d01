#include "core/validator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/error.hpp"
#include "core/evaluator.hpp"
#include "core/format.hpp"
#include "core/regex.hpp"

namespace schemareg {

namespace evaluator_detail {

std::string TypeList(uint8_t types) {
  static const std::pair<uint8_t, const char*> kNames[] = {
      {kTypeNull, "null"},      {kTypeBoolean, "boolean"}, {kTypeObject, "object"},
      {kTypeArray, "array"},    {kTypeNumber, "number"},   {kTypeString, "string"},
      {kTypeInteger, "integer"}};
  std::string out;
  for (const auto& n : kNames) {
    if (types & n.first) {
      if (!out.empty()) out += " or ";
      out += n.second;
    }
  }
  return out;
}

std::string Num(double d) {
  std::string out;
  AppendJsonNumber(out, d);
  return out;
}

std::string Quoted(std::string_view name) { return TruncateUtf8(name, 100); }

uint64_t CodePoints(std::string_view s) {
  uint64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool FormatOk(const std::string& format, std::string_view s) {
  if (format == "regex") {
    try {
      Pattern::Compile(s);
      return true;
    } catch (const Error&) {
      return false;
    }
  }
  return CheckFormat(format, s) != FormatResult::kInvalid;
}

}  // namespace evaluator_detail

std::string ErrorLines(const ErrorList& errors, size_t limit) {
  std::string lines;
  size_t shown = std::min(limit, errors.kept.size());
  for (size_t i = 0; i < shown; i++) {
    const ValidationError& e = errors.kept[i];
    if (i > 0) lines += "\n";
    lines += (e.path.empty() ? std::string("(root)") : e.path) + ": " + e.message + " (" +
             e.keyword + ")";
  }
  if (errors.total() > shown) {
    lines += "\n... and " + std::to_string(errors.total() - shown) + " more";
  }
  return lines;
}

std::string MoreErrorsMessage(uint64_t more) {
  return "... and " + std::to_string(more) + (more == 1 ? " more error" : " more errors");
}

bool IsValid(const CompiledSchema& schema, const Json& record, const ValidateOptions& options) {
  return IsValidValue(schema, JsonRef(record), options);
}

ErrorList CollectErrors(const CompiledSchema& schema, const Json& record,
                        const ValidateOptions& options) {
  return ValueErrors(schema, JsonRef(record), options);
}

}  // namespace schemareg
