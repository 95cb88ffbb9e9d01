#include "core/error_output.hpp"

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "core/json.hpp"

namespace schemareg {
namespace {

// The length of the valid UTF-8 sequence at the start of `s`, or 0.
size_t SequenceLength(std::string_view s) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(0);
  if (c < 0x80) return 1;
  size_t n = c >= 0xC2 && c <= 0xDF   ? 2
             : c >= 0xE0 && c <= 0xEF ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4
                                      : 0;
  if (n == 0 || s.size() < n) return 0;
  for (size_t i = 1; i < n; i++) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  // Overlong three- and four-byte forms, surrogates, and past U+10FFFF.
  if ((c == 0xE0 && byte(1) < 0xA0) || (c == 0xED && byte(1) >= 0xA0) ||
      (c == 0xF0 && byte(1) < 0x90) || (c == 0xF4 && byte(1) >= 0x90)) {
    return 0;
  }
  return n;
}

// Appends `s` as a JSON string literal of valid UTF-8.
void AppendJsonText(std::string& out, std::string_view s) { AppendJsonString(out, ValidUtf8(s)); }

// One error as a JSON object: its members' names and texts, in order.
void AppendErrorObject(std::string& out,
                       std::initializer_list<std::pair<const char*, const std::string*>> members) {
  const char* separator = "{";
  for (const auto& [name, text] : members) {
    out += separator;
    out += '"';
    out += name;
    out += "\": ";
    AppendJsonText(out, *text);
    separator = ", ";
  }
  out += "}";
}

}  // namespace

std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    size_t n = SequenceLength(s);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      n = 1;
    } else {
      out.append(s.data(), n);
    }
    s.remove_prefix(n);
  }
  return out;
}

std::string ErrorsJsonArray(const ErrorList& errors, size_t limit) {
  size_t shown = std::min(limit, errors.kept.size());
  std::string out = "[";
  for (size_t i = 0; i < shown; i++) {
    const ValidationError& e = errors.kept[i];
    if (i > 0) out += ", ";
    AppendErrorObject(out, {{"path", &e.path},
                            {"schema_path", &e.schema_path},
                            {"keyword", &e.keyword},
                            {"message", &e.message}});
  }
  if (errors.total() > shown) {
    if (shown > 0) out += ", ";
    out += R"({"path": null, "schema_path": null, "keyword": null, "message": )";
    AppendJsonText(out, MoreErrorsMessage(errors.total() - shown));
    out += "}";
  }
  return out + "]";
}

std::string BasicOutput(const ErrorList& errors) {
  if (errors.empty()) return R"({"valid": true})";
  std::string out = R"({"valid": false, "errors": [)";
  for (size_t i = 0; i < errors.kept.size(); i++) {
    const ValidationError& e = errors.kept[i];
    if (i > 0) out += ", ";
    AppendErrorObject(out, {{"keywordLocation", &e.schema_path},
                            {"instanceLocation", &e.path},
                            {"error", &e.message}});
  }
  out += "]";
  if (errors.more > 0) out += ", \"more_errors\": " + std::to_string(errors.more);
  return out + "}";
}

}  // namespace schemareg
