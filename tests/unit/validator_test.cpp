#include "core/validator.hpp"

#include <csignal>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/definition.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"

namespace schemareg {
namespace {

// (path, keyword) of each error, in the order CollectErrors reports them.
using Errors = std::vector<std::pair<std::string, std::string>>;

const Errors kValid;

std::unique_ptr<CompiledSchema> Compile(std::string_view text, const DocumentSource& docs = {}) {
  return PrepareDefinition(text, docs, CompileOptions{}, /*check_metaschema=*/true);
}

// Runs both entry points; IsValid must agree with CollectErrors().empty().
Errors Check(const CompiledSchema& schema, std::string_view record,
             const ValidateOptions& options = {}) {
  Json json = ParseJson(record, 1000);
  ErrorList errors = CollectErrors(schema, json, options);
  EXPECT_EQ(IsValid(schema, json, options), errors.empty()) << "record " << record;
  EXPECT_EQ(errors.more, 0u) << "record " << record;
  Errors out;
  for (const ValidationError& e : errors.kept) {
    EXPECT_FALSE(e.message.empty()) << e.path << " " << e.keyword;
    out.emplace_back(e.path, e.keyword);
  }
  return out;
}

Errors Check(std::string_view schema, std::string_view record,
             const ValidateOptions& options = {}) {
  std::unique_ptr<CompiledSchema> compiled = Compile(schema);
  return Check(*compiled, record, options);
}

// The SQLSTATE PrepareDefinition throws, "missing <uri>" for MissingDocument,
// or "" when it compiles.
std::string CompileOutcome(std::string_view text, const DocumentSource& docs = {}) {
  try {
    Compile(text, docs);
  } catch (const Error& e) {
    return e.code();
  } catch (const MissingDocument& e) {
    return "missing " + e.uri();
  }
  return "";
}

std::string Nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

constexpr const char* kDraft4 = R"("$schema": "http://json-schema.org/draft-04/schema#")";
constexpr const char* kDraft6 = R"("$schema": "http://json-schema.org/draft-06/schema#")";

std::string WithSchema(const char* schema_member, const std::string& rest) {
  return std::string("{") + schema_member + ", " + rest + "}";
}

TEST(ValidatorTest, Type) {
  auto s = Compile(R"({"type": "integer"})");
  EXPECT_EQ(Check(*s, "1"), kValid);
  EXPECT_EQ(Check(*s, "1.0"), kValid);
  EXPECT_EQ(Check(*s, "1.5"), (Errors{{"", "type"}}));
  EXPECT_EQ(Check(*s, R"("1")"), (Errors{{"", "type"}}));
  EXPECT_EQ(Check(*s, "null"), (Errors{{"", "type"}}));
  auto multi = Compile(R"({"type": ["string", "null"]})");
  EXPECT_EQ(Check(*multi, "null"), kValid);
  EXPECT_EQ(Check(*multi, R"("x")"), kValid);
  EXPECT_EQ(Check(*multi, "false"), (Errors{{"", "type"}}));
  auto number = Compile(R"({"type": "number"})");
  EXPECT_EQ(Check(*number, "1"), kValid);
  EXPECT_EQ(Check(*number, "1.5e300"), kValid);
  EXPECT_EQ(Check(*number, "[]"), (Errors{{"", "type"}}));
}

TEST(ValidatorTest, Enum) {
  auto s = Compile(R"({"enum": [1, "a", {"b": [1]}, null]})");
  EXPECT_EQ(Check(*s, "1.0"), kValid);
  EXPECT_EQ(Check(*s, R"({"b": [1.0]})"), kValid);
  EXPECT_EQ(Check(*s, "null"), kValid);
  EXPECT_EQ(Check(*s, R"("b")"), (Errors{{"", "enum"}}));
  EXPECT_EQ(Check(*s, "2"), (Errors{{"", "enum"}}));
  EXPECT_EQ(Check(*s, "true"), (Errors{{"", "enum"}}));
  EXPECT_EQ(Check(*s, R"({"b": [1], "c": 1})"), (Errors{{"", "enum"}}));
}

TEST(ValidatorTest, LongEnumIsLookedUpByHash) {
  auto s = Compile(R"({"enum": [1, "a", {"b": [1], "c": "x"}, null, true, 2.5, -0, [1, [2]],
                                "d", "e", "f", "g", {}, []]})");
  ASSERT_GT(s->nodes[s->root]->enum_values.size(), kEnumScanLimit);
  ASSERT_FALSE(s->nodes[s->root]->enum_index.empty());
  EXPECT_EQ(Check(*s, "1.0"), kValid);
  EXPECT_EQ(Check(*s, "0"), kValid);  // equal to -0
  EXPECT_EQ(Check(*s, R"({"c": "x", "b": [1.0]})"), kValid);
  EXPECT_EQ(Check(*s, "[1.0, [2]]"), kValid);
  EXPECT_EQ(Check(*s, "null"), kValid);
  EXPECT_EQ(Check(*s, "true"), kValid);
  EXPECT_EQ(Check(*s, "{}"), kValid);
  EXPECT_EQ(Check(*s, R"("g")"), kValid);
  EXPECT_EQ(Check(*s, R"("h")"), (Errors{{"", "enum"}}));
  EXPECT_EQ(Check(*s, "false"), (Errors{{"", "enum"}}));
  EXPECT_EQ(Check(*s, "[[2], 1]"), (Errors{{"", "enum"}}));
  EXPECT_EQ(Check(*s, R"({"b": [1]})"), (Errors{{"", "enum"}}));
}

TEST(ValidatorTest, Const) {
  auto s = Compile(R"({"const": {"a": [1, 2]}})");
  EXPECT_EQ(Check(*s, R"({"a": [1.0, 2]})"), kValid);
  EXPECT_EQ(Check(*s, R"({"a": [2, 1]})"), (Errors{{"", "const"}}));
  EXPECT_EQ(Check("{\"const\": 0}", "false"), (Errors{{"", "const"}}));
  EXPECT_EQ(Check("{\"const\": 0}", "-0.0"), kValid);
  // "const" only exists from draft 6 on.
  EXPECT_EQ(Check(WithSchema(kDraft4, R"("const": 1)"), "2"), kValid);
}

TEST(ValidatorTest, MinimumAndMaximum) {
  auto s = Compile(R"({"minimum": 1, "maximum": 3})");
  EXPECT_EQ(Check(*s, "1"), kValid);
  EXPECT_EQ(Check(*s, "3"), kValid);
  EXPECT_EQ(Check(*s, "0.5"), (Errors{{"", "minimum"}}));
  EXPECT_EQ(Check(*s, "4"), (Errors{{"", "maximum"}}));
  EXPECT_EQ(Check(*s, R"("x")"), kValid);
  auto both = Compile(R"({"minimum": 5, "maximum": 1})");
  EXPECT_EQ(Check(*both, "3"), (Errors{{"", "maximum"}, {"", "minimum"}}));
}

TEST(ValidatorTest, ExclusiveBoundsAsNumbers) {
  auto s = Compile(R"({"exclusiveMinimum": 1, "exclusiveMaximum": 3})");
  EXPECT_EQ(Check(*s, "2"), kValid);
  EXPECT_EQ(Check(*s, "1"), (Errors{{"", "exclusiveMinimum"}}));
  EXPECT_EQ(Check(*s, "3"), (Errors{{"", "exclusiveMaximum"}}));
  EXPECT_EQ(Check(*s, "1.0000001"), kValid);
  EXPECT_EQ(Check(WithSchema(kDraft6, R"("exclusiveMaximum": 3)"), "3"),
            (Errors{{"", "exclusiveMaximum"}}));
}

TEST(ValidatorTest, Draft4ExclusiveBoundsAsBooleans) {
  auto s = Compile(WithSchema(
      kDraft4,
      R"("minimum": 1, "exclusiveMinimum": true, "maximum": 3, "exclusiveMaximum": true)"));
  EXPECT_EQ(Check(*s, "2"), kValid);
  EXPECT_EQ(Check(*s, "1"), (Errors{{"", "exclusiveMinimum"}}));
  EXPECT_EQ(Check(*s, "3"), (Errors{{"", "exclusiveMaximum"}}));
  EXPECT_EQ(Check(*s, "0"), (Errors{{"", "exclusiveMinimum"}}));
  auto inclusive = Compile(WithSchema(
      kDraft4,
      R"("minimum": 1, "exclusiveMinimum": false, "maximum": 3, "exclusiveMaximum": false)"));
  EXPECT_EQ(Check(*inclusive, "1"), kValid);
  EXPECT_EQ(Check(*inclusive, "3"), kValid);
  EXPECT_EQ(Check(*inclusive, "4"), (Errors{{"", "maximum"}}));
}

TEST(ValidatorTest, MultipleOf) {
  // 0.0075 / 0.0001 is 75.00000000000001 in binary floating point.
  EXPECT_EQ(Check(R"({"multipleOf": 0.0001})", "0.0075"), kValid);
  EXPECT_EQ(Check(R"({"multipleOf": 0.1})", "0.3"), kValid);
  EXPECT_EQ(Check(R"({"multipleOf": 2})", "4.5"), (Errors{{"", "multipleOf"}}));
  EXPECT_EQ(Check(R"({"multipleOf": 2})", "4"), kValid);
  EXPECT_EQ(Check(R"({"multipleOf": 2})", "-4"), kValid);
  EXPECT_EQ(Check(R"({"multipleOf": 1.5})", "4.5"), kValid);
  EXPECT_EQ(Check(R"({"multipleOf": 1.5})", "35"), (Errors{{"", "multipleOf"}}));
  // The tolerance is a few ULPs of the value, not a fraction of the quotient.
  EXPECT_EQ(Check(R"({"multipleOf": 1})", "1000000000.5"), (Errors{{"", "multipleOf"}}));
  EXPECT_EQ(Check(R"({"multipleOf": 1})", "0.0000000001"), (Errors{{"", "multipleOf"}}));
  EXPECT_EQ(Check(R"({"multipleOf": 0.5})", "3.0000000001"), (Errors{{"", "multipleOf"}}));
  EXPECT_EQ(Check(R"({"multipleOf": 0.01})", "19.99"), kValid);
  EXPECT_EQ(Check(R"({"multipleOf": 0.01})", "-19.99"), kValid);
  // The quotient overflows to infinity: not a multiple (JSON-Schema-Test-Suite).
  EXPECT_EQ(Check(R"({"type": "integer", "multipleOf": 0.123456789})", "1e308"),
            (Errors{{"", "multipleOf"}}));
}

TEST(ValidatorTest, StringLengthCountsCodePoints) {
  auto s = Compile(R"({"minLength": 3, "maxLength": 3})");
  EXPECT_EQ(Check(*s, "\"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\""), kValid);  // 日本語
  EXPECT_EQ(Check(*s, "\"\xE6\x97\xA5\xE6\x9C\xAC\""), (Errors{{"", "minLength"}}));
  EXPECT_EQ(Check(*s, "\"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9Ex\""), (Errors{{"", "maxLength"}}));
  EXPECT_EQ(Check(*s, R"("abc")"), kValid);
  // An astral character is one code point (two UTF-16 units).
  EXPECT_EQ(Check(R"({"maxLength": 1})", R"("\ud83d\ude00")"), kValid);
  EXPECT_EQ(Check(*s, "3"), kValid);
}

TEST(ValidatorTest, Pattern) {
  auto s = Compile(R"({"pattern": "^a+$"})");
  EXPECT_EQ(Check(*s, R"("aaa")"), kValid);
  EXPECT_EQ(Check(*s, R"("ab")"), (Errors{{"", "pattern"}}));
  EXPECT_EQ(Check(*s, "1"), kValid);
  // Patterns are not anchored.
  EXPECT_EQ(Check(R"({"pattern": "b"})", R"("abc")"), kValid);
  EXPECT_EQ(Check(R"({"pattern": "^.$"})", "\"\xE6\x97\xA5\""), kValid);
}

TEST(ValidatorTest, PatternWithLookaroundOrBackreference) {
  auto s = Compile(R"({"pattern": "^(?!@@)[\\w@]+$"})");
  EXPECT_EQ(Check(*s, R"("@user")"), kValid);
  EXPECT_EQ(Check(*s, R"("@@user")"), (Errors{{"", "pattern"}}));
  auto p = Compile(R"json({"patternProperties": {"^(?!(?:meta|local)$)": {"type": "integer"}},
                          "properties": {"meta": true}})json");
  EXPECT_EQ(Check(*p, R"({"meta": "x", "local": "y", "count": 1})"), kValid);
  EXPECT_EQ(Check(*p, R"({"metadata": "x"})"), (Errors{{"/metadata", "type"}}));
  EXPECT_EQ(Check(R"({"pattern": "^(\\w)\\1$"})", R"("xy")"), (Errors{{"", "pattern"}}));
  EXPECT_EQ(Check(R"({"pattern": "^(\\w)\\1$"})", R"("xx")"), kValid);
}

TEST(ValidatorTest, FormatAssertedByDefault) {
  auto s = Compile(R"({"format": "date"})");
  EXPECT_EQ(Check(*s, R"("2023-02-29")"), (Errors{{"", "format"}}));
  EXPECT_EQ(Check(*s, R"("2024-02-29")"), kValid);
  EXPECT_EQ(Check(*s, "5"), kValid);
  ValidateOptions lenient;
  lenient.assert_formats = false;
  EXPECT_EQ(Check(*s, R"("2023-02-29")", lenient), kValid);
  EXPECT_EQ(Check(R"({"format": "no-such-format"})", R"("anything")"), kValid);
}

TEST(ValidatorTest, RegexFormatUsesThePatternEngine) {
  auto s = Compile(R"({"format": "regex"})");
  EXPECT_EQ(Check(*s, R"("^a+$")"), kValid);
  EXPECT_EQ(Check(*s, R"("(")"), (Errors{{"", "format"}}));
}

TEST(ValidatorTest, ItemsArrayAndAdditionalItemsFalse) {
  auto s =
      Compile(R"({"items": [{"type": "integer"}, {"type": "string"}], "additionalItems": false})");
  EXPECT_EQ(Check(*s, R"([1, "a"])"), kValid);
  EXPECT_EQ(Check(*s, "[1]"), kValid);
  EXPECT_EQ(Check(*s, "[]"), kValid);
  EXPECT_EQ(Check(*s, R"([1, "a", 3])"), (Errors{{"/2", "additionalItems"}}));
  EXPECT_EQ(Check(*s, R"([1, "a", 3, 4])"),
            (Errors{{"/2", "additionalItems"}, {"/3", "additionalItems"}}));
  EXPECT_EQ(Check(*s, R"(["a", 1])"), (Errors{{"/0", "type"}, {"/1", "type"}}));
}

TEST(ValidatorTest, AdditionalItemsSchema) {
  auto s = Compile(R"({"items": [{}], "additionalItems": {"type": "integer"}})");
  EXPECT_EQ(Check(*s, R"([null, 1, "x"])"), (Errors{{"/2", "type"}}));
  // additionalItems is ignored when items is a single schema.
  EXPECT_EQ(Check(R"({"items": {}, "additionalItems": false})", "[1, 2, 3]"), kValid);
}

TEST(ValidatorTest, ItemsSingleSchema) {
  auto s = Compile(R"({"items": {"type": "integer"}})");
  EXPECT_EQ(Check(*s, R"([1, "x", 2, null])"), (Errors{{"/1", "type"}, {"/3", "type"}}));
  EXPECT_EQ(Check(*s, R"({"0": "x"})"), kValid);
}

TEST(ValidatorTest, MinAndMaxItems) {
  auto s = Compile(R"({"minItems": 2, "maxItems": 3})");
  EXPECT_EQ(Check(*s, "[1]"), (Errors{{"", "minItems"}}));
  EXPECT_EQ(Check(*s, "[1, 2, 3, 4]"), (Errors{{"", "maxItems"}}));
  EXPECT_EQ(Check(*s, "[1, 2]"), kValid);
}

TEST(ValidatorTest, Contains) {
  auto s = Compile(R"({"contains": {"const": 5}})");
  EXPECT_EQ(Check(*s, "[1, 5]"), kValid);
  EXPECT_EQ(Check(*s, "[5.0]"), kValid);
  EXPECT_EQ(Check(*s, "[1, 2]"), (Errors{{"", "contains"}}));
  EXPECT_EQ(Check(*s, "[]"), (Errors{{"", "contains"}}));
  EXPECT_EQ(Check(*s, R"("x")"), kValid);
}

TEST(ValidatorTest, UniqueItems) {
  auto s = Compile(R"({"uniqueItems": true})");
  EXPECT_EQ(Check(*s, "[1, 1.0]"), (Errors{{"", "uniqueItems"}}));
  EXPECT_EQ(Check(*s, R"([{"a": 1, "b": 2}, {"b": 2, "a": 1}])"), (Errors{{"", "uniqueItems"}}));
  EXPECT_EQ(Check(*s, "[[1, 2], [2, 1]]"), kValid);
  EXPECT_EQ(Check(*s, "[0, false, null, \"0\", [], {}]"), kValid);
  EXPECT_EQ(Check(*s, "[]"), kValid);
  EXPECT_EQ(Check(R"({"uniqueItems": false})", "[1, 1]"), kValid);
}

TEST(ValidatorTest, RequiredPathNamesTheMissingMember) {
  auto s = Compile(R"({"required": ["a"], "properties": {"a": {"required": ["b", "c"]}}})");
  EXPECT_EQ(Check(*s, "{}"), (Errors{{"/a", "required"}}));
  EXPECT_EQ(Check(*s, R"({"a": {}})"), (Errors{{"/a/b", "required"}, {"/a/c", "required"}}));
  EXPECT_EQ(Check(*s, R"({"a": {"b": 1, "c": null}})"), kValid);
  EXPECT_EQ(Check(*s, "[]"), kValid);
}

TEST(ValidatorTest, MinAndMaxProperties) {
  auto s = Compile(R"({"minProperties": 1, "maxProperties": 2})");
  EXPECT_EQ(Check(*s, "{}"), (Errors{{"", "minProperties"}}));
  EXPECT_EQ(Check(*s, R"({"a": 1, "b": 2, "c": 3})"), (Errors{{"", "maxProperties"}}));
  EXPECT_EQ(Check(*s, R"({"a": 1})"), kValid);
}

TEST(ValidatorTest, AdditionalPropertiesFalseNamesTheExtraMember) {
  auto s = Compile(R"({"properties": {"a": {}}, "additionalProperties": false})");
  EXPECT_EQ(Check(*s, R"({"a": 1})"), kValid);
  EXPECT_EQ(Check(*s, R"({"a": 1, "b": 2, "c": 3})"),
            (Errors{{"/b", "additionalProperties"}, {"/c", "additionalProperties"}}));
}

TEST(ValidatorTest, AdditionalPropertiesSchemaSkipsMatchedMembers) {
  auto s = Compile(
      R"({"properties": {"a": {}}, "patternProperties": {"^x": {}},
          "additionalProperties": {"type": "integer"}})");
  EXPECT_EQ(Check(*s, R"({"a": "s", "x1": "s", "y": "s", "z": 1})"), (Errors{{"/y", "type"}}));
}

TEST(ValidatorTest, PatternProperties) {
  auto s =
      Compile(R"({"patternProperties": {"^n_": {"type": "number"}, "_s$": {"type": "string"}}})");
  EXPECT_EQ(Check(*s, R"({"n_a": 1, "b_s": "x", "zz": null})"), kValid);
  // A member matching both patterns must satisfy both.
  EXPECT_EQ(Check(*s, R"({"n_s": 1})"), (Errors{{"/n_s", "type"}}));
  EXPECT_EQ(Check(*s, R"({"n_s": "x"})"), (Errors{{"/n_s", "type"}}));
  EXPECT_EQ(Check(*s, R"({"n_s": null})"), (Errors{{"/n_s", "type"}, {"/n_s", "type"}}));
}

TEST(ValidatorTest, PropertiesAndPatternPropertiesBothApply) {
  auto s = Compile(
      R"({"properties": {"ab": {"maxLength": 1}}, "patternProperties": {"b": {"minLength": 3}}})");
  EXPECT_EQ(Check(*s, R"({"ab": "xx"})"), (Errors{{"/ab", "maxLength"}, {"/ab", "minLength"}}));
}

TEST(ValidatorTest, DependenciesArrayForm) {
  auto s = Compile(R"({"dependencies": {"a": ["b", "c"]}})");
  EXPECT_EQ(Check(*s, R"({"a": 1})"), (Errors{{"", "dependencies"}, {"", "dependencies"}}));
  EXPECT_EQ(Check(*s, R"({"a": 1, "b": 1})"), (Errors{{"", "dependencies"}}));
  EXPECT_EQ(Check(*s, R"({"a": 1, "b": 1, "c": 1})"), kValid);
  EXPECT_EQ(Check(*s, R"({"b": 1})"), kValid);
  EXPECT_EQ(Check(*s, R"(["a"])"), kValid);
}

TEST(ValidatorTest, DependenciesSchemaForm) {
  auto s = Compile(
      R"({"dependencies": {"a": {"required": ["b"], "properties": {"b": {"type": "string"}}}}})");
  EXPECT_EQ(Check(*s, R"({"a": 1})"), (Errors{{"/b", "required"}}));
  EXPECT_EQ(Check(*s, R"({"a": 1, "b": 2})"), (Errors{{"/b", "type"}}));
  EXPECT_EQ(Check(*s, R"({"a": 1, "b": "x"})"), kValid);
  EXPECT_EQ(Check(*s, R"({"b": 2})"), kValid);
}

TEST(ValidatorTest, PropertyNames) {
  auto s = Compile(R"({"propertyNames": {"maxLength": 3}})");
  EXPECT_EQ(Check(*s, R"({"abcd": 1, "ab": 2, "efghi": 3})"),
            (Errors{{"/abcd", "propertyNames"}, {"/efghi", "propertyNames"}}));
  EXPECT_EQ(Check(*s, R"({"abc": 1})"), kValid);
  auto none = Compile(R"({"propertyNames": false})");
  EXPECT_EQ(Check(*none, "{}"), kValid);
  EXPECT_EQ(Check(*none, R"({"a": 1})"), (Errors{{"/a", "propertyNames"}}));
}

TEST(ValidatorTest, AllOfReportsEachFailingSubschema) {
  auto s = Compile(R"({"allOf": [{"type": "integer"}, {"minimum": 2}]})");
  EXPECT_EQ(Check(*s, "3"), kValid);
  EXPECT_EQ(Check(*s, "1.5"), (Errors{{"", "type"}, {"", "minimum"}}));
  EXPECT_EQ(Check(*s, "1"), (Errors{{"", "minimum"}}));
  EXPECT_EQ(Check(*s, R"("x")"), (Errors{{"", "type"}}));
}

TEST(ValidatorTest, AnyOf) {
  auto s = Compile(R"({"anyOf": [{"type": "integer"}, {"minimum": 2}]})");
  EXPECT_EQ(Check(*s, "1"), kValid);
  EXPECT_EQ(Check(*s, "2.5"), kValid);
  EXPECT_EQ(Check(*s, "1.5"), (Errors{{"", "anyOf"}}));
}

TEST(ValidatorTest, OneOf) {
  auto s = Compile(R"({"oneOf": [{"type": "integer"}, {"minimum": 2}]})");
  EXPECT_EQ(Check(*s, "1"), kValid);
  EXPECT_EQ(Check(*s, "2.5"), kValid);
  EXPECT_EQ(Check(*s, "3"), (Errors{{"", "oneOf"}}));
  EXPECT_EQ(Check(*s, "1.5"), (Errors{{"", "oneOf"}}));
}

TEST(ValidatorTest, Not) {
  auto s = Compile(R"({"not": {"type": "string"}})");
  EXPECT_EQ(Check(*s, R"("x")"), (Errors{{"", "not"}}));
  EXPECT_EQ(Check(*s, "1"), kValid);
}

TEST(ValidatorTest, IfThenElse) {
  auto s =
      Compile(R"({"if": {"type": "integer"}, "then": {"minimum": 0}, "else": {"type": "string"}})");
  EXPECT_EQ(Check(*s, "5"), kValid);
  EXPECT_EQ(Check(*s, "-1"), (Errors{{"", "minimum"}}));
  EXPECT_EQ(Check(*s, R"("x")"), kValid);
  EXPECT_EQ(Check(*s, "1.5"), (Errors{{"", "type"}}));
  // Errors inside a branch keep their own paths.
  EXPECT_EQ(
      Check(R"({"if": {"required": ["a"]}, "then": {"properties": {"a": {"type": "string"}}}})",
            R"({"a": 1})"),
      (Errors{{"/a", "type"}}));
  EXPECT_EQ(Check(R"({"if": false, "then": false})", "1"), kValid);
  EXPECT_EQ(Check(R"({"then": false})", "1"), kValid);
  EXPECT_EQ(Check(R"({"if": true, "else": false})", "1"), kValid);
}

TEST(ValidatorTest, IfThenElseIgnoredBeforeDraft7) {
  EXPECT_EQ(Check(WithSchema(kDraft6, R"("if": {"type": "integer"}, "then": false)"), "1"), kValid);
}

TEST(ValidatorTest, BooleanSchemas) {
  EXPECT_EQ(Check("true", R"({"a": [1]})"), kValid);
  EXPECT_EQ(Check("false", "1"), (Errors{{"", "false"}}));
  auto s = Compile(R"({"properties": {"a": false, "b": true}})");
  EXPECT_EQ(Check(*s, R"({"a": 1, "b": 2})"), (Errors{{"/a", "false"}}));
  auto items = Compile(R"({"items": false})");
  EXPECT_EQ(Check(*items, "[]"), kValid);
  EXPECT_EQ(Check(*items, "[1]"), (Errors{{"/0", "false"}}));
}

TEST(ValidatorTest, RefToDefinitions) {
  auto s = Compile(
      R"({"definitions": {"pos": {"type": "integer", "minimum": 1}},
          "properties": {"a": {"$ref": "#/definitions/pos"}},
          "items": {"$ref": "#/definitions/pos"}})");
  EXPECT_EQ(Check(*s, R"({"a": 0})"), (Errors{{"/a", "minimum"}}));
  EXPECT_EQ(Check(*s, R"([1, "x"])"), (Errors{{"/1", "type"}}));
  EXPECT_EQ(Check(*s, R"({"a": 2})"), kValid);
}

TEST(ValidatorTest, RefIgnoresSiblingKeywords) {
  auto s = Compile(
      R"({"definitions": {"i": {"type": "integer"}},
          "properties": {"a": {"$ref": "#/definitions/i", "minimum": 10}}})");
  EXPECT_EQ(Check(*s, R"({"a": 1})"), kValid);
  EXPECT_EQ(Check(*s, R"({"a": "x"})"), (Errors{{"/a", "type"}}));
}

TEST(ValidatorTest, RecursiveRefToRoot) {
  auto s = Compile(
      R"({"type": "object", "properties": {"child": {"$ref": "#"}}, "additionalProperties": false})");
  EXPECT_EQ(Check(*s, R"({"child": {"child": {}}})"), kValid);
  EXPECT_EQ(Check(*s, R"({"child": {"child": {"x": 1}}})"),
            (Errors{{"/child/child/x", "additionalProperties"}}));
  EXPECT_EQ(Check(*s, R"({"child": 1})"), (Errors{{"/child", "type"}}));
}

TEST(ValidatorTest, RefIntoArrayByIndex) {
  auto s = Compile(R"({"items": [{"type": "integer"}, {"$ref": "#/items/0"}]})");
  EXPECT_EQ(Check(*s, R"([1, "a"])"), (Errors{{"/1", "type"}}));
}

TEST(ValidatorTest, IdBasedRefsAndAnchors) {
  // The example of draft-07 core section 8.2.4.
  auto s = Compile(R"({
    "$id": "http://example.com/root.json",
    "definitions": {
      "A": {"$id": "#foo", "type": "integer"},
      "B": {"$id": "other.json",
            "definitions": {"X": {"$id": "#bar", "type": "string"},
                            "Y": {"$id": "t/inner.json", "type": "boolean"}}}
    },
    "properties": {
      "a": {"$ref": "#foo"},
      "b": {"$ref": "other.json#bar"},
      "c": {"$ref": "t/inner.json"},
      "d": {"$ref": "http://example.com/root.json#/definitions/A"},
      "e": {"$ref": "other.json#/definitions/Y"},
      "f": {"$ref": "http://example.com/t/inner.json"}
    }
  })");
  EXPECT_EQ(Check(*s, R"({"a": 1, "b": "s", "c": true, "d": 2, "e": false, "f": true})"), kValid);
  EXPECT_EQ(Check(*s, R"({"a": "x", "b": 1, "c": 1, "d": "x", "e": 1, "f": 1})"),
            (Errors{{"/a", "type"},
                    {"/b", "type"},
                    {"/c", "type"},
                    {"/d", "type"},
                    {"/e", "type"},
                    {"/f", "type"}}));
}

TEST(ValidatorTest, AnchorWithoutBaseUri) {
  auto s = Compile(
      R"({"definitions": {"x": {"$id": "#foo", "type": "integer"}},
          "properties": {"a": {"$ref": "#foo"}}})");
  EXPECT_EQ(Check(*s, R"({"a": 1})"), kValid);
  EXPECT_EQ(Check(*s, R"({"a": "s"})"), (Errors{{"/a", "type"}}));
}

TEST(ValidatorTest, Draft4AnchorUsesId) {
  auto s = Compile(WithSchema(kDraft4, R"("definitions": {"x": {"id": "#foo", "type": "integer"}},
                                          "properties": {"a": {"$ref": "#foo"}})"));
  EXPECT_EQ(Check(*s, R"({"a": "s"})"), (Errors{{"/a", "type"}}));
}

TEST(ValidatorTest, RefPointerEscapes) {
  auto s = Compile(
      R"({"definitions": {"a/b": {"type": "integer"}, "c~d": {"type": "string"},
                          "%": {"type": "boolean"}},
          "properties": {"x": {"$ref": "#/definitions/a~1b"},
                         "y": {"$ref": "#/definitions/c~0d"},
                         "z": {"$ref": "#/definitions/%25"}}})");
  EXPECT_EQ(Check(*s, R"({"x": 1, "y": "s", "z": true})"), kValid);
  EXPECT_EQ(Check(*s, R"({"x": "s", "y": 1, "z": 1})"),
            (Errors{{"/x", "type"}, {"/y", "type"}, {"/z", "type"}}));
}

TEST(ValidatorTest, ErrorPathsEscapeTildeAndSlash) {
  auto s = Compile(
      R"({"properties": {"a/b": {"type": "string"}, "c~d": {"type": "string"}},
          "additionalProperties": false})");
  EXPECT_EQ(Check(*s, R"({"a/b": 1, "c~d": 2, "~/": 3})"),
            (Errors{{"/a~1b", "type"}, {"/c~0d", "type"}, {"/~0~1", "additionalProperties"}}));
  EXPECT_EQ(Check(R"({"required": ["x/y~"]})", "{}"), (Errors{{"/x~1y~0", "required"}}));
}

TEST(ValidatorTest, ErrorsInDocumentOrderOfChecks) {
  auto s = Compile(
      R"({"type": "object", "required": ["z"], "properties": {"b": {"type": "string"},
          "a": {"type": "string"}}, "not": {"required": ["a"]}})");
  EXPECT_EQ(Check(*s, R"({"b": 1, "a": 2})"),
            (Errors{{"/z", "required"}, {"/b", "type"}, {"/a", "type"}, {"", "not"}}));
}

TEST(CompilerTest, RefToItselfIsACycle) {
  EXPECT_EQ(CompileOutcome(R"({"$ref": "#"})"), "42P17");
  EXPECT_EQ(CompileOutcome(R"({"definitions": {"a": {"$ref": "#/definitions/a"}},
                               "properties": {"x": {"$ref": "#/definitions/a"}}})"),
            "42P17");
}

TEST(CompilerTest, MutualAllOfAnyOfCycle) {
  EXPECT_EQ(CompileOutcome(R"({"definitions": {
                                 "a": {"allOf": [{"$ref": "#/definitions/b"}]},
                                 "b": {"anyOf": [{"$ref": "#/definitions/a"}]}},
                               "allOf": [{"$ref": "#/definitions/a"}]})"),
            "42P17");
  EXPECT_EQ(CompileOutcome(R"({"definitions": {"a": {"not": {"$ref": "#/definitions/a"}}},
                               "properties": {"x": {"$ref": "#/definitions/a"}}})"),
            "42P17");
  EXPECT_EQ(CompileOutcome(R"({"definitions": {"a": {"if": {"$ref": "#/definitions/a"}}},
                               "properties": {"x": {"$ref": "#/definitions/a"}}})"),
            "42P17");
}

TEST(CompilerTest, CycleMessageNamesTheRef) {
  try {
    Compile(R"({"$ref": "#"})");
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "42P17");
    EXPECT_NE(std::string(e.what()).find("$ref \"#\""), std::string::npos) << e.what();
  }
}

TEST(CompilerTest, RecursionThroughTheRecordIsNotACycle) {
  EXPECT_EQ(CompileOutcome(R"({"items": {"$ref": "#"}})"), "");
  EXPECT_EQ(CompileOutcome(R"({"additionalProperties": {"$ref": "#"}})"), "");
  EXPECT_EQ(CompileOutcome(R"({"contains": {"$ref": "#"}})"), "");
}

TEST(CompilerTest, RefArrayIndexWithLeadingZeroIsNothing) {
  EXPECT_EQ(CompileOutcome(R"({"items": [{}, {}], "properties": {"a": {"$ref": "#/items/01"}}})"),
            "42P17");
}

// schema.hpp: a $ref to a place or identifier that does not exist is 42P17.
TEST(CompilerTest, RefToNothingIs42P17) {
  EXPECT_EQ(CompileOutcome(R"({"$ref": "#/definitions/missing"})"), "42P17");
  EXPECT_EQ(CompileOutcome(R"({"items": [{}], "properties": {"a": {"$ref": "#/items/1"}}})"),
            "42P17");
  EXPECT_EQ(CompileOutcome(R"({"properties": {"a": {"$ref": "#nope"}}})"), "42P17");
  EXPECT_EQ(CompileOutcome(R"({"items": [{}], "properties": {"a": {"$ref": "#/items/-1"}}})"),
            "42P17");
  // An $id inside "enum" or "const" is data, not a subschema identifier.
  EXPECT_EQ(CompileOutcome(R"({"enum": [{"$id": "#foo"}], "properties": {"a": {"$ref": "#foo"}}})"),
            "42P17");
}

TEST(CompilerTest, ExternalRefThrowsMissingDocument) {
  constexpr const char* kSchema = R"({"$ref": "http://example.com/x.json"})";
  EXPECT_EQ(CompileOutcome(kSchema), "missing http://example.com/x.json");
  EXPECT_EQ(CompileOutcome(R"({"$ref": "http://example.com/x.json#/definitions/a"})"),
            "missing http://example.com/x.json");
  EXPECT_EQ(CompileOutcome(R"({"$ref": "http://example.com/x.json#anchor"})"),
            "missing http://example.com/x.json");
  // A relative $ref resolves against the nearest $id.
  EXPECT_EQ(CompileOutcome(R"({"$id": "http://example.com/dir/root.json",
                               "properties": {"a": {"$ref": "x.json"}}})"),
            "missing http://example.com/dir/x.json");
}

TEST(CompilerTest, ExternalRefCompilesOnceSupplied) {
  DocumentSource docs{{"http://example.com/x.json",
                       R"({"type": "string", "definitions": {"n": {"type": "number"}}})"}};
  auto s = Compile(R"({"$ref": "http://example.com/x.json"})", docs);
  EXPECT_EQ(s->external_documents, std::vector<std::string>{"http://example.com/x.json"});
  EXPECT_EQ(Check(*s, R"("s")"), kValid);
  EXPECT_EQ(Check(*s, "1"), (Errors{{"", "type"}}));
  auto pointer = Compile(R"({"$ref": "http://example.com/x.json#/definitions/n"})", docs);
  EXPECT_EQ(Check(*pointer, R"("s")"), (Errors{{"", "type"}}));
}

TEST(CompilerTest, RefsInsideExternalDocumentResolveAgainstIt) {
  DocumentSource docs{{"http://example.com/x.json", R"({"$ref": "y.json"})"}};
  EXPECT_EQ(CompileOutcome(R"({"$ref": "http://example.com/x.json"})", docs),
            "missing http://example.com/y.json");
  docs.emplace("http://example.com/y.json", R"({"type": "null"})");
  auto s = Compile(R"({"$ref": "http://example.com/x.json"})", docs);
  EXPECT_EQ(Check(*s, "null"), kValid);
  EXPECT_EQ(Check(*s, "0"), (Errors{{"", "type"}}));
}

TEST(CompilerTest, RefToShippedMetaschemaNeedsNoDocument) {
  auto s = Compile(R"({"$ref": "http://json-schema.org/draft-07/schema#"})");
  EXPECT_EQ(Check(*s, R"({"type": "string"})"), kValid);
  EXPECT_EQ(Check(*s, R"({"type": 5})"), (Errors{{"/type", "anyOf"}}));
  EXPECT_EQ(Check(*s, R"({"minimum": "x"})"), (Errors{{"/minimum", "type"}}));
  EXPECT_EQ(Check(*s, R"({"properties": {"a": {"minLength": -1}}})"),
            (Errors{{"/properties/a/minLength", "minimum"}}));
}

TEST(CompilerTest, RefToDraft4MetaschemaUsesDraft4Rules) {
  auto s = Compile(R"({"$ref": "http://json-schema.org/draft-04/schema#"})");
  EXPECT_EQ(Check(*s, R"({"minimum": 1, "exclusiveMinimum": true})"), kValid);
  EXPECT_EQ(Check(*s, R"({"exclusiveMinimum": 3})"),
            (Errors{{"", "dependencies"}, {"/exclusiveMinimum", "type"}}));
}

TEST(CompilerTest, UnknownSchemaUriIs22023) {
  // Another absolute URI may name a metaschema of one's own, to be fetched.
  EXPECT_EQ(CompileOutcome(R"({"$schema": "http://example.com/my-schema#"})"),
            "missing http://example.com/my-schema");
  EXPECT_EQ(CompileOutcome(R"({"$schema": "https://json-schema.org/draft/2021-01/schema"})"),
            "22023");
  EXPECT_EQ(CompileOutcome(R"({"$schema": "http://json-schema.org/draft-03/schema#"})"), "22023");
  EXPECT_EQ(CompileOutcome(R"({"$schema": 7})"), "22023");
}

TEST(CompilerTest, MetaschemaViolationsAre42P17) {
  EXPECT_EQ(CompileOutcome(R"({"type": 5})"), "42P17");
  EXPECT_EQ(CompileOutcome(R"({"minimum": "x"})"), "42P17");
  EXPECT_EQ(CompileOutcome(R"({"required": "a"})"), "42P17");
  EXPECT_EQ(CompileOutcome(R"({"minLength": -1})"), "42P17");
  EXPECT_EQ(CompileOutcome(WithSchema(kDraft4, R"("exclusiveMinimum": 3)")), "42P17");
}

TEST(CompilerTest, MetaschemaViolationDetailNamesThePath) {
  try {
    Compile(R"({"properties": {"a": {"minimum": "x"}}})");
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "42P17");
    EXPECT_NE(e.detail().find("/properties/a/minimum"), std::string::npos) << e.detail();
  }
}

TEST(CompilerTest, UnsupportedPatternIs22023) {
  EXPECT_EQ(CompileOutcome(R"({"pattern": "\\p{Alphabetic}"})"), "22023");
  EXPECT_EQ(CompileOutcome(R"({"pattern": "(a)\\2"})"), "22023");  // there is no group 2
  // PCRE2 runs lookbehind of a fixed length only.
  EXPECT_EQ(CompileOutcome(R"json({"patternProperties": {"(?<=a+)b": {}}})json"), "22023");
  EXPECT_EQ(CompileOutcome(R"({"pattern": "(?=a)b"})"), "");
}

TEST(CompilerTest, DefinitionMustBeJsonObjectOrBoolean) {
  EXPECT_EQ(CompileOutcome("5"), "42P17");
  EXPECT_EQ(CompileOutcome("[]"), "42P17");
  EXPECT_EQ(CompileOutcome("{"), "22P02");
  EXPECT_EQ(CompileOutcome("true"), "");
  // Draft 4 has no boolean schemas.
  CompileOptions draft4;
  draft4.default_dialect = Dialect::kDraft4;
  EXPECT_THROW(PrepareDefinition("true", {}, draft4, true), Error);
}

TEST(CompilerTest, DefinitionDeeperThanMaxDepthIs54000) {
  CompileOptions options;
  options.max_depth = 10;
  std::string deep;
  for (int i = 0; i < 11; i++) deep += R"({"not":)";
  deep += "{}";
  deep += std::string(11, '}');
  try {
    PrepareDefinition(deep, {}, options, true);
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "54000");
  }
}

TEST(CompilerTest, DefinitionTooDeepForStackBudgetIs54000) {
  // 1 MiB of budget at 4 KiB a level allows 256 levels of definition nesting.
  auto nested_not = [](int depth) {
    std::string text;
    for (int i = 0; i < depth; i++) text += R"({"not":)";
    return text + "{}" + std::string(depth, '}');
  };
  EXPECT_EQ(CompileOutcome(nested_not(255)), "");
  EXPECT_EQ(CompileOutcome(nested_not(256)), "54000");
  EXPECT_EQ(CompileOutcome(nested_not(900)), "54000");
}

TEST(CompilerTest, DialectRecorded) {
  EXPECT_EQ(Compile("{}")->dialect, Dialect::kDraft7);
  EXPECT_EQ(Compile(WithSchema(kDraft4, R"("type": "integer")"))->dialect, Dialect::kDraft4);
  EXPECT_EQ(Compile(WithSchema(kDraft6, R"("type": "integer")"))->dialect, Dialect::kDraft6);
}

TEST(ValidatorLimitsTest, DeepRecordExceedsStackBudgetWith54000) {
  auto s = Compile(R"({"type": "array", "items": {"$ref": "#"}})");
  Json record = ParseJson(Nested(5000), 10000);
  ValidateOptions options;
  options.stack_budget = 64 * 1024;
  for (bool collect : {false, true}) {
    try {
      if (collect) {
        CollectErrors(*s, record, options);
      } else {
        IsValid(*s, record, options);
      }
      ADD_FAILURE() << "no exception (collect=" << collect << ")";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "54000");
    }
  }
  // A shallow record fits in the same budget.
  EXPECT_EQ(Check(*s, Nested(10), options), kValid);
}

// The host's answer to "stop now?", switched by the tests below.
bool stop_requested = false;
bool StopRequested() { return stop_requested; }

TEST(ValidatorLimitsTest, StopCheckStopsValidation) {
  auto s = Compile(R"({"items": {"type": "integer"}})");
  Json record = Json::Array();
  for (int i = 0; i < 10000; i++) record.items().push_back(Json::Number(i));
  stop_requested = true;
  ValidateOptions options;
  options.should_stop = StopRequested;
  EXPECT_THROW(IsValid(*s, record, options), Interrupted);
  EXPECT_THROW(CollectErrors(*s, record, options), Interrupted);
  stop_requested = false;
  EXPECT_TRUE(IsValid(*s, record, options));
  EXPECT_TRUE(CollectErrors(*s, record, options).empty());
}

TEST(ValidatorLimitsTest, InterruptStopsUniqueItemsScan) {
  auto s = Compile(R"({"uniqueItems": true})");
  // The scan polls on every item; the host is asked every 256th poll.
  Json record = Json::Array();
  for (int i = 0; i < 1000; i++) record.items().push_back(Json::Number(i));
  stop_requested = true;
  ValidateOptions options;
  options.should_stop = StopRequested;
  EXPECT_THROW(IsValid(*s, record, options), Interrupted);
  stop_requested = false;
}

TEST(CompilerTest, StopCheckStopsCompilation) {
  stop_requested = true;
  CompileOptions options;
  options.should_stop = StopRequested;
  EXPECT_THROW(
      PrepareDefinition(R"({"properties": {"a": {"type": "integer"}}})", {}, options, false),
      Interrupted);
  stop_requested = false;
  EXPECT_NO_THROW(PrepareDefinition(R"({"properties": {"a": {}}})", {}, options, false));
}

// A format is asserted only by the drafts that define it.
TEST(ValidatorTest, FormatsFollowTheDialect) {
  EXPECT_EQ(Check(R"({"format": "date"})", R"("2023-02-30")"), (Errors{{"", "format"}}));
  EXPECT_EQ(Check(R"({"$schema": "http://json-schema.org/draft-04/schema#", "format": "date"})",
                  R"("2023-02-30")"),
            kValid);
  EXPECT_EQ(Check(R"({"$schema": "http://json-schema.org/draft-04/schema#", "format": "ipv4"})",
                  R"("1.2.3")"),
            (Errors{{"", "format"}}));
  EXPECT_EQ(
      Check(R"({"$schema": "http://json-schema.org/draft-06/schema#", "format": "json-pointer"})",
            R"("a")"),
      (Errors{{"", "format"}}));
  EXPECT_EQ(Check(R"({"format": "uuid"})", R"("not a uuid")"), kValid);
  EXPECT_EQ(Check(R"({"format": "duration"})", R"("x")"), kValid);
}

// "name:version" in a $ref names a registered version, asked for by a URN.
TEST(CompilerTest, RegistryRefsAskForTheNamedVersion) {
  try {
    PrepareDefinition(R"({"$ref": "lab/unit:2#/definitions/x"})", {}, CompileOptions{}, true);
    FAIL() << "no MissingDocument";
  } catch (const MissingDocument& missing) {
    EXPECT_EQ(missing.uri(), "urn:schemareg:lab/unit:2");
  }
  DocumentSource docs = {
      {"urn:schemareg:lab/unit:2", R"({"definitions": {"x": {"type": "string"}}})"}};
  auto s =
      PrepareDefinition(R"({"$ref": "lab/unit:2#/definitions/x"})", docs, CompileOptions{}, true);
  EXPECT_TRUE(IsValid(*s, ParseJson(R"("a")", 10), {}));
  EXPECT_FALSE(IsValid(*s, ParseJson("1", 10), {}));
  // URIs with a port or a scheme are not registry references.
  try {
    PrepareDefinition(R"({"$ref": "http://example.com:8080/s.json"})", {}, CompileOptions{}, true);
    FAIL() << "no MissingDocument";
  } catch (const MissingDocument& missing) {
    EXPECT_EQ(missing.uri(), "http://example.com:8080/s.json");
  }
}

}  // namespace
}  // namespace schemareg
