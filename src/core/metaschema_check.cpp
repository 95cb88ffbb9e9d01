#include "core/metaschema_check.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>

// valijson's adapter must come before any RapidJSON header (it sets RAPIDJSON_ASSERT).
#include <valijson/adapters/rapidjson_adapter.hpp>
#include <rapidjson/document.h>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "core/error.hpp"
#include "core/validator.hpp"

namespace schemareg {

namespace {

// valijson's compiled metaschema, built once per dialect and kept for the process.
const valijson::Schema& Metaschema(Dialect dialect) {
  static std::unique_ptr<valijson::Schema> cache[std::size(kAllDialects)];
  auto& slot = cache[static_cast<int>(dialect)];
  if (!slot) {
    rapidjson::Document doc;
    std::string_view text = MetaschemaText(dialect);
    doc.Parse(text.data(), text.size());
    auto schema = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser(dialect == Dialect::kDraft4 ? valijson::SchemaParser::kDraft4
                                                              : valijson::SchemaParser::kDraft7);
    valijson::adapters::RapidJsonAdapter adapter(doc);
    parser.populateSchema(adapter, *schema);
    slot = std::move(schema);
  }
  return *slot;
}

// schemareg's compiled metaschema, for the error detail.
const CompiledSchema& OwnMetaschema(Dialect dialect) {
  static std::unique_ptr<CompiledSchema> cache[std::size(kAllDialects)];
  auto& slot = cache[static_cast<int>(dialect)];
  if (!slot) {
    CompileOptions options;
    options.default_dialect = dialect;
    slot = CompileSchema(ParseJson(MetaschemaText(dialect), 100), {}, options);
  }
  return *slot;
}

// valijson's context is "<root>", "[key]", "[3]": turn it into a JSON Pointer.
std::string ContextToPointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& part : context) {
    if (part.size() >= 2 && part.front() == '[' && part.back() == ']') {
      AppendPointerToken(pointer, std::string_view(part).substr(1, part.size() - 2));
    }
  }
  return pointer.empty() ? "/" : pointer;
}

// The metaschema's errors for a definition, at most `max`.
std::vector<ValidationError> MetaschemaErrors(const Json& definition,
                                              const CompiledSchema& metaschema, size_t max) {
  ValidateOptions options;
  options.max_errors = max;
  options.assert_formats = false;
  return CollectErrors(metaschema, definition, options).kept;
}

// The violations as the error detail lists them.
std::string DetailOf(const std::vector<ValidationError>& errors) {
  std::string detail;
  for (const ValidationError& e : errors) {
    if (!detail.empty()) detail += "\n";
    detail += (e.path.empty() ? std::string("(root)") : e.path) + ": " + e.message;
    if (!e.keyword.empty()) detail += " (" + e.keyword + ")";
  }
  return detail;
}

bool HasHugeNumber(const Json& json) {
  switch (json.type()) {
    case JsonType::kNumber:
      return !std::isfinite(json.as_number());
    case JsonType::kArray:
      return std::any_of(json.items().begin(), json.items().end(), HasHugeNumber);
    case JsonType::kObject:
      return std::any_of(json.members().begin(), json.members().end(),
                         [](const Json::Member& m) { return HasHugeNumber(m.second); });
    default:
      return false;
  }
}

[[noreturn]] void NotConforming(const std::string& metaschema, const std::string& detail) {
  throw Error(sqlstate::kInvalidObjectDefinition,
              "schema definition does not conform to the " + metaschema + " metaschema", detail,
              "Check the keywords at the paths listed in the detail.");
}

}  // namespace

std::vector<ValidationError> MetaschemaViolations(const Json& definition, Dialect dialect,
                                                  size_t max) {
  // valijson knows drafts 4 to 7; the evaluator checks the later ones alone
  // (formats are annotations in their metaschemas), and any definition with
  // a number beyond double's range, which valijson's RapidJSON refuses.
  if (IsModern(dialect) || HasHugeNumber(definition)) {
    ValidateOptions options;
    options.assert_formats = false;
    if (IsValid(OwnMetaschema(dialect), definition, options)) return {};
    return MetaschemaErrors(definition, OwnMetaschema(dialect), max);
  }
  // Re-serialised, 2.0 reaches valijson as 2: drafts 6 and 7 count it as an
  // integer ("maxItems": 2.0 is valid), valijson's RapidJSON adapter does not.
  std::string text = ToJsonText(definition);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    throw Error(sqlstate::kInvalidParameterValue, "schema definition is not valid JSON");
  }
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::RapidJsonAdapter adapter(doc);
  // valijson's "format" check casts the value to a string before anything
  // checks its type, and throws for a non-empty object or array: "pattern":
  // {"": ""}, "$ref": [1]. Such a value breaks the metaschema's "type", which
  // the evaluator below names with its path. (Not std::exception: bad_alloc
  // is not a verdict on the definition.)
  std::string valijson_failure;
  try {
    if (validator.validate(Metaschema(dialect), adapter, &results)) return {};
  } catch (const std::runtime_error& e) {
    valijson_failure = e.what();
  } catch (const std::logic_error& e) {
    valijson_failure = e.what();
  }
  std::vector<ValidationError> errors = MetaschemaErrors(definition, OwnMetaschema(dialect), max);
  // Should the engines disagree, valijson's own first message still explains.
  valijson::ValidationResults::Error error;
  if (errors.empty() && !valijson_failure.empty()) {
    errors.push_back({"", "", "the check failed: " + valijson_failure, ""});
  } else if (errors.empty() && results.popError(error)) {
    errors.push_back({ContextToPointer(error.context), "", error.description, ""});
  }
  return errors;
}

std::vector<ValidationError> CustomMetaschemaViolations(const Json& definition,
                                                        const Json& metaschema,
                                                        const DocumentSource& documents,
                                                        const CompileOptions& options, size_t max) {
  std::unique_ptr<CompiledSchema> compiled = CompileSchema(metaschema, documents, options);
  ValidateOptions validate;
  validate.assert_formats = false;
  validate.stack_budget = options.stack_budget;
  validate.should_stop = options.should_stop;
  if (IsValid(*compiled, definition, validate)) return {};
  return MetaschemaErrors(definition, *compiled, max);
}

void CheckAgainstMetaschema(const Json& definition, Dialect dialect) {
  std::vector<ValidationError> errors = MetaschemaViolations(definition, dialect, 10);
  if (!errors.empty()) NotConforming(DialectName(dialect), DetailOf(errors));
}

void CheckAgainstCustomMetaschema(const Json& definition, const Json& metaschema,
                                  const std::string& uri, const DocumentSource& documents,
                                  const CompileOptions& options) {
  std::vector<ValidationError> errors =
      CustomMetaschemaViolations(definition, metaschema, documents, options, 10);
  if (!errors.empty()) NotConforming("\"" + TruncateUtf8(uri, 200) + "\"", DetailOf(errors));
}

}  // namespace schemareg
