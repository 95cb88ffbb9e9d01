#include "core/error_output.hpp"

#include <algorithm>

#include "core/json.hpp"

namespace schemareg {

std::string ErrorsJsonArray(const ErrorList& errors, size_t limit) {
  size_t shown = std::min(limit, errors.kept.size());
  std::string out = "[";
  for (size_t i = 0; i < shown; i++) {
    const ValidationError& e = errors.kept[i];
    if (i > 0) out += ", ";
    out += "{\"path\": ";
    AppendJsonString(out, e.path);
    out += ", \"schema_path\": ";
    AppendJsonString(out, e.schema_path);
    out += ", \"keyword\": ";
    AppendJsonString(out, e.keyword);
    out += ", \"message\": ";
    AppendJsonString(out, e.message);
    out += "}";
  }
  if (errors.total() > shown) {
    if (shown > 0) out += ", ";
    out += R"({"path": null, "schema_path": null, "keyword": null, "message": )";
    AppendJsonString(out, MoreErrorsMessage(errors.total() - shown));
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
    out += "{\"keywordLocation\": ";
    AppendJsonString(out, e.schema_path);
    out += ", \"instanceLocation\": ";
    AppendJsonString(out, e.path);
    out += ", \"error\": ";
    AppendJsonString(out, e.message);
    out += "}";
  }
  out += "]";
  if (errors.more > 0) out += ", \"more_errors\": " + std::to_string(errors.more);
  return out + "}";
}

}  // namespace schemareg
