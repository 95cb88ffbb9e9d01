#include "core/json.hpp"

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace schemareg {
namespace {

// The SQLSTATE ParseJson throws for `text`, or "" when it parses.
std::string ParseErrorCode(const std::string& text, size_t max_depth) {
  try {
    ParseJson(text, max_depth);
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

std::string Nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonParseTest, ScalarsHaveTheirTypesAndValues) {
  EXPECT_TRUE(ParseJson("null", 10).is_null());
  Json t = ParseJson("true", 10);
  ASSERT_TRUE(t.is_bool());
  EXPECT_TRUE(t.as_bool());
  Json s = ParseJson(R"("a\u00e9\n")", 10);
  ASSERT_TRUE(s.is_string());
  EXPECT_EQ(s.as_string(), "a\xC3\xA9\n");
  Json n = ParseJson("-12.5e1", 10);
  ASSERT_TRUE(n.is_number());
  EXPECT_EQ(n.as_number(), -125.0);
}

TEST(JsonParseTest, LargeIntegersBecomeDoubles) {
  EXPECT_EQ(ParseJson("9007199254740993", 10).as_number(), 9007199254740992.0);
  EXPECT_EQ(ParseJson("-9223372036854775808", 10).as_number(), -9223372036854775808.0);
  EXPECT_EQ(ParseJson("18446744073709551616", 10).as_number(), 18446744073709551616.0);
}

// A number beyond double's range is a number: +-inf as a double, exact as a decimal.
TEST(JsonParseTest, NumberBeyondDoubleRangeIsExact) {
  Json big = ParseJson("[1, {\"a\": -2.5e400}, \"schemareg\"]", 10);
  const Json& a = *big.items()[1].Find("a");
  EXPECT_EQ(a.as_number(), -HUGE_VAL);
  EXPECT_FALSE(a.number_is_short());
  EXPECT_EQ(a.as_decimal().ToText(), "-2.5e400");
  EXPECT_EQ(big.items()[2].as_string(), "schemareg");
  EXPECT_EQ(ToJsonText(big), "[1,{\"a\":-2.5e400},\"schemareg\"]");
  // The marker that carries them through RapidJSON is no string of the text's.
  Json text = ParseJson("[\"\\u0001schemareg-number:5\", 1]", 10);
  EXPECT_TRUE(text.items()[0].is_string());
  EXPECT_EQ(ParseErrorCode("[\"\\u0001schemareg-number:5\", 1e400]", 10), "54000");
}

TEST(JsonParseTest, OutOfRangeNumbersAreTreatedAlike) {
  // Every value beyond DBL_MAX parses alike ("" is no error).
  const std::string outcome = ParseErrorCode("1e400", 10);
  EXPECT_EQ(ParseErrorCode("2e308", 10), outcome);
  EXPECT_EQ(ParseErrorCode("1.8e308", 10), outcome);
  EXPECT_EQ(ParseErrorCode("100e307", 10), outcome);
  EXPECT_EQ(ParseErrorCode("0.1e310", 10), outcome);
  EXPECT_EQ(ParseErrorCode(std::string(400, '9'), 10), outcome);
}

TEST(JsonParseTest, LargestFiniteDoubleParses) {
  EXPECT_EQ(ParseJson("1.7976931348623157e308", 10).as_number(), 1.7976931348623157e308);
  EXPECT_EQ(ParseJson("1e-400", 10).as_number(), 0.0);
}

TEST(JsonParseTest, IsIntegerIgnoresZeroFraction) {
  EXPECT_TRUE(ParseJson("1.0", 10).is_integer());
  EXPECT_TRUE(ParseJson("1", 10).is_integer());
  EXPECT_TRUE(ParseJson("-0", 10).is_integer());
  EXPECT_TRUE(ParseJson("1e2", 10).is_integer());
  EXPECT_FALSE(ParseJson("1.5", 10).is_integer());
  EXPECT_FALSE(ParseJson("\"1\"", 10).is_integer());
}

TEST(JsonParseTest, DuplicateKeysKeepLastValue) {
  Json obj = ParseJson(R"({"a": 1, "b": 2, "a": 3})", 10);
  ASSERT_TRUE(obj.is_object());
  ASSERT_EQ(obj.members().size(), 2u);
  ASSERT_NE(obj.Find("a"), nullptr);
  EXPECT_EQ(obj.Find("a")->as_number(), 3.0);
  EXPECT_EQ(obj.Find("b")->as_number(), 2.0);
  EXPECT_EQ(obj.Find("c"), nullptr);
}

TEST(JsonParseTest, ObjectsKeepDocumentOrder) {
  Json obj = ParseJson(R"({"z": 1, "a": 2, "m": 3})", 10);
  ASSERT_EQ(obj.members().size(), 3u);
  EXPECT_EQ(obj.members()[0].first, "z");
  EXPECT_EQ(obj.members()[1].first, "a");
  EXPECT_EQ(obj.members()[2].first, "m");
}

TEST(JsonParseTest, InvalidTextThrows22P02) {
  for (const char* text : {"", "{", "[1,]", "{\"a\" 1}", "tru", "01", "1 2", "'a'", "NaN",
                           "\"\xFF\"", "{\"a\":1,}", "[1] x"}) {
    EXPECT_EQ(ParseErrorCode(text, 10), "22P02") << text;
  }
}

TEST(JsonParseTest, NestingAtTheLimitParses) {
  EXPECT_EQ(ParseErrorCode(Nested(5), 5), "");
  EXPECT_EQ(ParseErrorCode(R"({"a":{"b":[{"c":1}]}})", 4), "");
  // Scalars have no nesting at all.
  EXPECT_EQ(ParseErrorCode("1", 0), "");
}

TEST(JsonParseTest, NestingOnePastTheLimitThrows54000) {
  EXPECT_EQ(ParseErrorCode(Nested(6), 5), "54000");
  EXPECT_EQ(ParseErrorCode(R"({"a":{"b":[{"c":1}]}})", 3), "54000");
  EXPECT_EQ(ParseErrorCode("[]", 0), "54000");
}

TEST(JsonParseTest, HugeNestingFailsCleanlyWithoutRecursion) {
  // A recursive parser would overflow the stack long before 100,000 levels.
  EXPECT_EQ(ParseErrorCode(Nested(100000), 1000), "54000");
  EXPECT_EQ(ParseErrorCode(std::string(100000, '['), 1000), "54000");
}

TEST(JsonParseTest, ReportsDeepestNesting) {
  size_t depth = 99;
  ParseJson("1", 10, &depth);
  EXPECT_EQ(depth, 0u);
  ParseJson(R"([{"a": [1]}, []])", 10, &depth);
  EXPECT_EQ(depth, 3u);
  ParseJson(Nested(7), 7, &depth);
  EXPECT_EQ(depth, 7u);
}

TEST(JsonParseTest, DepthErrorMentionsTheLimit) {
  try {
    ParseJson(Nested(3), 2);
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "54000");
    EXPECT_NE(std::string(e.what()).find("2 levels"), std::string::npos) << e.what();
  }
}

TEST(JsonEqualTest, NumbersCompareByValue) {
  EXPECT_TRUE(JsonEqual(ParseJson("1", 10), ParseJson("1.0", 10)));
  EXPECT_TRUE(JsonEqual(ParseJson("100", 10), ParseJson("1e2", 10)));
  EXPECT_TRUE(JsonEqual(ParseJson("-0.0", 10), ParseJson("0", 10)));
  EXPECT_FALSE(JsonEqual(ParseJson("1", 10), ParseJson("1.5", 10)));
}

TEST(JsonEqualTest, TypesMustMatch) {
  EXPECT_FALSE(JsonEqual(ParseJson("1", 10), ParseJson("\"1\"", 10)));
  EXPECT_FALSE(JsonEqual(ParseJson("0", 10), ParseJson("false", 10)));
  EXPECT_FALSE(JsonEqual(ParseJson("null", 10), ParseJson("false", 10)));
  EXPECT_FALSE(JsonEqual(ParseJson("[]", 10), ParseJson("{}", 10)));
}

TEST(JsonEqualTest, ObjectsIgnoreMemberOrder) {
  EXPECT_TRUE(
      JsonEqual(ParseJson(R"({"a":1,"b":[2]})", 10), ParseJson(R"({"b":[2.0],"a":1})", 10)));
  EXPECT_FALSE(JsonEqual(ParseJson(R"({"a":1})", 10), ParseJson(R"({"a":1,"b":2})", 10)));
  EXPECT_FALSE(JsonEqual(ParseJson(R"({"a":1,"b":2})", 10), ParseJson(R"({"a":1})", 10)));
  EXPECT_FALSE(JsonEqual(ParseJson(R"({"a":1})", 10), ParseJson(R"({"b":1})", 10)));
}

TEST(JsonEqualTest, ArraysAreOrderSensitive) {
  EXPECT_TRUE(JsonEqual(ParseJson("[1,2]", 10), ParseJson("[1.0,2]", 10)));
  EXPECT_FALSE(JsonEqual(ParseJson("[1,2]", 10), ParseJson("[2,1]", 10)));
  EXPECT_FALSE(JsonEqual(ParseJson("[1]", 10), ParseJson("[1,1]", 10)));
}

TEST(JsonHashTest, EqualValuesHashAlike) {
  const std::pair<const char*, const char*> kEqual[] = {
      {"1", "1.0"},           {"-0.0", "0"},      {R"({"a":1,"b":[2]})", R"({"b":[2.0],"a":1})"},
      {"[1,2]", "[1.0,2.0]"}, {"\"x\"", "\"x\""}, {"null", "null"},
  };
  for (const auto& [a, b] : kEqual) {
    Json ja = ParseJson(a, 10), jb = ParseJson(b, 10);
    ASSERT_TRUE(JsonEqual(ja, jb)) << a << " vs " << b;
    EXPECT_EQ(JsonHash(ja), JsonHash(jb)) << a << " vs " << b;
  }
}

TEST(JsonHashTest, DistinguishesCommonUnequalValues) {
  // Not required by the contract, but collisions here would make uniqueItems slow.
  EXPECT_NE(JsonHash(ParseJson("[1,2]", 10)), JsonHash(ParseJson("[2,1]", 10)));
  EXPECT_NE(JsonHash(ParseJson("1", 10)), JsonHash(ParseJson("2", 10)));
  EXPECT_NE(JsonHash(ParseJson("true", 10)), JsonHash(ParseJson("false", 10)));
}

TEST(ToJsonTextTest, SerialisesCompactly) {
  EXPECT_EQ(ToJsonText(ParseJson(R"({ "a" : [1, 2.5, true, null], "b" : "x\"y" })", 10)),
            R"({"a":[1,2.5,true,null],"b":"x\"y"})");
  EXPECT_EQ(ToJsonText(ParseJson("1.0", 10)), "1");
  EXPECT_EQ(ToJsonText(ParseJson(R"("\u0001\t\\")", 10)), R"("\u0001\t\\")");
  EXPECT_EQ(ToJsonText(Json::Array()), "[]");
  EXPECT_EQ(ToJsonText(Json::Object()), "{}");
}

TEST(ToJsonTextTest, TruncatesWithEllipsis) {
  EXPECT_EQ(ToJsonText(Json::String("abcdefghij"), 5), "\"abcd...");
  EXPECT_EQ(ToJsonText(Json::String("ab"), 5), "\"ab\"");
}

TEST(AppendPointerTokenTest, EscapesTildeAndSlash) {
  std::string pointer;
  AppendPointerToken(pointer, "a");
  EXPECT_EQ(pointer, "/a");
  AppendPointerToken(pointer, "b/c~d");
  EXPECT_EQ(pointer, "/a/b~1c~0d");
  AppendPointerToken(pointer, "");
  EXPECT_EQ(pointer, "/a/b~1c~0d/");
  std::string other;
  AppendPointerToken(other, "~1");
  EXPECT_EQ(other, "/~01");
}

bool stop_parse = false;
bool StopParse() { return stop_parse; }

TEST(JsonParseTest, StopCheckStopsALongParse) {
  std::string text = "[";
  for (int i = 0; i < 100000; i++) text += i == 0 ? "1" : ",1";
  text += "]";
  stop_parse = true;
  EXPECT_THROW(ParseJson(text, 10, nullptr, StopParse), Interrupted);
  stop_parse = false;
  EXPECT_EQ(ParseJson(text, 10, nullptr, StopParse).items().size(), 100000u);
}

TEST(JsonParseTest, ManyKeysParseAndKeepTheLastDuplicate) {
  std::string text = "{";
  for (int i = 0; i < 50000; i++)
    text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  text += ",\"k7\":\"last\"}";
  Json object = ParseJson(text, 10);
  EXPECT_EQ(object.members().size(), 50000u);
  ASSERT_NE(object.Find("k7"), nullptr);
  EXPECT_EQ(object.Find("k7")->as_string(), "last");
  EXPECT_EQ(object.Find("k49999")->as_number(), 49999);
}

// Objects of more than kIndexedObjectMembers members are found by binary search.
TEST(JsonObjectIndexTest, FindsEveryKeyOfAFortyThousandMemberObject) {
  std::string text = "{";
  for (int i = 0; i < 40000; i++) {
    text += (i ? ",\"" : "\"") + std::to_string(i * 7919 % 40000) + "\":" + std::to_string(i);
  }
  text += "}";
  Json object = ParseJson(text, 10);
  ASSERT_EQ(object.members().size(), 40000u);
  for (int i = 0; i < 40000; i++) {
    const Json* found = object.Find(std::to_string(i * 7919 % 40000));
    ASSERT_NE(found, nullptr) << i;
    EXPECT_EQ(found->as_number(), i);
  }
  for (const char* absent : {"", "-1", "40000", "00", "1 ", "a", "\xFF"}) {
    EXPECT_EQ(object.Find(absent), nullptr) << absent;
  }
  // Document order is kept.
  EXPECT_EQ(object.members()[0].first, "0");
  EXPECT_EQ(object.members()[1].first, "7919");
}

// Against a model of jsonb's rule (the last value, in the place of the first
// occurrence), objects of every size around the index threshold, with and
// without duplicate keys, keys with NUL bytes and empty keys among them.
TEST(JsonObjectIndexTest, DuplicateKeysKeepLastValueAtFirstPlaceAtEverySize) {
  std::mt19937 random(11);
  const std::vector<std::string> alphabet = {
      "", "a", "b", std::string("a\0b", 3), "ab", "ba", "\xC3\xA9", "~", "a/b"};
  for (size_t size = 0; size < 3 * kIndexedObjectMembers; size++) {
    for (int round = 0; round < 20; round++) {
      // Round 0 has distinct keys; the others draw some from a small alphabet.
      std::vector<std::string> order;
      std::map<std::string, int> last;
      std::string text = "{";
      for (size_t i = 0; i < size; i++) {
        std::string key = round > 0 && random() % 3 == 0 ? alphabet[random() % alphabet.size()]
                                                         : "k" + std::to_string(i);
        if (last.count(key) == 0) order.push_back(key);
        last[key] = static_cast<int>(i);
        if (i > 0) text += ',';
        AppendJsonString(text, key);
        text += ':' + std::to_string(i);
      }
      text += '}';
      Json object = ParseJson(text, 10);
      ASSERT_EQ(object.members().size(), order.size()) << text;
      for (size_t i = 0; i < order.size(); i++) {
        EXPECT_EQ(object.members()[i].first, order[i]) << text;
        const Json* found = object.Find(order[i]);
        ASSERT_NE(found, nullptr) << text;
        EXPECT_EQ(found->as_number(), last[order[i]]) << text;
        EXPECT_EQ(object.members()[i].second.as_number(), last[order[i]]) << text;
      }
      EXPECT_EQ(object.Find("absent"), nullptr);
      // Equality and hashing ignore member order, whatever the size.
      std::string reversed = "{";
      for (size_t i = order.size(); i-- > 0;) {
        if (reversed.size() > 1) reversed += ',';
        AppendJsonString(reversed, order[i]);
        reversed += ':' + std::to_string(last[order[i]]);
      }
      reversed += '}';
      Json other = ParseJson(reversed, 10);
      EXPECT_TRUE(JsonEqual(object, other)) << text;
      EXPECT_EQ(JsonHash(object), JsonHash(other)) << text;
      if (!order.empty()) {
        other.Set(order[0], Json::String("changed"));
        EXPECT_FALSE(JsonEqual(object, other)) << text;
      }
    }
  }
}

TEST(JsonObjectIndexTest, SetKeepsLookupRightAcrossTheThresholdAndInCopies) {
  Json object = Json::Object();
  for (int i = 0; i < 100; i++) {
    object.Set("k" + std::to_string(99 - i), Json::Number(i));
    for (int j = 0; j <= i; j++) {
      const Json* found = object.Find("k" + std::to_string(99 - j));
      ASSERT_NE(found, nullptr) << i << " " << j;
      EXPECT_EQ(found->as_number(), j);
    }
    EXPECT_EQ(object.Find("k" + std::to_string(98 - i)), nullptr) << i;
  }
  Json copy = object;
  copy.Set("k5", Json::String("replaced"));
  copy.Set("new", Json::Bool(true));
  EXPECT_EQ(copy.members().size(), 101u);
  EXPECT_EQ(copy.Find("k5")->as_string(), "replaced");
  EXPECT_TRUE(copy.Find("new")->as_bool());
  // The original is untouched: copies share the index but never change it.
  EXPECT_EQ(object.members().size(), 100u);
  EXPECT_EQ(object.Find("k5")->as_number(), 94);
  EXPECT_EQ(object.Find("new"), nullptr);
  EXPECT_EQ(copy.members().back().first, "new");
}

TEST(TruncateUtf8Test, CutsOnCharacterBoundaries) {
  EXPECT_EQ(TruncateUtf8("abc", 3), "abc");
  EXPECT_EQ(TruncateUtf8("abcd", 3), "abc...");
  EXPECT_EQ(TruncateUtf8("ab\xC3\xA9", 3), "ab...");
  EXPECT_EQ(TruncateUtf8("\xE6\x97\xA5\xE6\x9C\xAC", 4), "\xE6\x97\xA5...");
  // A message quoting a long value stays valid UTF-8.
  std::string value = "\"" + std::string(56, 'a') + "\xC3\xA9\xC3\xA9\xC3\xA9\"";
  EXPECT_EQ(ToJsonText(ParseJson(value, 10), 60), "\"" + std::string(56, 'a') + "\xC3\xA9...");
}

}  // namespace
}  // namespace schemareg
