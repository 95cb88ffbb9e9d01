// What the compile steps of the vocabularies share.
#include "core/vocabularies/vocabulary.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace schemareg {

std::vector<Keyword> WithKeywords(std::vector<Keyword> keywords,
                                  std::initializer_list<Keyword> more) {
  keywords.insert(keywords.end(), more);
  return keywords;
}

std::vector<Keyword> WithoutKeyword(std::vector<Keyword> keywords, const char* name) {
  keywords.erase(std::remove_if(keywords.begin(), keywords.end(),
                                [name](const Keyword& k) { return std::string(k.name) == name; }),
                 keywords.end());
  return keywords;
}

void InvalidKeyword(const std::string& message, const std::string& detail) {
  throw Error(sqlstate::kInvalidObjectDefinition, message, detail);
}

NumberBound NumberBound::Of(const Json& number) {
  NumberBound bound;
  bound.value = number.as_number();
  bound.exact = number.as_decimal();
  bound.is_short = bound.exact.IsShort();
  bound.small_integer = bound.exact.IsIntegral() && std::fabs(bound.value) < 9007199254740992.0;
  return bound;
}

NumberBound NumberValue(const Json& v, const char* keyword) {
  if (!v.is_number()) InvalidKeyword(std::string("\"") + keyword + "\" must be a number");
  return NumberBound::Of(v);
}

uint64_t CountValue(const Json& v, const char* keyword) {
  if (!v.is_integer() || v.as_number() < 0) {
    InvalidKeyword(std::string("\"") + keyword + "\" must be a non-negative integer");
  }
  return v.as_number() > 1e18 ? UINT64_MAX : static_cast<uint64_t>(v.as_number());
}

std::vector<std::string> StringArray(const Json& v, const char* keyword) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const Json& item : v.items()) {
      if (!item.is_string()) break;
      out.push_back(item.as_string());
    }
    if (out.size() == v.items().size()) return out;
  }
  InvalidKeyword(std::string("\"") + keyword + "\" must be an array of strings");
}

std::vector<NodeId> SchemaArray(KeywordSite& site, const Json& v, const char* keyword) {
  if (!v.is_array() || v.items().empty()) {
    InvalidKeyword(std::string("\"") + keyword + "\" must be a non-empty array of schemas");
  }
  std::vector<NodeId> ids;
  for (const Json& item : v.items()) ids.push_back(site.compiler.Subschema(item, keyword));
  return ids;
}

void SetKeywordGroups(SchemaNode& n) {
  uint16_t g = 0;
  if (n.ref != kNoNode || n.dynamic_ref != kNoNode) g |= kGroupRefs;
  if (n.types != 0 || n.has_enum || n.const_value) g |= kGroupAnyType;
  if (n.maximum || n.exclusive_maximum || n.minimum || n.exclusive_minimum || n.multiple_of) {
    g |= kGroupNumber;
  }
  if (n.max_length || n.min_length || n.pattern) g |= kGroupString;
  if (!n.format.empty()) g |= kGroupFormat;
  if (n.max_items || n.min_items || n.unique_items) g |= kGroupArrayAssertions;
  // (additionalItems without positional items is ignored, as the drafts say)
  if (n.items != kNoNode || !n.items_array.empty() || n.contains != kNoNode) {
    g |= kGroupArrayApplicators;
  }
  if (n.max_properties || n.min_properties || !n.required.empty() ||
      !n.property_dependencies.empty()) {
    g |= kGroupObjectAssertions;
  }
  if (!n.schema_dependencies.empty() || !n.properties.empty() || !n.pattern_properties.empty() ||
      n.additional_properties != kNoNode || n.property_names != kNoNode) {
    g |= kGroupObjectApplicators;
  }
  // (then and else without if are ignored, as the drafts say)
  if (!n.all_of.empty() || !n.any_of.empty() || !n.one_of.empty() || n.not_schema != kNoNode ||
      n.if_schema != kNoNode) {
    g |= kGroupInPlace;
  }
  n.groups = g;
}

}  // namespace schemareg
