#include "core/definition_check.hpp"

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/definition.hpp"
#include "core/error.hpp"

namespace schemareg {
namespace {

// "path|severity|message" lines, in order.
std::vector<std::string> Lines(const DefinitionCheck& check) {
  std::vector<std::string> out;
  for (const DefinitionIssue& i : check.issues)
    out.push_back(i.path + "|" + i.severity + "|" + i.message);
  return out;
}

DefinitionCheck Check(const std::string& text, const std::string& lint = "warning",
                      const DocumentSource& documents = {},
                      const std::set<std::string>& unavailable = {}) {
  CompileOptions options;
  return CheckDefinition(text, documents, unavailable, options, lint);
}

TEST(DefinitionCheckTest, AcceptedDefinitionHasNoIssues) {
  for (const char* text : {"true", "{}", R"({"type": "string", "pattern": "^a+$"})",
                           R"({"$ref": "http://json-schema.org/draft-07/schema#"})"}) {
    DefinitionCheck check = Check(text);
    EXPECT_TRUE(check.issues.empty()) << text;
    EXPECT_TRUE(check.to_fetch.empty()) << text;
    CompileOptions options;
    EXPECT_NO_THROW(PrepareDefinition(text, {}, options, true)) << text;
  }
}

TEST(DefinitionCheckTest, EveryMetaschemaViolationIsARow) {
  DefinitionCheck check = Check(R"({"minimum": "0", "properties": {"a": {"maxLength": -1}}})");
  EXPECT_EQ(Lines(check),
            (std::vector<std::string>{
                "/minimum|error|does not conform to the draft7 metaschema: expected number, found "
                "string (type)",
                "/properties/a/maxLength|error|does not conform to the draft7 metaschema: -1 is "
                "less than the minimum 0 (minimum)"}));
}

TEST(DefinitionCheckTest, CompileProblemsAreAllListedWithTheirPaths) {
  DefinitionCheck check = Check(R"({"properties": {
      "a": {"pattern": "\\p{Foo}"},
      "b": {"$ref": "#/definitions/none"},
      "c": {"items": {"$ref": "#nowhere"}},
      "d": {"$ref": "#/definitions/x"}},
    "definitions": {"x": {"patternProperties": {"\\p{Bar}": true}}}})");
  EXPECT_EQ(Lines(check),
            (std::vector<std::string>{
                "/properties/a/pattern|error|pattern \"\\p{Foo}\" uses the Unicode property "
                "\\p{Foo}, which schemareg's regular expressions do not support",
                "/properties/b/$ref|error|$ref \"#/definitions/none\" points to nothing: JSON "
                "Pointer \"/definitions/none\" has no value at \"none\".",
                "/properties/c/items/$ref|error|$ref \"#nowhere\" names an identifier that does "
                "not exist: No subschema has the id \"#nowhere\".",
                "/definitions/x/patternProperties|error|pattern \"\\p{Bar}\" uses the Unicode "
                "property \\p{Bar}, which schemareg's regular expressions do not support"}));
}

// A subschema nothing reaches is not compiled, by create_schema either.
TEST(DefinitionCheckTest, UnreachedSubschemasAreNotCompiled) {
  const std::string text = R"({"definitions": {"x": {"pattern": "\\p{Bar}"}}})";
  EXPECT_TRUE(Check(text).issues.empty());
  CompileOptions options;
  EXPECT_NO_THROW(PrepareDefinition(text, {}, options, true));
}

TEST(DefinitionCheckTest, MissingDocumentsAreAskedForThenReported) {
  const std::string text =
      R"({"properties": {"a": {"$ref": "https://x.test/a"}, "b": {"$ref": "other:2"},
          "c": {"$ref": "https://x.test/a#/definitions/d"}}})";
  DefinitionCheck first = Check(text);
  EXPECT_TRUE(first.issues.empty());
  EXPECT_EQ(first.to_fetch, (std::vector<std::string>{
                                "https://x.test/a", std::string(kRegistryUriPrefix) + "other:2"}));
  // The host found the first and not the second.
  DocumentSource documents = {{"https://x.test/a", R"({"definitions": {"d": {}}})"}};
  DefinitionCheck second =
      Check(text, "warning", documents, {std::string(kRegistryUriPrefix) + "other:2"});
  EXPECT_TRUE(second.to_fetch.empty());
  EXPECT_EQ(Lines(second), (std::vector<std::string>{
                               "/properties/b/$ref|error|$ref \"other:2\" names a schema version "
                               "that does not exist"}));
}

TEST(DefinitionCheckTest, UnknownSchemaAndCycles) {
  DefinitionCheck check = Check(R"({"$schema": "https://x.test/meta"})");
  EXPECT_EQ(check.to_fetch, (std::vector<std::string>{"https://x.test/meta"}));
  check = Check(R"({"$schema": "https://x.test/meta"})", "warning", {}, {"https://x.test/meta"});
  ASSERT_EQ(check.issues.size(), 1u);
  EXPECT_EQ(check.issues[0].path, "/$schema");
  EXPECT_EQ(Lines(Check(R"({"anyOf": [{"$ref": "#"}]})")),
            (std::vector<std::string>{"|error|schema refers to itself without descending into "
                                      "the record (via $ref \"#\")"}));
  EXPECT_EQ(Lines(Check("[1]")),
            (std::vector<std::string>{"|error|a schema definition must be a JSON object or a "
                                      "boolean"}));
}

TEST(DefinitionCheckTest, LintFollowsTheSeverityAskedFor) {
  const std::string text = R"({"properties": {"a": {"colour": 1}}, "prefixItems": []})";
  EXPECT_EQ(Lines(Check(text, "warning")),
            (std::vector<std::string>{
                "/prefixItems|warning|\"prefixItems\" is a keyword of draft2020-12 only: it is "
                "ignored (schemareg.strict)",
                "/properties/a/colour|warning|\"colour\" is no keyword of any draft: it is "
                "ignored (schemareg.strict)"}));
  EXPECT_EQ(Check(text, "error").issues.size(), 2u);
  EXPECT_EQ(Check(text, "error").issues[0].severity, "error");
  EXPECT_TRUE(Check(text, "").issues.empty());
}

// Without a collector the compile stops at the first problem, as before.
TEST(DefinitionCheckTest, CompileWithoutCollectorStillThrows) {
  CompileOptions options;
  try {
    PrepareDefinition(R"({"properties": {"b": {"$ref": "#/nope"}}})", {}, options, true);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "42P17");
  }
}

}  // namespace
}  // namespace schemareg
