// The validation vocabulary's compile steps: assertions on one value (type,
// enum, const, bounds, lengths, pattern, counts, required).
#include <algorithm>

#include "core/error.hpp"
#include "core/vocabularies/vocabulary.hpp"

namespace schemareg {

namespace {

uint8_t TypeBitOf(const Json& v) {
  static const std::pair<const char*, uint8_t> kNames[] = {
      {"null", kTypeNull},      {"boolean", kTypeBoolean}, {"object", kTypeObject},
      {"array", kTypeArray},    {"number", kTypeNumber},   {"string", kTypeString},
      {"integer", kTypeInteger}};
  if (v.is_string()) {
    for (const auto& n : kNames) {
      if (v.as_string() == n.first) return n.second;
    }
  }
  InvalidKeyword("\"type\" names an unknown type " + ToJsonText(v, 60),
                 "Types are null, boolean, object, array, number, string and integer.");
}

void CompileType(KeywordSite& site, const Json& v) {
  if (v.is_array()) {
    for (const Json& t : v.items()) site.node.types |= TypeBitOf(t);
    if (v.items().empty()) InvalidKeyword("\"type\" must not be an empty array");
  } else {
    site.node.types = TypeBitOf(v);
  }
}

void CompileEnum(KeywordSite& site, const Json& v) {
  if (!v.is_array()) InvalidKeyword("\"enum\" must be an array");
  SchemaNode& node = site.node;
  node.has_enum = true;
  node.enum_values = v.items();
  // Longer enums are looked up by hash (JsonHash: the evaluator's hash of a
  // record's value agrees with it).
  if (node.enum_values.size() > kEnumScanLimit) {
    for (size_t i = 0; i < node.enum_values.size(); i++) {
      node.enum_index.emplace(JsonHash(node.enum_values[i]), i);
    }
  }
}

void CompileConst(KeywordSite& site, const Json& v) { site.node.const_value = v; }

void CompileMultipleOf(KeywordSite& site, const Json& v) {
  site.node.multiple_of = NumberValue(v, "multipleOf");
  if (site.node.multiple_of->exact.IsZero() || site.node.multiple_of->exact.negative) {
    InvalidKeyword("\"multipleOf\" must be greater than 0");
  }
}

// Draft 4: "exclusiveMaximum": true makes "maximum" exclusive.
bool Draft4Exclusive(const KeywordSite& site, const char* flag) {
  const Json* v = site.schema.Find(flag);
  if (v == nullptr) return false;
  if (!v->is_bool()) InvalidKeyword(std::string("\"") + flag + "\" must be a boolean in draft-04");
  return v->as_bool();
}

void CompileMaximum(KeywordSite& site, const Json& v) {
  NumberBound bound = NumberValue(v, "maximum");
  if (site.dialect == Dialect::kDraft4 && Draft4Exclusive(site, "exclusiveMaximum")) {
    site.node.exclusive_maximum = bound;
  } else {
    site.node.maximum = bound;
  }
}

void CompileMinimum(KeywordSite& site, const Json& v) {
  NumberBound bound = NumberValue(v, "minimum");
  if (site.dialect == Dialect::kDraft4 && Draft4Exclusive(site, "exclusiveMinimum")) {
    site.node.exclusive_minimum = bound;
  } else {
    site.node.minimum = bound;
  }
}

void CompileDraft4ExclusiveMaximum(KeywordSite& site, const Json&) {
  Draft4Exclusive(site, "exclusiveMaximum");
}
void CompileDraft4ExclusiveMinimum(KeywordSite& site, const Json&) {
  Draft4Exclusive(site, "exclusiveMinimum");
}
void CompileExclusiveMaximum(KeywordSite& site, const Json& v) {
  site.node.exclusive_maximum = NumberValue(v, "exclusiveMaximum");
}
void CompileExclusiveMinimum(KeywordSite& site, const Json& v) {
  site.node.exclusive_minimum = NumberValue(v, "exclusiveMinimum");
}

void CompileMaxLength(KeywordSite& site, const Json& v) {
  site.node.max_length = CountValue(v, "maxLength");
}
void CompileMinLength(KeywordSite& site, const Json& v) {
  site.node.min_length = CountValue(v, "minLength");
}

void CompilePattern(KeywordSite& site, const Json& v) {
  if (!v.is_string()) InvalidKeyword("\"pattern\" must be a string");
  site.node.pattern = site.compiler.CompilePattern(v.as_string());
}

void CompileMaxItems(KeywordSite& site, const Json& v) {
  site.node.max_items = CountValue(v, "maxItems");
}
void CompileMinItems(KeywordSite& site, const Json& v) {
  site.node.min_items = CountValue(v, "minItems");
}

void CompileUniqueItems(KeywordSite& site, const Json& v) {
  if (!v.is_bool()) InvalidKeyword("\"uniqueItems\" must be a boolean");
  site.node.unique_items = v.as_bool();
}

// maxContains and minContains count the items "contains" matches; without
// "contains" they are ignored.
void CompileMaxContains(KeywordSite& site, const Json& v) {
  uint64_t count = CountValue(v, "maxContains");
  if (site.schema.Find("contains") != nullptr) site.node.max_contains = count;
}
void CompileMinContains(KeywordSite& site, const Json& v) {
  uint64_t count = CountValue(v, "minContains");
  if (site.schema.Find("contains") != nullptr) site.node.min_contains = count;
}

void CompileMaxProperties(KeywordSite& site, const Json& v) {
  site.node.max_properties = CountValue(v, "maxProperties");
}
void CompileMinProperties(KeywordSite& site, const Json& v) {
  site.node.min_properties = CountValue(v, "minProperties");
}

void CompileRequired(KeywordSite& site, const Json& v) {
  site.node.required = StringArray(v, "required");
}

void CompileDependentRequired(KeywordSite& site, const Json& v) {
  if (!v.is_object()) InvalidKeyword("\"dependentRequired\" must be an object");
  for (const Json::Member& p : v.members()) {
    site.node.property_dependencies.emplace_back(p.first,
                                                 StringArray(p.second, "dependentRequired"));
  }
  site.node.dependent_required = true;
}

}  // namespace

void FinishValidation(SchemaNode& node) {
  // Required names that are also properties are checked in the member pass.
  for (const std::string& name : node.required) {
    auto prop = std::lower_bound(node.properties.begin(), node.properties.end(), name,
                                 [](const std::pair<std::string, NodeId>& p, const std::string& k) {
                                   return KeyLess(p.first, k);
                                 });
    if (prop != node.properties.end() && prop->first == name) {
      node.required_property_index.push_back(static_cast<size_t>(prop - node.properties.begin()));
    } else {
      node.required_elsewhere.push_back(name);
    }
  }
}

const Vocabulary kValidationDraft4{"",
                                   {{"type", CompileType},
                                    {"enum", CompileEnum},
                                    {"multipleOf", CompileMultipleOf},
                                    {"maximum", CompileMaximum},
                                    {"exclusiveMaximum", CompileDraft4ExclusiveMaximum},
                                    {"minimum", CompileMinimum},
                                    {"exclusiveMinimum", CompileDraft4ExclusiveMinimum},
                                    {"maxLength", CompileMaxLength},
                                    {"minLength", CompileMinLength},
                                    {"pattern", CompilePattern},
                                    {"maxItems", CompileMaxItems},
                                    {"minItems", CompileMinItems},
                                    {"uniqueItems", CompileUniqueItems},
                                    {"maxProperties", CompileMaxProperties},
                                    {"minProperties", CompileMinProperties},
                                    {"required", CompileRequired}}};

// Drafts 6 and 7: const, and numeric exclusive bounds.
static std::vector<Keyword> Draft6Validation() {
  std::vector<Keyword> keywords = kValidationDraft4.keywords;
  for (Keyword& k : keywords) {
    if (std::string(k.name) == "exclusiveMaximum") k.compile = CompileExclusiveMaximum;
    if (std::string(k.name) == "exclusiveMinimum") k.compile = CompileExclusiveMinimum;
  }
  return WithKeywords(std::move(keywords), {{"const", CompileConst}});
}
const Vocabulary kValidationDraft6{"", Draft6Validation()};

// 2019-09 and 2020-12: maxContains, minContains and dependentRequired.
static std::vector<Keyword> ModernValidation() {
  return WithKeywords(kValidationDraft6.keywords,
                      {{"maxContains", CompileMaxContains},
                       {"minContains", CompileMinContains},
                       {"dependentRequired", CompileDependentRequired}});
}
const Vocabulary kValidation2019_09{"https://json-schema.org/draft/2019-09/vocab/validation",
                                    ModernValidation()};
const Vocabulary kValidation2020_12{"https://json-schema.org/draft/2020-12/vocab/validation",
                                    ModernValidation()};

}  // namespace schemareg
