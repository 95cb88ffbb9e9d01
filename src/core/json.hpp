// A small JSON document model for the core, parsed from text with a depth limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/decimal.hpp"
#include "core/error.hpp"

namespace schemareg {

enum class JsonType : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

// Objects with more members than this are indexed for Find (a binary search
// over their keys); smaller ones are scanned, which is faster for them.
inline constexpr size_t kIndexedObjectMembers = 16;

// A JSON value. Objects keep their members in document order; a duplicate
// key keeps its last value, as jsonb does.
class Json {
 public:
  using Member = std::pair<std::string, Json>;

  Json() = default;
  static Json Bool(bool b);
  static Json Number(double d);
  // A number with the text it was written as (kept when the double does not
  // say it exactly).
  static Json Number(double d, std::string_view text);
  static Json String(std::string s);
  static Json Array();
  static Json Object();
  // An object of these members, in this order; a duplicated key keeps its
  // last value in the place of its first.
  static Json Object(std::vector<Member> members);

  JsonType type() const { return type_; }
  bool is_null() const { return type_ == JsonType::kNull; }
  bool is_bool() const { return type_ == JsonType::kBool; }
  bool is_number() const { return type_ == JsonType::kNumber; }
  bool is_string() const { return type_ == JsonType::kString; }
  bool is_array() const { return type_ == JsonType::kArray; }
  bool is_object() const { return type_ == JsonType::kObject; }
  // True for a number with no fractional part (1.0 counts, as in draft 6+).
  bool is_integer() const;

  bool as_bool() const { return bool_; }
  double as_number() const { return number_; }
  // Whether the double says the number exactly enough (Decimal::IsShort),
  // and the number exactly.
  bool number_is_short() const { return number_text_.empty(); }
  Decimal as_decimal() const;
  const std::string& as_string() const { return string_; }
  const std::vector<Json>& items() const { return items_; }
  std::vector<Json>& items() { return items_; }
  // Read-only: members change only through Set, which keeps keys unique and
  // the index right.
  const std::vector<Member>& members() const { return members_; }

  // The member named `key`, or nullptr. O(log n) for an indexed object.
  const Json* Find(std::string_view key) const;
  // Adds or replaces a member.
  void Set(std::string key, Json value);

 private:
  JsonType type_ = JsonType::kNull;
  bool bool_ = false;
  double number_ = 0;
  std::string number_text_;  // only for numbers that are not short
  std::string string_;
  std::vector<Json> items_;
  std::vector<Member> members_;
  // For an object of more than kIndexedObjectMembers members: the positions
  // of its members, ordered by key. Shared by copies, which have the same
  // members; never changed in place.
  std::shared_ptr<const std::vector<uint32_t>> index_;

  void BuildIndex();
  size_t LowerBound(std::string_view key) const;
  // The position of the member named `key`, or members_.size().
  size_t MemberPosition(std::string_view key) const;
};

// JSON equality as JSON Schema defines it: numbers by value (1 == 1.0),
// objects regardless of member order.
bool JsonEqual(const Json& a, const Json& b);

// A hash consistent with JsonEqual.
size_t JsonHash(const Json& value);

// Parses JSON text. Throws Error 22P02 on bad text, 22003 for a number beyond
// double's range and 54000 when nesting exceeds max_depth. Parsing is iterative: no recursion on
// the input. When `depth` is given it receives the deepest nesting met (0 for a scalar). When
// `should_stop` says so the parse throws Interrupted.
Json ParseJson(std::string_view text, size_t max_depth, size_t* depth = nullptr,
               StopCheck should_stop = nullptr);

// Appends a string as a JSON string literal, and a number as ToJsonText writes it.
void AppendJsonString(std::string& out, std::string_view s);
void AppendJsonNumber(std::string& out, double d);

// Serialises a value compactly (for messages and tests).
std::string ToJsonText(const Json& value, size_t max_chars = SIZE_MAX);

// At most `max_bytes` of `s`, cut on a UTF-8 character boundary, with "..."
// appended when anything was cut (messages must stay valid UTF-8).
std::string TruncateUtf8(std::string_view s, size_t max_bytes);

// Appends `token` to a JSON Pointer with RFC 6901 escaping.
void AppendPointerToken(std::string& pointer, std::string_view token);

}  // namespace schemareg
