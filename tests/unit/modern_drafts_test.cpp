// Drafts 2019-09 and 2020-12: the keywords they add, their dialects and
// vocabularies, and the errors they report.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/definition.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"
#include "core/validator.hpp"

namespace schemareg {
namespace {

constexpr const char* k2020 = R"("$schema": "https://json-schema.org/draft/2020-12/schema")";
constexpr const char* k2019 = R"("$schema": "https://json-schema.org/draft/2019-09/schema")";

std::string With(const char* dialect, const std::string& body) {
  return "{" + std::string(dialect) + (body.empty() ? "" : "," + body) + "}";
}

// "path keyword" of each error CollectErrors reports; fast mode must agree.
std::vector<std::string> Errors(const std::string& schema_text, const std::string& record,
                                const DocumentSource& docs = {}) {
  auto schema = PrepareDefinition(schema_text, docs, CompileOptions{}, true);
  Json json = ParseJson(record, 100);
  ValidateOptions options;
  ErrorList errors = CollectErrors(*schema, json, options);
  EXPECT_EQ(IsValid(*schema, json, options), errors.empty()) << schema_text << " " << record;
  std::vector<std::string> out;
  for (const ValidationError& e : errors.kept) out.push_back(e.path + " " + e.keyword);
  return out;
}

using Strings = std::vector<std::string>;

std::string Outcome(const std::string& text, const DocumentSource& docs = {}) {
  try {
    PrepareDefinition(text, docs, CompileOptions{}, true);
  } catch (const Error& e) {
    return e.code();
  } catch (const MissingDocument& e) {
    return std::string(e.for_metaschema() ? "metaschema " : "document ") + e.uri();
  }
  return "";
}

TEST(ModernDraftsTest, DialectsAreRecognisedWithOrWithoutFragment) {
  for (const char* uri : {"https://json-schema.org/draft/2020-12/schema",
                          "https://json-schema.org/draft/2020-12/schema#",
                          "http://json-schema.org/draft/2019-09/schema#"}) {
    auto schema = PrepareDefinition(std::string(R"({"$schema": ")") + uri + "\"}", {},
                                    CompileOptions{}, true);
    EXPECT_TRUE(schema->dialect == Dialect::kDraft2020_12 ||
                schema->dialect == Dialect::kDraft2019_09)
        << uri;
  }
  CompileOptions options;
  options.default_dialect = Dialect::kDraft2020_12;
  EXPECT_EQ(PrepareDefinition("{}", {}, options, true)->dialect, Dialect::kDraft2020_12);
}

TEST(ModernDraftsTest, RefAppliesBesideItsSiblings) {
  std::string schema = With(k2020, R"("$defs": {"s": {"type": "string"}}, "$ref": "#/$defs/s",
                                      "maxLength": 2)");
  EXPECT_EQ(Errors(schema, R"("ab")"), Strings{});
  EXPECT_EQ(Errors(schema, R"("abc")"), Strings{" maxLength"});
  EXPECT_EQ(Errors(schema, "5"), Strings{" type"});
  // Draft 7 ignores the siblings of $ref.
  EXPECT_EQ(Errors(R"({"definitions": {"s": {"type": "string"}}, "$ref": "#/definitions/s",
                      "maxLength": 2})",
                   R"("abc")"),
            Strings{});
}

TEST(ModernDraftsTest, AnchorsResolve) {
  std::string schema = With(k2020, R"("$defs": {"a": {"$anchor": "num", "type": "number"}},
                                      "properties": {"x": {"$ref": "#num"}})");
  EXPECT_EQ(Errors(schema, R"({"x": "s"})"), Strings{"/x type"});
}

TEST(ModernDraftsTest, PrefixItemsAndItems) {
  std::string schema =
      With(k2020, R"("prefixItems": [{"type": "string"}, {"type": "number"}], "items": false)");
  EXPECT_EQ(Errors(schema, R"(["a", 1])"), Strings{});
  EXPECT_EQ(Errors(schema, R"([1, "a", null])"), (Strings{"/0 type", "/1 type", "/2 items"}));
  // 2019-09 keeps the array form and additionalItems.
  std::string old = With(k2019, R"("items": [{"type": "string"}], "additionalItems": false)");
  EXPECT_EQ(Errors(old, R"(["a", 1])"), Strings{"/1 additionalItems"});
}

TEST(ModernDraftsTest, ContainsCountsItsMatches) {
  std::string schema =
      With(k2020, R"("contains": {"type": "number"}, "minContains": 2, "maxContains": 3)");
  EXPECT_EQ(Errors(schema, R"([1, "a", 2])"), Strings{});
  EXPECT_EQ(Errors(schema, R"([1, "a"])"), Strings{" minContains"});
  EXPECT_EQ(Errors(schema, "[1, 2, 3, 4]"), Strings{" maxContains"});
  EXPECT_EQ(Errors(With(k2020, R"("contains": {"type": "number"}, "minContains": 0)"), "[]"),
            Strings{});
}

TEST(ModernDraftsTest, DependentRequiredAndDependentSchemas) {
  std::string schema = With(k2020, R"("dependentRequired": {"a": ["b"]},
                                      "dependentSchemas": {"c": {"required": ["d"]}})");
  EXPECT_EQ(Errors(schema, R"({"a": 1, "c": 2})"), (Strings{" dependentRequired", "/d required"}));
  EXPECT_EQ(Errors(schema, R"({"b": 1, "d": 2})"), Strings{});
}

TEST(ModernDraftsTest, UnevaluatedPropertiesSeesThroughInPlaceApplicators) {
  std::string schema = With(k2020, R"("properties": {"a": true},
      "allOf": [{"properties": {"b": true}}],
      "anyOf": [{"properties": {"c": {"type": "number"}}, "required": ["c"]}, true],
      "not": {"properties": {"d": true}, "required": ["never"]},
      "unevaluatedProperties": false)");
  EXPECT_EQ(Errors(schema, R"({"a": 1, "b": 2, "c": 3})"), Strings{});
  // A failed anyOf branch and a "not" evaluate nothing.
  EXPECT_EQ(Errors(schema, R"({"a": 1, "c": "x"})"), Strings{"/c unevaluatedProperties"});
  EXPECT_EQ(Errors(schema, R"({"d": 1})"), Strings{"/d unevaluatedProperties"});
}

TEST(ModernDraftsTest, LocalUnevaluatedPropertiesActsAsAdditionalProperties) {
  // Nothing applies in place: only the node's own keywords evaluate members,
  // and the errors still name unevaluatedProperties, at its schema path.
  for (auto [tail, keyword] :
       {std::pair{R"("unevaluatedProperties": false)", "unevaluatedProperties"},
        std::pair{R"("unevaluatedProperties": {"type": "integer"})", "type"}}) {
    std::string schema = With(k2020, R"("properties": {"a": true},
        "patternProperties": {"^x-": true}, "not": {"required": ["never"]}, )" +
                                         std::string(tail));
    EXPECT_EQ(Errors(schema, R"({"a": "s", "x-1": "s"})"), Strings{});
    EXPECT_EQ(Errors(schema, R"({"a": 1, "b": "s", "x-1": 1, "c": "s"})"),
              (Strings{"/b " + std::string(keyword), "/c " + std::string(keyword)}))
        << tail;
  }
  auto schema = PrepareDefinition(
      With(k2020, R"("properties": {"a": true}, "unevaluatedProperties": {"type": "integer"})"), {},
      CompileOptions{}, true);
  ErrorList errors = CollectErrors(*schema, ParseJson(R"({"b": "s"})", 10), {});
  ASSERT_EQ(errors.kept.size(), 1u);
  EXPECT_EQ(errors.kept[0].schema_path, "/unevaluatedProperties/type");
  // Beside additionalProperties it applies to nothing; under a parent that
  // collects annotations, it evaluates every member for the parent.
  EXPECT_EQ(Errors(With(k2020, R"("additionalProperties": {"type": "string"},
                                  "unevaluatedProperties": false)"),
                   R"({"a": 1})"),
            Strings{"/a type"});
  EXPECT_EQ(Errors(With(k2020, R"("allOf": [{"unevaluatedProperties": true}],
                                  "unevaluatedProperties": false)"),
                   R"({"a": 1})"),
            Strings{});
}

TEST(ModernDraftsTest, UnevaluatedItemsSeesPrefixItemsAndContains) {
  std::string schema = With(k2020, R"("prefixItems": [true], "contains": {"type": "string"},
                                      "unevaluatedItems": {"type": "boolean"})");
  EXPECT_EQ(Errors(schema, R"([1, "a", true])"), Strings{});
  EXPECT_EQ(Errors(schema, R"([1, "a", 2])"), Strings{"/2 type"});
  // In 2019-09 "contains" does not evaluate items.
  std::string old = With(k2019, R"("items": [true], "contains": {"type": "string"},
                                   "unevaluatedItems": false)");
  EXPECT_EQ(Errors(old, R"([1, "a"])"), Strings{"/1 unevaluatedItems"});
}

TEST(ModernDraftsTest, DynamicRefFollowsTheDynamicScope) {
  // A tree whose nodes an extension makes strict.
  DocumentSource docs = {{"https://x.org/tree", R"({)" + std::string(k2020) + R"(,
      "$id": "https://x.org/tree", "$dynamicAnchor": "node", "type": "object",
      "properties": {"data": true,
                     "children": {"type": "array", "items": {"$dynamicRef": "#node"}}}})"}};
  std::string strict = With(k2020, R"("$id": "https://x.org/strict", "$dynamicAnchor": "node",
                                      "$ref": "tree", "unevaluatedProperties": false)");
  EXPECT_EQ(Errors(strict, R"({"children": [{"daat": 1}]})", docs),
            Strings{"/children/0/daat unevaluatedProperties"});
  EXPECT_EQ(Errors(strict, R"({"children": [{"data": 1}]})", docs), Strings{});
}

TEST(ModernDraftsTest, RecursiveRefFollowsRecursiveAnchors) {
  DocumentSource docs = {{"https://x.org/tree", R"({)" + std::string(k2019) + R"(,
      "$id": "https://x.org/tree", "$recursiveAnchor": true, "type": "object",
      "properties": {"data": true,
                     "children": {"type": "array", "items": {"$recursiveRef": "#"}}}})"}};
  std::string strict = With(k2019, R"("$id": "https://x.org/strict", "$recursiveAnchor": true,
                                      "$ref": "tree", "unevaluatedProperties": false)");
  EXPECT_EQ(Errors(strict, R"({"children": [{"daat": 1}]})", docs),
            Strings{"/children/0/daat unevaluatedProperties"});
}

TEST(ModernDraftsTest, FormatIsAnAnnotationIn2020Unless) {
  std::string schema = With(k2020, R"("format": "ipv4")");
  EXPECT_EQ(Errors(schema, R"("nope")"), Strings{});
  auto compiled = PrepareDefinition(schema, {}, CompileOptions{}, true);
  ValidateOptions always;
  always.assert_annotation_formats = true;
  EXPECT_FALSE(IsValid(*compiled, ParseJson(R"("nope")", 10), always));
  EXPECT_EQ(Errors(With(k2019, R"("format": "ipv4")"), R"("nope")"), Strings{" format"});
}

TEST(ModernDraftsTest, CustomMetaschemaChoosesVocabularies) {
  std::string schema = R"({"$schema": "https://x.org/meta", "minimum": 5, "items": false})";
  EXPECT_EQ(Outcome(schema), "metaschema https://x.org/meta");
  DocumentSource docs = {{"https://x.org/meta", R"({)" + std::string(k2020) + R"(,
      "$id": "https://x.org/meta", "$dynamicAnchor": "meta",
      "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true,
                      "https://json-schema.org/draft/2020-12/vocab/applicator": true,
                      "https://x.org/vocab/optional": false},
      "allOf": [{"$ref": "https://json-schema.org/draft/2020-12/meta/core"},
                {"$ref": "https://json-schema.org/draft/2020-12/meta/applicator"}]})"}};
  // Validation keywords are not in force; applicators are.
  EXPECT_EQ(Errors(schema, "[]", docs), Strings{});
  EXPECT_EQ(Errors(schema, "[1]", docs), Strings{"/0 false"});
  // The definition is checked against the custom metaschema.
  EXPECT_EQ(Outcome(R"({"$schema": "https://x.org/meta", "items": 5})", docs), "42P17");
}

TEST(ModernDraftsTest, UnknownRequiredVocabularyIsRefused) {
  DocumentSource docs = {{"https://x.org/meta", R"({)" + std::string(k2020) + R"(,
      "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true,
                      "https://x.org/vocab/needed": true}})"}};
  EXPECT_EQ(Outcome(R"({"$schema": "https://x.org/meta"})", docs), "0A000");
  EXPECT_EQ(Outcome(R"({"$schema": "draft-07"})"), "22023");
  // A metaschema must itself be 2019-09 or 2020-12.
  DocumentSource old = {
      {"https://x.org/meta", R"({"$schema": "http://json-schema.org/draft-07/schema#"})"}};
  EXPECT_EQ(Outcome(R"({"$schema": "https://x.org/meta"})", old), "22023");
}

TEST(ModernDraftsTest, DefinitionsAreCheckedAgainstTheMetaschema) {
  EXPECT_EQ(Outcome(With(k2020, R"("prefixItems": 5)")), "42P17");
  EXPECT_EQ(Outcome(With(k2020, R"("$defs": {"a": {"type": "nope"}})")), "42P17");
  EXPECT_EQ(Outcome(With(k2019, R"("minContains": -1)")), "42P17");
  EXPECT_EQ(Outcome(With(k2020, R"("$id": "https://x.org/a#frag")")), "42P17");
  EXPECT_EQ(Outcome(With(k2020, R"("unevaluatedProperties": {"minimum": 1})")), "");
}

TEST(ModernDraftsTest, RootIdBesideRefNamesTheDocumentInDraft7) {
  DocumentSource docs = {{"https://x.org/partial.json", R"({"type": "string"})"}};
  std::string schema = R"({"$id": "https://x.org/poetry.json", "$ref": "partial.json"})";
  EXPECT_EQ(Errors(schema, "5", docs), Strings{" type"});
}

TEST(ModernDraftsTest, PointerIntoANonKeywordPlaceKeepsItsBase) {
  DocumentSource docs = {{"https://x.org/a2.json", R"({
      "$schema": "http://json-schema.org/draft-07/schema#", "$id": "https://x.org/a2.json",
      "$defs": {"B": {"type": "string"},
                "C": {"type": "object", "properties": {"q": {"$ref": "#/$defs/B"}}}},
      "properties": {"c": {"$ref": "#/$defs/C"}}})"}};
  std::string schema =
      R"({"$id": "https://x.org/p4.json", "properties": {"a": {"$ref": "a2.json"}}})";
  EXPECT_EQ(Errors(schema, R"({"a": {"c": {"q": 5}}})", docs), Strings{"/a/c/q type"});
}

// What schemareg.strict reports: "path keyword [dialects]".
std::vector<std::string> Ignored(const std::string& text) {
  auto schema = PrepareDefinition(text, {}, CompileOptions{}, true);
  std::vector<std::string> out;
  for (const auto& k : schema->ignored_keywords) {
    out.push_back(k.path + " " + k.keyword + " [" + k.dialects + "]");
  }
  return out;
}

TEST(ModernDraftsTest, KeywordsTheDialectLacksAreListed) {
  EXPECT_EQ(Ignored(R"({"$schema": "http://json-schema.org/draft-04/schema#", "title": "t",
                        "properties": {"a": {"const": 1, "if": true}}})"),
            (Strings{"/properties/a const [draft6, draft7, draft2019-09, draft2020-12]",
                     "/properties/a if [draft7, draft2019-09, draft2020-12]"}));
  EXPECT_EQ(Ignored(R"({"$defs": {}, "prefixItems": [true], "x-vendor": 1, "examples": [],
                        "readOnly": true, "$comment": "c"})"),
            (Strings{" $defs [draft2019-09, draft2020-12]", " prefixItems [draft2020-12]",
                     " x-vendor []"}));
  EXPECT_EQ(Ignored(With(k2020, R"("definitions": {}, "dependencies": {}, "deprecated": true,
                                   "contentSchema": {}, "items": {"additionalItems": false})")),
            (Strings{"/items additionalItems [draft4, draft6, draft7, draft2019-09]"}));
  // Siblings of $ref in drafts 4-7 are not evaluated, and not listed either.
  EXPECT_EQ(Ignored(R"({"definitions": {"a": {}}, "$ref": "#/definitions/a", "foo": 1})"),
            Strings{});
}

// keywordLocation: where in the schema each error's keyword is, through $refs.
std::vector<std::string> SchemaPaths(const std::string& schema_text, const std::string& record) {
  auto schema = PrepareDefinition(schema_text, {}, CompileOptions{}, true);
  std::vector<std::string> out;
  for (const ValidationError& e : CollectErrors(*schema, ParseJson(record, 100), {}).kept) {
    out.push_back(e.path + " " + e.schema_path);
  }
  return out;
}

TEST(ModernDraftsTest, ErrorsSayWhereInTheSchemaTheyComeFrom) {
  std::string schema = With(k2020, R"(
      "$defs": {"reading": {"properties": {"v": {"maximum": 10}}, "unevaluatedProperties": false}},
      "properties": {"r": {"prefixItems": [{"$ref": "#/$defs/reading"}], "items": false},
                     "a/b": {"allOf": [true, {"type": "string"}]}},
      "patternProperties": {"^x-": {"type": "integer"}},
      "dependentSchemas": {"d": {"required": ["e"]}},
      "if": {"required": ["i"]}, "then": {"required": ["t"]}, "else": false)");
  EXPECT_EQ(SchemaPaths(schema, R"({"r": [{"v": 11, "w": 1}, 2], "a/b": 1, "x-y": 1.5, "d": 1})"),
            (Strings{"/e /dependentSchemas/d/required",
                     "/r/0/v /properties/r/prefixItems/0/$ref/properties/v/maximum",
                     "/r/0/w /properties/r/prefixItems/0/$ref/unevaluatedProperties",
                     "/r/1 /properties/r/items", "/a~1b /properties/a~1b/allOf/1/type",
                     "/x-y /patternProperties/^x-/type", " /else"}));
  EXPECT_EQ(
      SchemaPaths(R"({"definitions": {"n": {"minimum": 1}}, "items": {"$ref": "#/definitions/n"},
                           "additionalProperties": false})",
                  "[0]"),
      Strings{"/0 /items/$ref/minimum"});
}

}  // namespace
}  // namespace schemareg

namespace schemareg {
namespace {

// A pattern that hits PCRE2's limit names the record path, in both modes.
TEST(PatternLimitTest, NamesTheRecordPath) {
  auto schema = PrepareDefinition(
      R"js({"properties": {"a": {"items": {"pattern": "(?=(a*)*b)"}}},
            "patternProperties": {"(?=(c*)*b)": true}})js",
      {}, CompileOptions{}, true);
  std::string hostile(1000000, 'a');
  Json record = ParseJson(R"({"a": ["b", ")" + hostile + R"("]})", 10);
  for (bool fast : {true, false}) {
    try {
      if (fast) {
        IsValid(*schema, record, {});
      } else {
        CollectErrors(*schema, record, {});
      }
      FAIL() << "no limit met";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "54000");
      EXPECT_NE(std::string(e.what()).find("(?=(a*)*b)"), std::string::npos) << e.what();
      EXPECT_NE(e.detail().find("At record path \"/a/1\"."), std::string::npos) << e.detail();
    }
  }
  Json names = ParseJson(R"({")" + std::string(1000000, 'c') + R"(": 1})", 10);
  try {
    IsValid(*schema, names, {});
    FAIL() << "no limit met";
  } catch (const Error& e) {
    EXPECT_NE(e.detail().find("At record path \"/ccccc"), std::string::npos) << e.detail();
  }
}

}  // namespace
}  // namespace schemareg
