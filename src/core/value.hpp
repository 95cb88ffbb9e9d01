// The values the evaluator reads a record through, and what it does with
// them besides evaluating (text, equality, hashing). The core reads its own
// JSON model (JsonRef below); the PostgreSQL shim reads jsonb's binary form
// in place (src/pg/jsonb_value.hpp), without text, a DOM or an allocation per
// node.
//
// A Value provides:
//   JsonType type() const;
//   bool as_bool() const;                  // kBool
//   double as_number() const;              // kNumber: the nearest double (+-inf beyond)
//   bool number_is_short() const;          // kNumber: as_number() says it exactly
//                                          // enough (Decimal::IsShort)
//   Decimal number_decimal() const;        // kNumber: the number exactly
//   bool number_is_integral() const;       // kNumber: no fractional part, exactly
//   std::string_view as_string() const;    // kString
//   size_t size() const;                   // kArray, kObject
//   Value item(size_t i) const;            // kArray
//   bool ForEachItem(F f) const;           // kArray: f(size_t index, const Value&) -> bool
//   bool ForEachMember(F f) const;         // kObject: f(std::string_view, const Value&) -> bool
//                                          // (false from f stops; the result is false then)
//   bool Find(std::string_view key, Value* out) const;  // kObject
//   static Value Key(std::string_view s);  // a string value holding a member's name
//   const void* identity() const;          // with type() and as_bool(), which value of
//                                          // the record this is (for memoizing)
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/decimal.hpp"
#include "core/error.hpp"
#include "core/json.hpp"

namespace schemareg {

// The core's JSON model as a Value.
class JsonRef {
 public:
  explicit JsonRef(const Json& json) : json_(&json) {}
  static JsonRef Key(std::string_view name) { return JsonRef(name); }

  JsonType type() const { return json_ != nullptr ? json_->type() : JsonType::kString; }
  bool as_bool() const { return json_->as_bool(); }
  double as_number() const { return json_->as_number(); }
  bool number_is_short() const { return json_->number_is_short(); }
  Decimal number_decimal() const { return json_->as_decimal(); }
  bool number_is_integral() const { return json_->is_integer(); }
  std::string_view as_string() const {
    return json_ != nullptr ? std::string_view(json_->as_string()) : key_;
  }
  size_t size() const {
    return json_->is_array() ? json_->items().size() : json_->members().size();
  }
  JsonRef item(size_t i) const { return JsonRef(json_->items()[i]); }
  template <typename F>
  bool ForEachItem(F&& f) const {
    const std::vector<Json>& items = json_->items();
    for (size_t i = 0; i < items.size(); i++) {
      if (!f(i, JsonRef(items[i]))) return false;
    }
    return true;
  }
  template <typename F>
  bool ForEachMember(F&& f) const {
    for (const Json::Member& m : json_->members()) {
      if (!f(std::string_view(m.first), JsonRef(m.second))) return false;
    }
    return true;
  }
  const void* identity() const {
    return json_ != nullptr ? static_cast<const void*>(json_) : key_.data();
  }
  bool Find(std::string_view key, JsonRef* out) const {
    const Json* found = json_->Find(key);
    if (found == nullptr) return false;
    *out = JsonRef(*found);
    return true;
  }

 private:
  explicit JsonRef(std::string_view key) : key_(key) {}
  const Json* json_ = nullptr;
  std::string_view key_;
};

// A number's text: from its double when that says it exactly enough.
template <typename V>
void AppendNumberText(const V& v, std::string& out) {
  if (v.number_is_short()) {
    AppendJsonNumber(out, v.as_number());
  } else {
    out += v.number_decimal().ToText();
  }
}

// Whether two numbers are equal, exactly: different doubles are different
// numbers (rounding keeps order); equal ones are checked exactly unless both
// are short.
template <typename A, typename B>
[[gnu::noinline]] bool DecimalsEqual(const A& a, const B& b) {
  return CompareDecimals(a.number_decimal(), b.number_decimal()) == 0;
}

template <typename A, typename B>
bool NumbersEqual(const A& a, const B& b) {
  if (a.as_number() != b.as_number()) return false;
  return (a.number_is_short() && b.number_is_short()) || DecimalsEqual(a, b);
}

// Compact JSON text of a value (for messages): stops once more than
// max_chars are written, so the recursion is bounded by it too.
template <typename V>
void AppendValueText(const V& v, std::string& out, size_t max_chars) {
  if (out.size() > max_chars) return;
  switch (v.type()) {
    case JsonType::kNull:
      out += "null";
      break;
    case JsonType::kBool:
      out += v.as_bool() ? "true" : "false";
      break;
    case JsonType::kNumber:
      AppendNumberText(v, out);
      break;
    case JsonType::kString:
      AppendJsonString(out, v.as_string());
      break;
    case JsonType::kArray:
      out += '[';
      v.ForEachItem([&](size_t i, const V& item) {
        if (i > 0) out += ',';
        AppendValueText(item, out, max_chars);
        return out.size() <= max_chars;
      });
      out += ']';
      break;
    case JsonType::kObject: {
      out += '{';
      bool first = true;
      v.ForEachMember([&](std::string_view name, const V& member) {
        if (!first) out += ',';
        first = false;
        AppendJsonString(out, name);
        out += ':';
        AppendValueText(member, out, max_chars);
        return out.size() <= max_chars;
      });
      out += '}';
      break;
    }
  }
}

// JSON equality as JSON Schema defines it (numbers by value, objects
// regardless of member order) between two values of any Value types; `poll`
// runs at every level (the evaluator's stack and cancel checks).
template <typename A, typename B, typename Poll>
bool ValuesEqual(const A& a, const B& b, Poll&& poll) {
  poll();
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case JsonType::kNull:
      return true;
    case JsonType::kBool:
      return a.as_bool() == b.as_bool();
    case JsonType::kNumber:
      return NumbersEqual(a, b);
    case JsonType::kString:
      return a.as_string() == b.as_string();
    case JsonType::kArray:
      if (a.size() != b.size()) return false;
      return a.ForEachItem(
          [&](size_t i, const A& item) { return ValuesEqual(item, b.item(i), poll); });
    case JsonType::kObject:
      if (a.size() != b.size()) return false;
      return a.ForEachMember([&](std::string_view name, const A& member) {
        B other = B::Key("");
        return b.Find(name, &other) && ValuesEqual(member, other, poll);
      });
  }
  return false;
}

// A member's name and value hashes mixed: an object's hash sums them, so
// that member order does not matter, and the mix (seeded per process) keeps
// values that move between names from colliding.
size_t MixMember(size_t name, size_t value);

// A hash consistent with ValuesEqual, the same for equal values of any type.
template <typename V, typename Poll>
size_t ValueHash(const V& v, Poll&& poll) {
  poll();
  size_t h = static_cast<size_t>(v.type()) * 0x9e3779b97f4a7c15ULL;
  auto mix = [&h](size_t x) { h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  switch (v.type()) {
    case JsonType::kNull:
      break;
    case JsonType::kBool:
      mix(v.as_bool() ? 1 : 2);
      break;
    case JsonType::kNumber:
      // -0.0 == 0.0, so both must hash alike.
      mix(v.as_number() == 0 ? 0 : std::hash<double>()(v.as_number()));
      break;
    case JsonType::kString:
      mix(std::hash<std::string_view>()(v.as_string()));
      break;
    case JsonType::kArray:
      v.ForEachItem([&](size_t, const V& item) {
        mix(ValueHash(item, poll));
        return true;
      });
      break;
    case JsonType::kObject: {
      // Order-independent: sum the member hashes.
      size_t sum = 0;
      v.ForEachMember([&](std::string_view name, const V& member) {
        sum += MixMember(std::hash<std::string_view>()(name), ValueHash(member, poll));
        return true;
      });
      mix(sum);
      break;
    }
  }
  return h;
}

}  // namespace schemareg
