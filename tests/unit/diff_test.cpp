#include "core/diff.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace schemareg {
namespace {

// Each change as "path change backward forward", e.g. "/required required \"a\" added 0 1".
std::vector<std::string> Changes(const char* old_schema, const char* new_schema) {
  std::vector<std::string> out;
  for (const SchemaChange& c :
       CompareSchemas(ParseJson(old_schema, 100), ParseJson(new_schema, 100))) {
    out.push_back(c.path + " " + c.change + " " + (c.backward ? "1" : "0") +
                  (c.forward ? "1" : "0"));
  }
  return out;
}

using V = std::vector<std::string>;

TEST(DiffTest, IdenticalSchemasHaveNoChanges) {
  EXPECT_EQ(Changes(R"({"type": "object", "required": ["a"]})",
                    R"({"required": ["a"], "type": "object"})"),
            V{});
}

TEST(DiffTest, AnnotationsOnly) {
  EXPECT_EQ(Changes(R"({"description": "x", "type": "string"})",
                    R"({"description": "y", "type": "string"})"),
            (V{" annotations changed 11"}));
}

TEST(DiffTest, Required) {
  EXPECT_EQ(Changes(R"({"required": ["a"]})", R"({"required": ["a", "b"]})"),
            (V{"/required required \"b\" added 01"}));
  EXPECT_EQ(Changes(R"({"required": ["a", "b"]})", R"({"required": ["a"]})"),
            (V{"/required required \"b\" removed 10"}));
}

TEST(DiffTest, Types) {
  EXPECT_EQ(Changes(R"({"type": ["string", "null"]})", R"({"type": "string"})"),
            (V{"/type type narrowed 01"}));
  EXPECT_EQ(Changes(R"({"type": "integer"})", R"({"type": "number"})"),
            (V{"/type type widened 10"}));
  EXPECT_EQ(Changes(R"({"type": "string"})", R"({"type": "number"})"),
            (V{"/type type changed 00"}));
  EXPECT_EQ(Changes(R"({})", R"({"type": "string"})"), (V{"/type type narrowed 01"}));
}

TEST(DiffTest, EnumsAndBounds) {
  EXPECT_EQ(Changes(R"({"enum": [1, 2]})", R"({"enum": [1, 2, 3]})"),
            (V{"/enum enum extended 10"}));
  EXPECT_EQ(Changes(R"({"enum": [1, 2]})", R"({"enum": [1]})"), (V{"/enum enum reduced 01"}));
  EXPECT_EQ(Changes(R"({"maximum": 10})", R"({"maximum": 5})"),
            (V{"/maximum maximum tightened 01"}));
  EXPECT_EQ(Changes(R"({"minLength": 3})", R"({"minLength": 1})"),
            (V{"/minLength minLength relaxed 10"}));
  EXPECT_EQ(Changes(R"({})", R"({"maxItems": 3})"), (V{"/maxItems maxItems added 01"}));
}

TEST(DiffTest, Patterns) {
  EXPECT_EQ(Changes(R"({})", R"({"pattern": "^a"})"), (V{"/pattern pattern added 01"}));
  EXPECT_EQ(Changes(R"({"pattern": "^a"})", R"({})"), (V{"/pattern pattern removed 10"}));
  EXPECT_EQ(Changes(R"({"pattern": "^a"})", R"({"pattern": "^b"})"),
            (V{"/pattern pattern changed 00"}));
}

TEST(DiffTest, PropertiesOfOpenAndClosedObjects) {
  // Open object: a new constrained property narrows; a removed one widens.
  EXPECT_EQ(Changes(R"({"properties": {}})", R"({"properties": {"a": {"type": "string"}}})"),
            (V{"/properties/a property \"a\" added 01"}));
  EXPECT_EQ(Changes(R"({"properties": {"a": {"type": "string"}}})", R"({"properties": {}})"),
            (V{"/properties/a property \"a\" removed 10"}));
  // Closed object: a new property widens; a removed one narrows.
  EXPECT_EQ(Changes(R"({"additionalProperties": false, "properties": {}})",
                    R"({"additionalProperties": false, "properties": {"a": {"type": "string"}}})"),
            (V{"/properties/a property \"a\" added 10"}));
  EXPECT_EQ(Changes(R"({"additionalProperties": false, "properties": {"a": {}}})",
                    R"({"additionalProperties": false, "properties": {}})"),
            (V{"/properties/a property \"a\" removed 01"}));
  // Changes inside a property are found at its path.
  EXPECT_EQ(Changes(R"({"properties": {"a": {"maximum": 5}}})",
                    R"({"properties": {"a": {"maximum": 9}}})"),
            (V{"/properties/a/maximum maximum relaxed 10"}));
}

TEST(DiffTest, AdditionalProperties) {
  EXPECT_EQ(Changes(R"({"additionalProperties": false})", R"({})"),
            (V{"/additionalProperties additionalProperties opened 10"}));
  EXPECT_EQ(Changes(R"({})", R"({"additionalProperties": false})"),
            (V{"/additionalProperties additionalProperties closed 01"}));
}

TEST(DiffTest, UnclassifiedKeywordsAreNeitherWay) {
  EXPECT_EQ(Changes(R"({"anyOf": [{"type": "string"}]})", R"({"anyOf": [{"type": "number"}]})"),
            (V{"/anyOf anyOf changed 00"}));
}

// Drafts 2019-09 and 2020-12.
TEST(DiffTest, ModernKeywords) {
  EXPECT_EQ(Changes(R"({"dependentRequired": {"a": ["b"]}})",
                    R"({"dependentRequired": {"a": ["b", "c"], "d": ["e"]}})"),
            (V{"/dependentRequired/a dependentRequired \"c\" added 01",
               "/dependentRequired/d dependentRequired \"e\" added 01"}));
  EXPECT_EQ(Changes(R"({"dependentSchemas": {"a": {"required": ["b"]}}})", R"({})"),
            (V{"/dependentSchemas/a dependent schema \"a\" removed 10"}));
  EXPECT_EQ(Changes(R"({"$defs": {"a": {"type": "string"}}})", R"({"$defs": {}})"),
            (V{"/$defs/a definition \"a\" removed 11"}));
  EXPECT_EQ(Changes(R"({"$defs": {"a": {"type": "string"}}})",
                    R"({"$defs": {"a": {"type": ["string", "null"]}}})"),
            (V{"/$defs/a/type type widened 10"}));
  EXPECT_EQ(Changes(R"({"minContains": 2})", R"({"minContains": 1})"),
            (V{"/minContains minContains relaxed 10"}));
  EXPECT_EQ(Changes(R"({"maxContains": 2})", R"({"maxContains": 1})"),
            (V{"/maxContains maxContains tightened 01"}));
  EXPECT_EQ(Changes(R"({"deprecated": false, "type": "string"})",
                    R"({"deprecated": true, "type": "string"})"),
            (V{" annotations changed 11"}));
}

TEST(DiffTest, UnevaluatedPropertiesFalseClosesAnObject) {
  EXPECT_EQ(
      Changes(
          R"({"properties": {"a": {}}, "unevaluatedProperties": false})",
          R"({"properties": {"a": {}, "b": {"type": "string"}}, "unevaluatedProperties": false})"),
      (V{"/properties/b property \"b\" added 10"}));
  EXPECT_EQ(Changes(R"({"unevaluatedProperties": true})", R"({"unevaluatedProperties": false})"),
            (V{"/unevaluatedProperties unevaluatedProperties closed 01"}));
  EXPECT_EQ(Changes(R"({"unevaluatedItems": false})", R"({})"),
            (V{"/unevaluatedItems unevaluatedItems opened 10"}));
}

TEST(DiffTest, PrefixItems) {
  EXPECT_EQ(Changes(R"({"prefixItems": [{"type": "string"}]})",
                    R"({"prefixItems": [{"type": "string"}, {"type": "number"}]})"),
            (V{"/prefixItems/1 prefix item 1 added 01"}));
  EXPECT_EQ(Changes(R"({"prefixItems": [{"type": "string"}], "items": false})",
                    R"({"prefixItems": [{"type": "string"}, {"type": "number"}], "items": false})"),
            (V{"/prefixItems/1 prefix item 1 added 10"}));
  EXPECT_EQ(Changes(R"({"prefixItems": [{"type": "string"}]})",
                    R"({"prefixItems": [{"type": ["string", "null"]}]})"),
            (V{"/prefixItems/0/type type widened 10"}));
}

}  // namespace
}  // namespace schemareg
