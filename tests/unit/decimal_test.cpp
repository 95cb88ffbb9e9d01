// Exact decimals, and the evaluator's exact number semantics.
#include "core/decimal.hpp"

#include <string>

#include <gtest/gtest.h>

#include "core/definition.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/validator.hpp"

namespace schemareg {
namespace {

int Cmp(const char* a, const char* b) {
  int c = CompareDecimals(Decimal::FromJson(a), Decimal::FromJson(b));
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

bool Multiple(const char* value, const char* divisor) {
  return IsMultipleOfDecimal(Decimal::FromJson(value), Decimal::FromJson(divisor));
}

TEST(DecimalTest, ParsesAndNormalises) {
  Decimal d = Decimal::FromJson("-12.3400e3");
  EXPECT_TRUE(d.negative);
  EXPECT_EQ(d.digits, "1234");
  EXPECT_EQ(d.exponent, 1);
  EXPECT_EQ(d.ToText(), "-12340");
  EXPECT_TRUE(Decimal::FromJson("0.000").IsZero());
  EXPECT_EQ(Decimal::FromJson("1e400").ToText(), "1e400");
  EXPECT_EQ(Decimal::FromJson("0.125").ToText(), "0.125");
  EXPECT_TRUE(Decimal::FromJson("1.0").IsIntegral());
  EXPECT_FALSE(Decimal::FromJson("1.0000000000000001").IsIntegral());
  EXPECT_TRUE(Decimal::FromJson("123456789012345").IsShort());
  EXPECT_FALSE(Decimal::FromJson("1234567890123456").IsShort());
  EXPECT_FALSE(Decimal::FromJson("1e400").IsShort());
}

TEST(DecimalTest, Compares) {
  EXPECT_EQ(Cmp("9007199254740993", "9007199254740992"), 1);
  EXPECT_EQ(Cmp("1e400", "1e401"), -1);
  EXPECT_EQ(Cmp("-1e400", "1"), -1);
  EXPECT_EQ(Cmp("0", "-0.0"), 0);
  EXPECT_EQ(Cmp("1.50", "1.5"), 0);
  EXPECT_EQ(Cmp("-2", "-10"), 1);
  EXPECT_EQ(Cmp("1e-400", "0"), 1);
}

TEST(DecimalTest, MultipleOf) {
  EXPECT_TRUE(Multiple("0.3", "0.1"));
  EXPECT_TRUE(Multiple("0.0075", "0.0001"));
  EXPECT_FALSE(Multiple("1000000000.5", "1"));
  EXPECT_TRUE(Multiple("1e400", "0.5"));
  EXPECT_FALSE(Multiple("12345678901234567891", "2"));
  EXPECT_TRUE(Multiple("12345678901234567890", "2"));
  EXPECT_FALSE(Multiple("3", "20"));
  EXPECT_TRUE(Multiple("123456789012345678901234567890", "123456789012345678901234567890"));
  EXPECT_FALSE(Multiple("123456789012345678901234567891", "123456789012345678901234567890"));
  EXPECT_TRUE(Multiple("0", "0.7"));
}

TEST(DecimalTest, LongDivisionIsBounded) {
  try {
    Multiple("1e100000000", "123456789012345678901234567");
    FAIL() << "expected 54000";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "54000");
  }
}

// The cases of issue 11 and more, through the evaluator (records as text).
bool Valid(const std::string& schema, const std::string& record) {
  auto compiled = PrepareDefinition(schema, {}, CompileOptions{}, true);
  Json json = ParseJson(record, 10);
  bool fast = IsValid(*compiled, json, {});
  EXPECT_EQ(fast, CollectErrors(*compiled, json, {}).empty()) << schema << " " << record;
  return fast;
}

TEST(ExactNumbersTest, TableOfCases) {
  struct Case {
    const char* schema;
    const char* record;
    bool valid;
  } cases[] = {
      {R"({"const": 9007199254740993})", "9007199254740992", false},
      {R"({"const": 9007199254740993})", "9007199254740993", true},
      {R"({"enum": [9007199254740993, 1]})", "9007199254740992", false},
      {R"({"maximum": 9223372036854775806})", "9223372036854775807", false},
      {R"({"maximum": 9223372036854775806})", "9223372036854775806", true},
      {R"({"exclusiveMinimum": 0.1})", "0.10000000000000000001", true},
      {R"({"exclusiveMaximum": 0.1})", "0.1", false},
      {R"({"uniqueItems": true})", "[12345678901234567890, 12345678901234567891]", true},
      {R"({"uniqueItems": true})", "[12345678901234567890, 12345678901234567890.0]", false},
      {R"({"type": "integer"})", "1.0", true},
      {R"({"type": "integer"})", "1.0000000000000001", false},
      {R"({"type": "integer"})", "9007199254740993", true},
      {R"({"multipleOf": 0.01})", "19.99", true},
      {R"({"multipleOf": 0.01})", "19.991", false},
      {R"({"multipleOf": 3})", "9007199254740993", true},
      {R"({"multipleOf": 2})", "9007199254740993", false},
      {R"({"minimum": 0})", "-0.0", true},
      {R"({"const": 1.5})", "1.50", true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Valid(c.schema, c.record), c.valid) << c.schema << " " << c.record;
  }
}

}  // namespace
}  // namespace schemareg
