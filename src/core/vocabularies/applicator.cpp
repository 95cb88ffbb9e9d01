// The applicator vocabulary's compile steps: keywords that apply subschemas,
// to the same value (allOf, anyOf, oneOf, not, if/then/else, dependentSchemas)
// or to its items and members.
#include <algorithm>

#include "core/error.hpp"
#include "core/vocabularies/vocabulary.hpp"

namespace schemareg {

namespace {

// "items": one schema for every item, or (up to 2019-09) an array of
// positional schemas.
void CompileItems(KeywordSite& site, const Json& v) {
  if (v.is_array()) {
    for (const Json& item : v.items()) {
      site.node.items_array.push_back(site.compiler.Subschema(item, "items"));
    }
  } else {
    site.node.items = site.compiler.Subschema(v, "items");
  }
}

// "additionalItems": the items after an array of "items"; ignored otherwise.
void CompileAdditionalItems(KeywordSite& site, const Json& v) {
  const Json* items = site.schema.Find("items");
  if (items != nullptr && items->is_array()) {
    site.node.additional_items = site.compiler.Subschema(v, "additionalItems");
  }
}

// 2020-12: "prefixItems" are the positional schemas, and "items" applies to
// the items after them.
void CompilePrefixItems(KeywordSite& site, const Json& v) {
  site.node.items_array = SchemaArray(site, v, "prefixItems");
  site.node.prefix_items = true;
}

void Compile2020Items(KeywordSite& site, const Json& v) {
  NodeId id = site.compiler.Subschema(v, "items");
  if (site.schema.Find("prefixItems") != nullptr) {
    site.node.additional_items = id;
    site.node.prefix_items = true;
  } else {
    site.node.items = id;
  }
}

void CompileContains(KeywordSite& site, const Json& v) {
  site.node.contains = site.compiler.Subschema(v, "contains");
  site.node.contains_annotates = site.dialect == Dialect::kDraft2020_12;
}

void CompileProperties(KeywordSite& site, const Json& v) {
  if (!v.is_object()) InvalidKeyword("\"properties\" must be an object");
  auto& properties = site.node.properties;
  for (const Json::Member& p : v.members()) {
    properties.emplace_back(p.first, site.compiler.Subschema(p.second, "properties"));
  }
  // In jsonb's key order (length, then bytes): a record's members arrive in
  // that order, and are matched in one merged pass.
  std::sort(properties.begin(), properties.end(),
            [](const auto& a, const auto& b) { return KeyLess(a.first, b.first); });
}

void CompilePatternProperties(KeywordSite& site, const Json& v) {
  if (!v.is_object()) InvalidKeyword("\"patternProperties\" must be an object");
  for (const Json::Member& p : v.members()) {
    site.node.pattern_properties.emplace_back(
        site.compiler.CompilePattern(p.first),
        site.compiler.Subschema(p.second, "patternProperties"));
  }
}

void CompileAdditionalProperties(KeywordSite& site, const Json& v) {
  site.node.additional_properties = site.compiler.Subschema(v, "additionalProperties");
}

// Drafts 4-7: "dependencies", a list of names or a schema per property.
void CompileDependencies(KeywordSite& site, const Json& v) {
  if (!v.is_object()) InvalidKeyword("\"dependencies\" must be an object");
  for (const Json::Member& p : v.members()) {
    if (p.second.is_array()) {
      site.node.property_dependencies.emplace_back(p.first, StringArray(p.second, "dependencies"));
    } else {
      site.node.schema_dependencies.emplace_back(p.first,
                                                 site.compiler.Subschema(p.second, "dependencies"));
    }
  }
}

void CompileDependentSchemas(KeywordSite& site, const Json& v) {
  if (!v.is_object()) InvalidKeyword("\"dependentSchemas\" must be an object");
  for (const Json::Member& p : v.members()) {
    site.node.schema_dependencies.emplace_back(
        p.first, site.compiler.Subschema(p.second, "dependentSchemas"));
  }
  site.node.dependent_schemas = true;
}

void CompilePropertyNames(KeywordSite& site, const Json& v) {
  site.node.property_names = site.compiler.Subschema(v, "propertyNames");
}

void CompileAllOf(KeywordSite& site, const Json& v) {
  site.node.all_of = SchemaArray(site, v, "allOf");
}
void CompileAnyOf(KeywordSite& site, const Json& v) {
  site.node.any_of = SchemaArray(site, v, "anyOf");
}
void CompileOneOf(KeywordSite& site, const Json& v) {
  site.node.one_of = SchemaArray(site, v, "oneOf");
}
void CompileNot(KeywordSite& site, const Json& v) {
  site.node.not_schema = site.compiler.Subschema(v, "not");
}
void CompileIf(KeywordSite& site, const Json& v) {
  site.node.if_schema = site.compiler.Subschema(v, "if");
}
void CompileThen(KeywordSite& site, const Json& v) {
  site.node.then_schema = site.compiler.Subschema(v, "then");
}
void CompileElse(KeywordSite& site, const Json& v) {
  site.node.else_schema = site.compiler.Subschema(v, "else");
}

const std::vector<Keyword> kDraft4Keywords = {{"items", CompileItems},
                                              {"additionalItems", CompileAdditionalItems},
                                              {"properties", CompileProperties},
                                              {"patternProperties", CompilePatternProperties},
                                              {"additionalProperties", CompileAdditionalProperties},
                                              {"dependencies", CompileDependencies},
                                              {"allOf", CompileAllOf},
                                              {"anyOf", CompileAnyOf},
                                              {"oneOf", CompileOneOf},
                                              {"not", CompileNot}};

const std::vector<Keyword> kDraft6Keywords = WithKeywords(
    kDraft4Keywords, {{"contains", CompileContains}, {"propertyNames", CompilePropertyNames}});
const std::vector<Keyword> kDraft7Keywords = WithKeywords(
    kDraft6Keywords, {{"if", CompileIf}, {"then", CompileThen}, {"else", CompileElse}});
// 2019-09: "dependencies" splits into dependentRequired (validation) and
// dependentSchemas. The old keyword still works, as in ajv and jsonschema-rs:
// the metaschemas keep it so that schemas written before keep their meaning.
const std::vector<Keyword> k2019Keywords =
    WithKeywords(kDraft7Keywords, {{"dependentSchemas", CompileDependentSchemas}});
// 2020-12: "prefixItems" and the new "items" replace the array form and "additionalItems".
const std::vector<Keyword> k2020Keywords =
    WithKeywords(WithoutKeyword(WithoutKeyword(k2019Keywords, "items"), "additionalItems"),
                 {{"prefixItems", CompilePrefixItems}, {"items", Compile2020Items}});

}  // namespace

const Vocabulary kApplicatorDraft4{"", kDraft4Keywords};
const Vocabulary kApplicatorDraft6{"", kDraft6Keywords};
const Vocabulary kApplicatorDraft7{"", kDraft7Keywords};
const Vocabulary kApplicator2019_09{"https://json-schema.org/draft/2019-09/vocab/applicator",
                                    k2019Keywords};
const Vocabulary kApplicator2020_12{"https://json-schema.org/draft/2020-12/vocab/applicator",
                                    k2020Keywords};

}  // namespace schemareg
