#include "core/metaschema_check.hpp"

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "core/definition.hpp"
#include "core/dialect.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/validator.hpp"

namespace schemareg {
namespace {

// The Error CheckAgainstMetaschema throws for `text`, or one with code "" when it passes.
Error MetaschemaError(const std::string& text, Dialect dialect) {
  try {
    CheckAgainstMetaschema(ParseJson(text, 100), dialect);
  } catch (const Error& e) {
    return e;
  }
  return Error("", "");
}

TEST(MetaschemaTest, EachMetaschemaPassesItsOwnCheck) {
  for (Dialect d : kAllDialects) {
    CompileOptions options;
    options.default_dialect = d;
    std::unique_ptr<CompiledSchema> schema;
    EXPECT_NO_THROW(schema = PrepareDefinition(MetaschemaText(d), {}, options, true))
        << DialectName(d);
    ASSERT_NE(schema, nullptr);
    EXPECT_EQ(schema->dialect, d);
  }
}

TEST(MetaschemaTest, EachCompiledMetaschemaAcceptsItself) {
  for (Dialect d : kAllDialects) {
    CompileOptions options;
    options.default_dialect = d;
    auto schema = PrepareDefinition(MetaschemaText(d), {}, options, true);
    Json self = ParseJson(MetaschemaText(d), 1000);
    EXPECT_TRUE(IsValid(*schema, self, {})) << DialectName(d);
    EXPECT_TRUE(CollectErrors(*schema, self, {}).empty()) << DialectName(d);
  }
}

TEST(MetaschemaTest, CompiledDraft7MetaschemaRejectsBadSchemas) {
  auto schema = PrepareDefinition(MetaschemaText(Dialect::kDraft7), {}, CompileOptions{}, true);
  EXPECT_FALSE(IsValid(*schema, ParseJson(R"({"type": 5})", 10), {}));
  EXPECT_FALSE(IsValid(*schema, ParseJson(R"({"required": [1]})", 10), {}));
  EXPECT_FALSE(IsValid(*schema, ParseJson("5", 10), {}));
  EXPECT_TRUE(IsValid(*schema, ParseJson("true", 10), {}));
}

TEST(MetaschemaTest, ValidDefinitionsPass) {
  EXPECT_EQ(MetaschemaError(R"({"type": "object", "properties": {"a": {"minimum": 1}}})",
                            Dialect::kDraft7)
                .code(),
            "");
  EXPECT_EQ(MetaschemaError(R"({"maximum": 3, "exclusiveMaximum": true})", Dialect::kDraft4).code(),
            "");
  EXPECT_EQ(MetaschemaError(R"({"exclusiveMaximum": 3})", Dialect::kDraft6).code(), "");
}

TEST(MetaschemaTest, DetailNamesThePathAndKeyword) {
  Error e = MetaschemaError(R"({"minimum": "x"})", Dialect::kDraft7);
  EXPECT_EQ(e.code(), "42P17");
  EXPECT_NE(e.detail().find("/minimum"), std::string::npos) << e.detail();
  EXPECT_NE(e.detail().find("(type)"), std::string::npos) << e.detail();
  EXPECT_NE(std::string(e.what()).find("draft7"), std::string::npos) << e.what();
  EXPECT_FALSE(e.hint().empty());
}

TEST(MetaschemaTest, DetailNamesNestedPaths) {
  Error e =
      MetaschemaError(R"({"properties": {"a/b": {"items": [{"type": 5}]}}})", Dialect::kDraft7);
  EXPECT_EQ(e.code(), "42P17");
  EXPECT_NE(e.detail().find("/properties/a~1b/items"), std::string::npos) << e.detail();
}

TEST(MetaschemaTest, Draft4BooleanExclusiveBounds) {
  // Draft 4 wants a boolean, and "maximum" alongside it.
  Error number = MetaschemaError(R"({"exclusiveMaximum": 3})", Dialect::kDraft4);
  EXPECT_EQ(number.code(), "42P17");
  EXPECT_NE(number.detail().find("/exclusiveMaximum"), std::string::npos) << number.detail();
  EXPECT_EQ(MetaschemaError(R"({"exclusiveMaximum": true})", Dialect::kDraft4).code(), "42P17");
  // Draft 6 wants a number.
  EXPECT_EQ(MetaschemaError(R"({"exclusiveMaximum": true})", Dialect::kDraft6).code(), "42P17");
}

// valijson's format check throws on a non-empty object or array where the
// metaschema wants a string with a format; that was XX000 in the server.
TEST(MetaschemaTest, ObjectOrArrayWhereAFormattedStringBelongsNamesThePath) {
  struct Case {
    const char* text;
    Dialect dialect;
    const char* path;
  };
  const Case cases[] = {
      {R"({"pattern": {"": ""}})", Dialect::kDraft7, "/pattern"},
      {R"({"pattern": {"": ""}})", Dialect::kDraft4, "/pattern"},
      {R"({"properties": {"a": {"pattern": [1, 2]}}})", Dialect::kDraft6, "/properties/a/pattern"},
      {R"({"$ref": {"a": 1}})", Dialect::kDraft7, "/$ref"},
      {R"({"$ref": [1]})", Dialect::kDraft6, "/$ref"},
      {R"({"$id": [1]})", Dialect::kDraft7, "/$id"},
      {R"({"id": {"x": "y"}})", Dialect::kDraft4, "/id"},
      {R"({"patternProperties": {"a": {"$id": {"x": 1}}}})", Dialect::kDraft7,
       "/patternProperties/a/$id"},
      {R"({"definitions": {"d": {"$ref": {"$ref": "#"}}}})", Dialect::kDraft7,
       "/definitions/d/$ref"},
  };
  for (const Case& c : cases) {
    Error e = MetaschemaError(c.text, c.dialect);
    EXPECT_EQ(e.code(), "42P17") << c.text;
    EXPECT_NE(e.detail().find(std::string(c.path) + ": expected string"), std::string::npos)
        << c.text << ": " << e.detail();
  }
}

// The same through the path create_schema takes: parse, dialect, check, compile.
TEST(MetaschemaTest, PrepareDefinitionRefusesAnObjectPatternWith42P17) {
  try {
    PrepareDefinition(R"({"type": "object", "pattern": {"": ""}})", {}, CompileOptions{}, true);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "42P17");
    EXPECT_EQ(e.detail(), "/pattern: expected string, found object (type)");
  }
}

TEST(DialectTest, FindDialectAcceptsHttpHttpsAndEmptyFragment) {
  Dialect d = Dialect::kDraft7;
  EXPECT_TRUE(FindDialect("http://json-schema.org/draft-04/schema#", &d));
  EXPECT_EQ(d, Dialect::kDraft4);
  EXPECT_TRUE(FindDialect("https://json-schema.org/draft-06/schema", &d));
  EXPECT_EQ(d, Dialect::kDraft6);
  EXPECT_TRUE(FindDialect("http://json-schema.org/draft-07/schema", &d));
  EXPECT_EQ(d, Dialect::kDraft7);
  EXPECT_FALSE(FindDialect("http://json-schema.org/draft-03/schema#", &d));
  EXPECT_FALSE(FindDialect("json-schema.org/draft-07/schema#", &d));
  EXPECT_FALSE(FindDialect("http://json-schema.org/draft-07/schema#/definitions", &d));
}

TEST(DialectTest, DialectOfFallsBackWithoutSchema) {
  EXPECT_EQ(DialectOf(ParseJson("{}", 10), Dialect::kDraft6), Dialect::kDraft6);
  EXPECT_EQ(DialectOf(ParseJson("true", 10), Dialect::kDraft4), Dialect::kDraft4);
  EXPECT_EQ(DialectOf(ParseJson(R"({"$schema": "http://json-schema.org/draft-04/schema#"})", 10),
                      Dialect::kDraft7),
            Dialect::kDraft4);
}

TEST(DialectTest, NamesRoundTrip) {
  for (Dialect d : kAllDialects) {
    Dialect parsed;
    ASSERT_TRUE(ParseDialectName(DialectName(d), &parsed));
    EXPECT_EQ(parsed, d);
    Dialect found;
    ASSERT_TRUE(FindDialect(MetaschemaUri(d), &found));
    EXPECT_EQ(found, d);
  }
  Dialect unused;
  EXPECT_FALSE(ParseDialectName("draft2019-9", &unused));
  EXPECT_FALSE(ParseDialectName("2020-12", &unused));
}

}  // namespace
}  // namespace schemareg
