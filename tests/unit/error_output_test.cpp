// A record's errors as JSON: the errors column / JSON detail array and the
// "basic" output format, with keys and messages that need escaping.
#include <string>

#include <gtest/gtest.h>

#include "core/definition.hpp"
#include "core/error.hpp"
#include "core/error_output.hpp"
#include "core/json.hpp"
#include "core/validator.hpp"

namespace schemareg {
namespace {

ErrorList Errors(const std::string& schema_text, const std::string& record) {
  auto schema = PrepareDefinition(schema_text, {}, CompileOptions{}, true);
  return CollectErrors(*schema, ParseJson(record, 100), {});
}

TEST(ErrorOutputTest, ArrayListsPathSchemaPathKeywordAndMessage) {
  ErrorList errors = Errors(
      R"({"definitions": {"n": {"minimum": 0}}, "properties": {"r": {"items": {"$ref": "#/definitions/n"}}}})",
      R"({"r": [1, -2]})");
  EXPECT_EQ(ErrorsJsonArray(errors),
            R"([{"path": "/r/1", "schema_path": "/properties/r/items/$ref/minimum", )"
            R"("keyword": "minimum", "message": "-2 is less than the minimum 0"}])");
  EXPECT_EQ(
      BasicOutput(errors),
      R"({"valid": false, "errors": [{"keywordLocation": "/properties/r/items/$ref/minimum", )"
      R"("instanceLocation": "/r/1", "error": "-2 is less than the minimum 0"}]})");
  EXPECT_EQ(BasicOutput(Errors("{}", "1")), R"({"valid": true})");
  EXPECT_EQ(ErrorsJsonArray(Errors("{}", "1")), "[]");
}

// Keys with a newline, quotes, ": ", a control character and non-ASCII text
// come back as they were from the JSON (the text detail cannot say them).
TEST(ErrorOutputTest, EscapesWhatTheTextFormatCannotSay) {
  std::string key = "a\n\"b\": c\x01\xc3\xa9/~";
  Json schema = Json::Object();
  Json properties = Json::Object();
  Json integer = Json::Object();
  integer.Set("type", Json::String("integer"));
  properties.Set(key, std::move(integer));
  schema.Set("properties", std::move(properties));
  Json record = Json::Object();
  record.Set(key, Json::String("x"));
  ErrorList errors = Errors(ToJsonText(schema), ToJsonText(record));
  ASSERT_EQ(errors.kept.size(), 1u);
  Json array = ParseJson(ErrorsJsonArray(errors), 10);
  ASSERT_EQ(array.items().size(), 1u);
  const Json& e = array.items()[0];
  EXPECT_EQ(e.Find("path")->as_string(), "/a\n\"b\": c\x01\xc3\xa9~1~0");
  EXPECT_EQ(e.Find("schema_path")->as_string(), "/properties/a\n\"b\": c\x01\xc3\xa9~1~0/type");
  EXPECT_EQ(e.Find("keyword")->as_string(), "type");
  Json basic = ParseJson(BasicOutput(errors), 10);
  EXPECT_EQ(basic.Find("errors")->items()[0].Find("instanceLocation")->as_string(),
            e.Find("path")->as_string());
}

// Past the limit, the array ends in one element that counts the rest; the
// basic output keeps its errors real and says how many more in more_errors.
TEST(ErrorOutputTest, CountsWhatItDoesNotList) {
  ValidateOptions options;
  options.max_errors = 2;
  auto schema = PrepareDefinition(R"({"items": {"type": "string"}})", {}, CompileOptions{}, true);
  ErrorList errors = CollectErrors(*schema, ParseJson("[1, 2, 3, 4]", 10), options);
  ASSERT_EQ(errors.kept.size(), 2u);
  EXPECT_EQ(ErrorsJsonArray(errors, 1),
            R"([{"path": "/0", "schema_path": "/items/type", "keyword": "type", )"
            R"("message": "expected string, found integer"}, )"
            R"({"path": null, "schema_path": null, "keyword": null, )"
            R"("message": "... and 3 more errors"}])");
  EXPECT_EQ(ParseJson(BasicOutput(errors), 10).Find("more_errors")->as_number(), 2);
  EXPECT_EQ(ParseJson(BasicOutput(errors), 10).Find("errors")->items().size(), 2u);
}

// An Error says where in the code it was made.
TEST(ErrorOutputTest, ErrorsKnowWhereTheyWereRaised) {
  int line = __LINE__ + 1;
  Error e("23514", "m");
  EXPECT_EQ(e.where().line, line);
  EXPECT_NE(std::string(e.where().file).find("error_output_test.cpp"), std::string::npos);
  EXPECT_STREQ(e.where().function, "TestBody");
}

}  // namespace
}  // namespace schemareg

namespace schemareg {
namespace {

// What is not UTF-8 (a lone surrogate from a definition made outside jsonb,
// a stray byte) becomes U+FFFD, so the JSON forms always parse.
TEST(ErrorOutputTest, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(ValidUtf8("a\xc3\xa9\xf0\x9f\x98\x80z"), "a\xc3\xa9\xf0\x9f\x98\x80z");
  EXPECT_EQ(ValidUtf8("\xed\xb8\x80!"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd!");
  EXPECT_EQ(ValidUtf8("\xc0\xaf\xff\xc3"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  ErrorList errors;
  errors.kept.push_back({"/\xed\xb8\x80", "const", "m\xff", ""});
  Json array = ParseJson(ErrorsJsonArray(errors), 10);
  EXPECT_EQ(array.items()[0].Find("path")->as_string(), "/\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(array.items()[0].Find("message")->as_string(), "m\xef\xbf\xbd");
}

}  // namespace
}  // namespace schemareg
