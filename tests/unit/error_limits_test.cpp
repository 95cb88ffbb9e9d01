// What collecting errors keeps: at most max_errors errors and max_error_bytes
// of their text, paths cut at kMaxErrorPathBytes; the rest only counted.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "core/definition.hpp"
#include "core/evaluator.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"
#include "core/validator.hpp"

namespace schemareg {
namespace {

std::unique_ptr<CompiledSchema> Compile(std::string_view text) {
  return PrepareDefinition(text, {}, CompileOptions{}, /*check_metaschema=*/true);
}

// A record the evaluator reads without holding it in memory: an array of
// `count` integers, optionally as the one member of an object named `key`.
// It stands for a big jsonb record, which the backend also reads in place.
class BigRecord {
 public:
  static BigRecord Array(uint64_t count) { return BigRecord(JsonType::kArray, count, {}); }
  static BigRecord Under(std::string_view key, uint64_t count) {
    return BigRecord(JsonType::kObject, count, key);
  }
  static BigRecord Key(std::string_view name) { return BigRecord(JsonType::kString, 0, name); }

  JsonType type() const { return type_; }
  bool as_bool() const { return false; }
  double as_number() const { return 1; }
  bool number_is_short() const { return true; }
  Decimal number_decimal() const { return Decimal::FromJson("1"); }
  bool number_is_integral() const { return true; }
  const void* identity() const { return nullptr; }
  std::string_view as_string() const { return key_; }
  size_t size() const { return type_ == JsonType::kArray ? count_ : 1; }
  BigRecord item(size_t) const { return BigRecord(JsonType::kNumber, 0, {}); }
  template <typename F>
  bool ForEachItem(F&& f) const {
    for (uint64_t i = 0; i < count_; i++) {
      if (!f(i, item(i))) return false;
    }
    return true;
  }
  template <typename F>
  bool ForEachMember(F&& f) const {
    return f(key_, Array(count_));
  }
  bool Find(std::string_view key, BigRecord* out) const {
    if (key != key_) return false;
    *out = Array(count_);
    return true;
  }

 private:
  BigRecord(JsonType type, uint64_t count, std::string_view key)
      : type_(type), count_(count), key_(key) {}
  JsonType type_;
  uint64_t count_;
  std::string_view key_;
};

size_t KeptBytes(const ErrorList& errors) {
  size_t bytes = 0;
  for (const ValidationError& e : errors.kept) {
    bytes += e.path.size() + e.keyword.size() + e.message.size();
  }
  return bytes;
}

std::string Ints(int count) {
  std::string out = "[";
  for (int i = 0; i < count; i++) out += i > 0 ? ",1" : "1";
  return out + "]";
}

TEST(ErrorLimitsTest, KeepsTheFirstMaxErrorsAndCountsTheRest) {
  auto s = Compile(R"({"items": {"type": "string"}})");
  Json record = ParseJson(Ints(2500), 10);
  ErrorList errors = CollectErrors(*s, record, {});
  ASSERT_EQ(errors.kept.size(), kDefaultMaxErrors);
  EXPECT_EQ(errors.more, 1500u);
  EXPECT_EQ(errors.total(), 2500u);
  EXPECT_EQ(errors.kept.front().path, "/0");
  EXPECT_EQ(errors.kept.back().path, "/999");
  EXPECT_EQ(errors.kept.back().keyword, "type");
  EXPECT_EQ(errors.kept.back().message, "expected string, found integer");
  EXPECT_EQ(ErrorLines(errors, 2),
            "/0: expected string, found integer (type)\n"
            "/1: expected string, found integer (type)\n"
            "... and 2498 more");
  EXPECT_EQ(MoreErrorsMessage(errors.more), "... and 1500 more errors");
  EXPECT_EQ(MoreErrorsMessage(1), "... and 1 more error");
}

TEST(ErrorLimitsTest, MaxErrorsOption) {
  auto s = Compile(R"({"items": {"type": "string"}, "maxItems": 1})");
  ValidateOptions options;
  options.max_errors = 2;
  ErrorList errors = CollectErrors(*s, ParseJson("[1, 2, 3]", 10), options);
  ASSERT_EQ(errors.kept.size(), 2u);
  EXPECT_EQ(errors.kept[0].keyword, "maxItems");
  EXPECT_EQ(errors.kept[1].path, "/0");
  EXPECT_EQ(errors.more, 2u);
  // Within the limit nothing is only counted, and no "... and N more" line ends the lines.
  options.max_errors = 4;
  errors = CollectErrors(*s, ParseJson("[1, 2, 3]", 10), options);
  EXPECT_EQ(errors.kept.size(), 4u);
  EXPECT_EQ(errors.more, 0u);
  EXPECT_EQ(ErrorLines(errors, 4).find("... and"), std::string::npos);
  EXPECT_EQ(ErrorLines(errors, 1),
            "(root): array has 3 items, more than 1 (maxItems)\n... and 3 more");
}

TEST(ErrorLimitsTest, ByteBudgetStopsKeeping) {
  auto s = Compile(R"({"items": {"type": "string"}})");
  ValidateOptions options;
  // "/0", "type" and "expected string, found integer": 36 bytes an error.
  options.max_error_bytes = 80;
  ErrorList errors = CollectErrors(*s, ParseJson("[1, 2, 3, 4]", 10), options);
  ASSERT_EQ(errors.kept.size(), 2u);
  EXPECT_EQ(errors.more, 2u);
  EXPECT_EQ(KeptBytes(errors), 72u);
  // The first error is kept whatever its size; after one is only counted,
  // so are all that follow, even one that would fit.
  options.max_error_bytes = 1;
  errors = CollectErrors(*s, ParseJson("[1, 2]", 10), options);
  ASSERT_EQ(errors.kept.size(), 1u);
  EXPECT_EQ(errors.kept[0].path, "/0");
  EXPECT_EQ(errors.more, 1u);
}

TEST(ErrorLimitsTest, LongPathsAreCut) {
  auto s = Compile(R"({"additionalProperties": {"type": "string"}, "required": ["b"]})");
  std::string key;
  for (int i = 0; i < 5000; i++) key += "\xc3\xa9";  // é, two bytes
  Json record = Json::Object();
  record.Set(key, Json::Number(1));
  ErrorList errors = CollectErrors(*s, record, {});
  ASSERT_EQ(errors.kept.size(), 2u);
  EXPECT_EQ(errors.kept[0].path, "/b");
  // "/" and 2047 whole characters fit in 4096 bytes; then "...".
  std::string cut = "/";
  for (int i = 0; i < 2047; i++) cut += "\xc3\xa9";
  EXPECT_EQ(errors.kept[1].path, cut + "...");
  EXPECT_LE(errors.kept[1].path.size(), kMaxErrorPathBytes + 3);
}

// 10 million invalid items (20 MB as jsonb text), the first under a 1 MB key:
// what is kept stays within the limits, and every error is counted.
TEST(ErrorLimitsTest, BigRecordKeepsBoundedErrors) {
  auto s = Compile(R"({"items": {"type": "string"}, "additionalProperties": {"$ref": "#"}})");
  const uint64_t count = 10'000'000;
  ErrorList errors = ValueErrors(*s, BigRecord::Array(count), ValidateOptions{});
  EXPECT_EQ(errors.kept.size(), kDefaultMaxErrors);
  EXPECT_EQ(errors.total(), count);
  EXPECT_LE(KeptBytes(errors), kMaxErrorBytes);

  std::string key(1 << 20, 'k');
  errors = ValueErrors(*s, BigRecord::Under(key, count), ValidateOptions{});
  EXPECT_EQ(errors.total(), count);
  // Each kept path is "/" + 4095 bytes of the key + "...": 4133 bytes an
  // error with "type" and its message, so 253 fit in the 1 MiB.
  ASSERT_EQ(errors.kept.size(), 253u);
  EXPECT_EQ(errors.kept[0].path, "/" + key.substr(0, kMaxErrorPathBytes - 1) + "...");
  EXPECT_LE(KeptBytes(errors), kMaxErrorBytes);
}

}  // namespace
}  // namespace schemareg

namespace schemareg {
namespace {

// Each level refers twice to the next: 2^depth evaluations without memoizing.
std::string Exponential(const char* combinator, int depth) {
  std::string defs = R"("l0": {"type": "string", "pattern": "^x[0-9]+$"})";
  for (int i = 1; i <= depth; i++) {
    std::string prev = "{\"$ref\": \"#/definitions/l" + std::to_string(i - 1) + "\"}";
    defs +=
        ",\"l" + std::to_string(i) + "\": {\"" + combinator + "\": [" + prev + "," + prev + "]}";
  }
  return "{\"definitions\": {" + defs + "}, \"$ref\": \"#/definitions/l" + std::to_string(depth) +
         "\"}";
}

TEST(ValidatorLimitsTest, ExponentialSchemasAreEvaluatedOncePerValue) {
  for (const char* combinator : {"allOf", "anyOf", "oneOf"}) {
    auto schema = PrepareDefinition(Exponential(combinator, 60), {}, CompileOptions{}, true);
    Json bad = ParseJson(R"("zzz")", 10);
    Json good = ParseJson(R"("x1")", 10);
    // Without memoizing, 2^60 steps: this would not end.
    EXPECT_FALSE(IsValid(*schema, bad, {})) << combinator;
    ErrorList errors = CollectErrors(*schema, bad, {});
    EXPECT_FALSE(errors.empty()) << combinator;
    if (std::string(combinator) != "oneOf") {
      EXPECT_TRUE(IsValid(*schema, good, {})) << combinator;
      EXPECT_TRUE(CollectErrors(*schema, good, {}).empty()) << combinator;
    }
  }
}

TEST(ValidatorLimitsTest, UniqueItemsHashesDoNotCollideWhenValuesMove) {
  // Objects whose members swap values: equal sums of name and value hashes
  // made every pair collide before.
  std::string items;
  for (int i = 0; i < 3000; i++) {
    if (i > 0) items += ",";
    items += "{\"a\": " + std::to_string(i) + ", \"b\": " + std::to_string(3000 - i) + "}";
  }
  auto schema = PrepareDefinition(R"({"uniqueItems": true})", {}, CompileOptions{}, true);
  Json record = ParseJson("[" + items + "]", 10);
  EXPECT_TRUE(IsValid(*schema, record, {}));
  EXPECT_NE(JsonHash(ParseJson(R"({"a": 1, "b": 2})", 5)),
            JsonHash(ParseJson(R"({"a": 2, "b": 1})", 5)));
  EXPECT_EQ(JsonHash(ParseJson(R"({"a": 1, "b": 2})", 5)),
            JsonHash(ParseJson(R"({"b": 2, "a": 1})", 5)));
}

// `"allOf": [{"pattern": P(0)}, ..., {"pattern": P(count - 1)}]`.
std::string ManyPatterns(int count, std::string (*pattern)(int)) {
  std::string all_of;
  for (int i = 0; i < count; i++) {
    if (i > 0) all_of += ",";
    all_of += "{\"pattern\": \"" + pattern(i) + "\"}";
  }
  return "{\"allOf\": [" + all_of + "]}";
}

TEST(ValidatorLimitsTest, PatternMemoryIsCappedPerSchema) {
  // 13,000 distinct ".{N}" would hold about 2 GB compiled: refused at the cap,
  // having compiled only what fits (64 MiB).
  std::string huge = ManyPatterns(
      13000, [](int i) { return ".{" + std::to_string(999 - i % 900) + "}x" + std::to_string(i); });
  try {
    PrepareDefinition(huge, {}, CompileOptions{}, false);
    FAIL() << "compiled";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), sqlstate::kProgramLimitExceeded);
    EXPECT_EQ(std::string(e.what()), "the schema's patterns need more than 64 MiB once compiled");
    EXPECT_NE(e.detail().find(" distinct patterns, the last \".{"), std::string::npos)
        << e.detail();
  }
  // The same text any number of times is compiled once (and fails at once).
  auto same = PrepareDefinition(ManyPatterns(13000, [](int) { return std::string(".{999}"); }), {},
                                CompileOptions{}, false);
  EXPECT_FALSE(IsValid(*same, ParseJson("\"" + std::string(998, 'a') + "\"", 10), {}));
  // Many small distinct patterns, as real schemas have, fit easily.
  auto small = PrepareDefinition(
      ManyPatterns(5000, [](int i) { return "^[a-z]+-" + std::to_string(i) + "$"; }), {},
      CompileOptions{}, false);
  EXPECT_FALSE(IsValid(*small, ParseJson("\"abc-1\"", 10), {}));
}

}  // namespace
}  // namespace schemareg
