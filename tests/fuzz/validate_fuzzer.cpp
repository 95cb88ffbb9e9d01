// libFuzzer target: records evaluated against compiled schemas, in the fast
// mode (IsValid, stops at the first failure) and collecting errors
// (CollectErrors); the two must agree on every record.
// The errors' JSON forms (errors columns and JSON details, the "basic"
// output) must parse back to the same paths and messages.
// Input: the schema's JSON text on the first line, the record's after it.
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/definition.hpp"
#include "core/error_output.hpp"
#include "core/json.hpp"
#include "core/validator.hpp"
#include "fuzz.hpp"

using namespace schemareg;

namespace {

// Compiled schemas by text, so that mutating only the record skips compiling.
// Only schemas that pass create_schema's checks are evaluated; nullptr marks
// a refused one.
const CompiledSchema* Compiled(std::string_view text) {
  static std::unordered_map<std::string, std::unique_ptr<CompiledSchema>> cache;
  if (auto it = cache.find(std::string(text)); it != cache.end()) return it->second.get();
  if (cache.size() >= 4096) cache.clear();
  std::unique_ptr<CompiledSchema> schema;
  fuzz::Expect("compile", [&] {
    schema = PrepareDefinition(text, fuzz::Documents(), CompileOptions{}, true);
  });
  return (cache[std::string(text)] = std::move(schema)).get();
}

// The JSON forms of `errors` parse, and give back each error's path,
// schema path, keyword and message as they were (as valid UTF-8).
void CheckErrorOutputs(const ErrorList& errors) {
  Json array, basic;
  try {
    array = ParseJson(ErrorsJsonArray(errors), 10);
    basic = ParseJson(BasicOutput(errors), 10);
  } catch (const Error& e) {
    fuzz::Unexpected("error outputs", std::string("not JSON: ") + e.what());
  }
  const Json* units = basic.Find("errors");
  size_t listed = errors.kept.size() + (errors.more > 0 ? 1 : 0);
  if (array.items().size() != listed ||
      (errors.empty() ? units != nullptr : units->items().size() != errors.kept.size())) {
    fuzz::Unexpected("error outputs", "wrong number of errors");
  }
  for (size_t i = 0; i < errors.kept.size(); i++) {
    const ValidationError& e = errors.kept[i];
    const Json& a = array.items()[i];
    const Json& u = units->items()[i];
    if (a.Find("path")->as_string() != ValidUtf8(e.path) ||
        a.Find("schema_path")->as_string() != ValidUtf8(e.schema_path) ||
        a.Find("keyword")->as_string() != ValidUtf8(e.keyword) ||
        a.Find("message")->as_string() != ValidUtf8(e.message) ||
        u.Find("instanceLocation")->as_string() != ValidUtf8(e.path) ||
        u.Find("keywordLocation")->as_string() != ValidUtf8(e.schema_path) ||
        u.Find("error")->as_string() != ValidUtf8(e.message)) {
      fuzz::Unexpected("error outputs", "error " + std::to_string(i) + " does not round-trip");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Not a structured binding: lambdas cannot capture those in C++17.
  std::string_view schema_text, record_text;
  std::tie(schema_text, record_text) = fuzz::SplitFirst(fuzz::Text(data, size), '\n');
  const CompiledSchema* schema = Compiled(schema_text);
  if (schema == nullptr) return 0;
  Json record;
  if (!fuzz::Expect("parse record", [&] { record = ParseJson(record_text, 1000); })) return 0;
  for (bool assert_formats : {true, false}) {
    ValidateOptions options;
    options.assert_formats = assert_formats;
    options.max_depth = 1000;
    options.max_errors = 3;
    bool valid = false;
    ErrorList errors;
    bool fast_done = fuzz::Expect("IsValid", [&] { valid = IsValid(*schema, record, options); });
    bool errors_done =
        fuzz::Expect("CollectErrors", [&] { errors = CollectErrors(*schema, record, options); });
    if (errors_done) CheckErrorOutputs(errors);
    if (fast_done && errors_done && valid != errors.empty()) {
      fuzz::Unexpected("validate", std::string("IsValid says ") + (valid ? "valid" : "invalid") +
                                       " but CollectErrors found " +
                                       std::to_string(errors.total()) + " errors" +
                                       (errors.kept.empty() ? ""
                                                            : ", first: " + errors.kept[0].path +
                                                                  ": " + errors.kept[0].message));
    }
  }
  return 0;
}
