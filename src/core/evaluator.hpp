// The evaluator: runs a compiled schema over a record, reading the record
// through a value type of the caller's choosing. The core reads its own JSON
// model (JsonRef below); the PostgreSQL shim reads jsonb's binary form in
// place (src/pg/jsonb_value.hpp), without text, a DOM or an allocation per
// node.
//
// A Value provides:
//   JsonType type() const;
//   bool as_bool() const;                  // kBool
//   double as_number() const;              // kNumber
//   std::string_view as_string() const;    // kString
//   size_t size() const;                   // kArray, kObject
//   Value item(size_t i) const;            // kArray
//   bool ForEachItem(F f) const;           // kArray: f(size_t index, const Value&) -> bool
//   bool ForEachMember(F f) const;         // kObject: f(std::string_view, const Value&) -> bool
//                                          // (false from f stops; the result is false then)
//   bool Find(std::string_view key, Value* out) const;  // kObject
//   static Value Key(std::string_view s);  // a string value holding a member's name
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"
#include "core/validator.hpp"

namespace schemareg {

namespace evaluator_detail {
std::string TypeList(uint8_t types);
std::string Num(double d);
// A property name as messages quote it: bounded, whole characters.
std::string Quoted(std::string_view name);
// Code points in a UTF-8 string.
uint64_t CodePoints(std::string_view s);
// Whether value is a multiple of divisor, up to the rounding of decimal input.
bool IsMultiple(double value, double divisor);
// Whether a string is valid for a format ("regex" compiles it).
bool FormatOk(const std::string& format, std::string_view s);
}  // namespace evaluator_detail

// The core's JSON model as a Value.
class JsonRef {
 public:
  explicit JsonRef(const Json& json) : json_(&json) {}
  static JsonRef Key(std::string_view name) { return JsonRef(name); }

  JsonType type() const { return json_ != nullptr ? json_->type() : JsonType::kString; }
  bool as_bool() const { return json_->as_bool(); }
  double as_number() const { return json_->as_number(); }
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
      AppendJsonNumber(out, v.as_number());
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
      return a.as_number() == b.as_number();
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
        sum += std::hash<std::string_view>()(name) * 31 + ValueHash(member, poll);
        return true;
      });
      mix(sum);
      break;
    }
  }
  return h;
}

template <typename Value>
class Evaluator {
 public:
  Evaluator(const CompiledSchema& schema, const ValidateOptions& options, ErrorList* errors)
      : schema_(schema), options_(options), errors_(errors) {
    char probe;
    stack_base_ = reinterpret_cast<uintptr_t>(&probe);
  }

  bool Run(const Value& record) { return Eval(schema_.root, record); }

 private:
  using Node = SchemaNode;

  // Keeps the error while the list is within its limits, else counts it:
  // once one is only counted, so are all after it.
  void Fail(const char* keyword, std::string message) {
    if (!Keeping()) {
      if (errors_ != nullptr) errors_->more++;
      return;
    }
    std::string path =
        path_.size() > kMaxErrorPathBytes ? TruncateUtf8(path_, kMaxErrorPathBytes) : path_;
    size_t bytes = path.size() + std::char_traits<char>::length(keyword) + message.size();
    if (errors_->kept.size() >= options_.max_errors ||
        (!errors_->kept.empty() && kept_bytes_ + bytes > options_.max_error_bytes)) {
      errors_->more++;
      return;
    }
    kept_bytes_ += bytes;
    errors_->kept.push_back({std::move(path), keyword, std::move(message)});
  }

  void Fail(const char* keyword, std::string message, std::string_view child) {
    if (!Keeping()) return Fail(keyword, std::move(message));
    size_t length = path_.size();
    AppendPointerToken(path_, child);
    Fail(keyword, std::move(message));
    path_.resize(length);
  }

  // Whether errors are collected and may still be kept (which needs the path).
  bool Keeping() const { return errors_ != nullptr && errors_->more == 0; }

  // Stack and cancel checks, once per step of the evaluation.
  void Poll() {
    char probe;
    uintptr_t here = reinterpret_cast<uintptr_t>(&probe);
    uintptr_t used = here > stack_base_ ? here - stack_base_ : stack_base_ - here;
    if (used > options_.stack_budget) {
      throw Error(sqlstate::kProgramLimitExceeded, "schema evaluation nests too deeply",
                  "The record and the schema's references together exceed the stack limit.");
    }
    if (++ticks_ % 256 == 0 && options_.should_stop != nullptr && options_.should_stop()) {
      throw Interrupted();
    }
  }

  // Evaluates a subschema at a child of the current value (a member's name,
  // or an item's index), extending the path and the depth.
  bool EvalChild(NodeId id, const Value& value, std::string_view name) {
    size_t length = path_.size();
    if (Keeping()) AppendPointerToken(path_, name);
    bool ok = EvalDeeper(id, value);
    path_.resize(length);
    return ok;
  }

  bool EvalItem(NodeId id, const Value& value, size_t index) {
    size_t length = path_.size();
    if (Keeping()) {
      path_ += '/';
      path_ += std::to_string(index);
    }
    bool ok = EvalDeeper(id, value);
    path_.resize(length);
    return ok;
  }

  bool EvalDeeper(NodeId id, const Value& value) {
    if (++depth_ > options_.max_depth) {
      throw Error(sqlstate::kProgramLimitExceeded,
                  "record is too deeply nested: JSON value is nested more than " +
                      std::to_string(options_.max_depth) + " levels deep",
                  "", "Raise schemareg.max_depth, or flatten the document.");
    }
    bool ok = Eval(id, value);
    depth_--;
    return ok;
  }

  // Evaluates without collecting errors (for anyOf, oneOf, not, if).
  bool Probe(NodeId id, const Value& value) {
    ErrorList* saved = errors_;
    errors_ = nullptr;
    bool ok = Eval(id, value);
    errors_ = saved;
    return ok;
  }

  bool Eval(NodeId id, const Value& value) {
    Poll();
    const Node& n = *schema_.nodes[id];
    if (n.kind == Node::Kind::kAlwaysValid) return true;
    if (n.kind == Node::Kind::kAlwaysInvalid) {
      Fail("false", "no value is allowed here");
      return false;
    }
    if (n.ref != kNoNode) return Eval(n.ref, value);
    bool ok = true;
    // Each check returns early in fast mode (errors_ == nullptr) once it fails.
#define SCHEMAREG_CHECK(cond)               \
  do {                                      \
    if (!(cond)) {                          \
      ok = false;                           \
      if (errors_ == nullptr) return false; \
    }                                       \
  } while (0)
    SCHEMAREG_CHECK(CheckGeneric(n, value));
    switch (value.type()) {
      case JsonType::kNumber:
        SCHEMAREG_CHECK(CheckNumber(n, value.as_number()));
        break;
      case JsonType::kString:
        SCHEMAREG_CHECK(CheckString(n, value.as_string()));
        break;
      case JsonType::kArray:
        SCHEMAREG_CHECK(CheckArray(n, value));
        break;
      case JsonType::kObject:
        SCHEMAREG_CHECK(CheckObject(n, value));
        break;
      default:
        break;
    }
    SCHEMAREG_CHECK(CheckCombinators(n, value));
#undef SCHEMAREG_CHECK
    return ok;
  }

  static bool IsInteger(double d) { return std::isfinite(d) && std::floor(d) == d; }

  static const char* TypeName(const Value& v) {
    switch (v.type()) {
      case JsonType::kNull:
        return "null";
      case JsonType::kBool:
        return "boolean";
      case JsonType::kNumber:
        return IsInteger(v.as_number()) ? "integer" : "number";
      case JsonType::kString:
        return "string";
      case JsonType::kArray:
        return "array";
      case JsonType::kObject:
        return "object";
    }
    return "value";
  }

  std::string Text(const Value& v, size_t max_chars) {
    std::string out;
    AppendValueText(v, out, max_chars);
    return out.size() > max_chars ? TruncateUtf8(out, max_chars) : out;
  }

  // JSON equality of a schema's value and a record's, and of two of the
  // record's values (uniqueItems), and a hash consistent with it.
  bool EqualToJson(const Json& a, const Value& b) {
    return ValuesEqual(JsonRef(a), b, [this] { Poll(); });
  }
  bool EqualValues(const Value& a, const Value& b) {
    return ValuesEqual(a, b, [this] { Poll(); });
  }
  size_t Hash(const Value& v) {
    return ValueHash(v, [this] { Poll(); });
  }

  bool CheckGeneric(const Node& n, const Value& value) {
    bool ok = true;
    if (n.types != 0) {
      uint8_t bit = 0;
      switch (value.type()) {
        case JsonType::kNull:
          bit = kTypeNull;
          break;
        case JsonType::kBool:
          bit = kTypeBoolean;
          break;
        case JsonType::kNumber:
          bit = kTypeNumber | (IsInteger(value.as_number()) ? kTypeInteger : 0);
          break;
        case JsonType::kString:
          bit = kTypeString;
          break;
        case JsonType::kArray:
          bit = kTypeArray;
          break;
        case JsonType::kObject:
          bit = kTypeObject;
          break;
      }
      if ((n.types & bit) == 0) {
        Fail("type", std::string("expected ") + evaluator_detail::TypeList(n.types) + ", found " +
                         TypeName(value));
        if (errors_ == nullptr) return false;
        ok = false;
      }
    }
    if (n.has_enum) {
      bool found = false;
      if (n.enum_index.empty()) {
        found = std::any_of(n.enum_values.begin(), n.enum_values.end(),
                            [&](const Json& e) { return EqualToJson(e, value); });
      } else {
        auto range = n.enum_index.equal_range(Hash(value));
        for (auto it = range.first; it != range.second && !found; ++it) {
          found = EqualToJson(n.enum_values[it->second], value);
        }
      }
      if (!found) {
        Fail("enum", "value " + Text(value, 60) + " is not one of the " +
                         std::to_string(n.enum_values.size()) + " allowed values");
        if (errors_ == nullptr) return false;
        ok = false;
      }
    }
    if (n.const_value && !EqualToJson(*n.const_value, value)) {
      Fail("const", "value must be " + ToJsonText(*n.const_value, 60));
      ok = false;
    }
    return ok;
  }

  bool CheckNumber(const Node& n, double x) {
    using evaluator_detail::Num;
    bool ok = true;
    auto check = [&](bool pass, const char* keyword, auto message) {
      if (!pass) {
        Fail(keyword, message());
        ok = false;
      }
      return pass || errors_ != nullptr;
    };
    if (n.maximum && !check(x <= *n.maximum, "maximum", [&] {
          return Num(x) + " is greater than the maximum " + Num(*n.maximum);
        }))
      return false;
    if (n.exclusive_maximum && !check(x < *n.exclusive_maximum, "exclusiveMaximum", [&] {
          return Num(x) + " is not less than the exclusive maximum " + Num(*n.exclusive_maximum);
        }))
      return false;
    if (n.minimum && !check(x >= *n.minimum, "minimum", [&] {
          return Num(x) + " is less than the minimum " + Num(*n.minimum);
        }))
      return false;
    if (n.exclusive_minimum && !check(x > *n.exclusive_minimum, "exclusiveMinimum", [&] {
          return Num(x) + " is not greater than the exclusive minimum " + Num(*n.exclusive_minimum);
        }))
      return false;
    if (n.multiple_of && !check(evaluator_detail::IsMultiple(x, *n.multiple_of), "multipleOf", [&] {
          return Num(x) + " is not a multiple of " + Num(*n.multiple_of);
        }))
      return false;
    return ok;
  }

  bool CheckString(const Node& n, std::string_view s) {
    bool ok = true;
    if (n.max_length || n.min_length) {
      uint64_t length = evaluator_detail::CodePoints(s);
      if (n.max_length && length > *n.max_length) {
        Fail("maxLength", "string has " + std::to_string(length) + " characters, more than " +
                              std::to_string(*n.max_length));
        if (errors_ == nullptr) return false;
        ok = false;
      }
      if (n.min_length && length < *n.min_length) {
        Fail("minLength", "string has " + std::to_string(length) + " characters, fewer than " +
                              std::to_string(*n.min_length));
        if (errors_ == nullptr) return false;
        ok = false;
      }
    }
    if (n.pattern && !n.pattern->Search(s)) {
      Fail("pattern",
           "string does not match the pattern \"" + TruncateUtf8(n.pattern->source(), 200) + "\"");
      if (errors_ == nullptr) return false;
      ok = false;
    }
    if (!n.format.empty() && options_.assert_formats && !evaluator_detail::FormatOk(n.format, s)) {
      Fail("format", "\"" + TruncateUtf8(s, 60) + "\" is not a valid " + n.format);
      ok = false;
    }
    return ok;
  }

  bool CheckArray(const Node& n, const Value& value) {
    size_t count = value.size();
    bool ok = true;
    auto fail = [&](const char* keyword, std::string message) {
      Fail(keyword, std::move(message));
      ok = false;
      return errors_ != nullptr;
    };
    if (n.max_items && count > *n.max_items &&
        !fail("maxItems", "array has " + std::to_string(count) + " items, more than " +
                              std::to_string(*n.max_items)))
      return false;
    if (n.min_items && count < *n.min_items &&
        !fail("minItems", "array has " + std::to_string(count) + " items, fewer than " +
                              std::to_string(*n.min_items)))
      return false;
    if (n.unique_items) {
      size_t first = 0, second = 0;
      if (FindDuplicate(value, &first, &second) &&
          !fail("uniqueItems",
                "items " + std::to_string(first) + " and " + std::to_string(second) + " are equal"))
        return false;
    }
    if (n.items != kNoNode) {
      bool all = value.ForEachItem([&](size_t i, const Value& item) {
        if (!EvalItem(n.items, item, i)) {
          ok = false;
          if (errors_ == nullptr) return false;
        }
        return true;
      });
      if (!all) return false;
    } else if (!n.items_array.empty()) {
      bool all = value.ForEachItem([&](size_t i, const Value& item) {
        NodeId id = i < n.items_array.size() ? n.items_array[i] : n.additional_items;
        if (id == kNoNode) return true;
        if (i >= n.items_array.size() && schema_.nodes[id]->kind == Node::Kind::kAlwaysInvalid) {
          Fail("additionalItems",
               "item is not allowed: \"items\" allows " + std::to_string(n.items_array.size()),
               std::to_string(i));
          ok = false;
          return errors_ != nullptr;
        }
        if (!EvalItem(id, item, i)) {
          ok = false;
          if (errors_ == nullptr) return false;
        }
        return true;
      });
      if (!all) return false;
    }
    if (n.contains != kNoNode) {
      bool found =
          !value.ForEachItem([&](size_t, const Value& item) { return !Probe(n.contains, item); });
      if (!found && !fail("contains", "no item matches the \"contains\" schema")) return false;
    }
    return ok;
  }

  bool FindDuplicate(const Value& value, size_t* first, size_t* second) {
    std::unordered_multimap<size_t, size_t> seen;
    seen.reserve(value.size());
    bool found = false;
    value.ForEachItem([&](size_t i, const Value& item) {
      size_t h = Hash(item);
      auto range = seen.equal_range(h);
      for (auto it = range.first; it != range.second; ++it) {
        if (EqualValues(value.item(it->second), item)) {
          *first = it->second;
          *second = i;
          found = true;
          return false;
        }
      }
      seen.emplace(h, i);
      return true;
    });
    return found;
  }

  bool CheckObject(const Node& n, const Value& value) {
    using evaluator_detail::Quoted;
    size_t count = value.size();
    bool ok = true;
    auto fail = [&](const char* keyword, std::string message, const std::string_view* child) {
      if (child != nullptr) {
        Fail(keyword, std::move(message), *child);
      } else {
        Fail(keyword, std::move(message));
      }
      ok = false;
      return errors_ != nullptr;
    };
    if (n.max_properties && count > *n.max_properties &&
        !fail("maxProperties",
              "object has " + std::to_string(count) + " properties, more than " +
                  std::to_string(*n.max_properties),
              nullptr))
      return false;
    if (n.min_properties && count < *n.min_properties &&
        !fail("minProperties",
              "object has " + std::to_string(count) + " properties, fewer than " +
                  std::to_string(*n.min_properties),
              nullptr))
      return false;
    Value found = Value::Key("");
    // In fast mode, required properties that are also "properties" are seen
    // in the member pass below instead of being looked up one by one.
    bool defer_required = errors_ == nullptr && !n.required_property_index.empty() &&
                          n.properties.size() <= kMaxTrackedProperties;
    if (!defer_required) {
      for (const std::string& name : n.required) {
        std::string_view key(name);
        if (!value.Find(key, &found) &&
            !fail("required", "required property \"" + Quoted(name) + "\" is missing", &key))
          return false;
      }
    }
    for (const auto& dep : n.property_dependencies) {
      if (!value.Find(dep.first, &found)) continue;
      for (const std::string& name : dep.second) {
        if (!value.Find(name, &found) && !fail("dependencies",
                                               "property \"" + Quoted(dep.first) +
                                                   "\" requires property \"" + Quoted(name) + "\"",
                                               nullptr))
          return false;
      }
    }
    for (const auto& dep : n.schema_dependencies) {
      if (value.Find(dep.first, &found) && !Eval(dep.second, value)) {
        ok = false;
        if (errors_ == nullptr) return false;
      }
    }
    bool check_members = !n.properties.empty() || !n.pattern_properties.empty() ||
                         n.additional_properties != kNoNode || n.property_names != kNoNode;
    if (!check_members) return ok;
    // Which of the properties the object has (for the deferred required check).
    uint64_t present[kMaxTrackedProperties / 64] = {};
    bool all = value.ForEachMember([&](std::string_view name, const Value& member) {
      bool matched = false;
      auto prop = std::lower_bound(n.properties.begin(), n.properties.end(), name,
                                   [](const std::pair<std::string, NodeId>& p, std::string_view k) {
                                     return KeyLess(p.first, k);
                                   });
      if (prop != n.properties.end() && prop->first == name) {
        if (defer_required) {
          size_t index = static_cast<size_t>(prop - n.properties.begin());
          present[index / 64] |= uint64_t{1} << (index % 64);
        }
        matched = true;
        if (!EvalChild(prop->second, member, name)) {
          ok = false;
          if (errors_ == nullptr) return false;
        }
      }
      for (const auto& pp : n.pattern_properties) {
        if (!pp.first->Search(name)) continue;
        matched = true;
        if (!EvalChild(pp.second, member, name)) {
          ok = false;
          if (errors_ == nullptr) return false;
        }
      }
      if (!matched && n.additional_properties != kNoNode) {
        const Node& extra = *schema_.nodes[n.additional_properties];
        if (extra.kind == Node::Kind::kAlwaysInvalid) {
          if (!fail("additionalProperties", "property \"" + Quoted(name) + "\" is not allowed",
                    &name))
            return false;
        } else if (!EvalChild(n.additional_properties, member, name)) {
          ok = false;
          if (errors_ == nullptr) return false;
        }
      }
      if (n.property_names != kNoNode && !Probe(n.property_names, Value::Key(name)) &&
          !fail(
              "propertyNames",
              "property name \"" + Quoted(name) + "\" does not match the \"propertyNames\" schema",
              &name))
        return false;
      return true;
    });
    if (!all) return false;
    if (defer_required) {
      for (size_t index : n.required_property_index) {
        if ((present[index / 64] & (uint64_t{1} << (index % 64))) == 0) return false;
      }
      for (const std::string& name : n.required_elsewhere) {
        if (!value.Find(name, &found)) return false;
      }
    }
    return ok;
  }

  bool CheckCombinators(const Node& n, const Value& value) {
    bool ok = true;
    for (NodeId id : n.all_of) {
      if (!Eval(id, value)) {
        ok = false;
        if (errors_ == nullptr) return false;
      }
    }
    if (!n.any_of.empty()) {
      bool any = false;
      for (NodeId id : n.any_of) {
        if (Probe(id, value)) {
          any = true;
          break;
        }
      }
      if (!any) {
        Fail("anyOf", "value matches none of the " + std::to_string(n.any_of.size()) +
                          " schemas in \"anyOf\"");
        if (errors_ == nullptr) return false;
        ok = false;
      }
    }
    if (!n.one_of.empty()) {
      size_t matches = 0;
      for (NodeId id : n.one_of) {
        if (Probe(id, value) && ++matches > 1) break;
      }
      if (matches != 1) {
        Fail("oneOf", matches == 0 ? "value matches none of the " +
                                         std::to_string(n.one_of.size()) + " schemas in \"oneOf\""
                                   : "value matches more than one schema in \"oneOf\"");
        if (errors_ == nullptr) return false;
        ok = false;
      }
    }
    if (n.not_schema != kNoNode && Probe(n.not_schema, value)) {
      Fail("not", "value must not match the \"not\" schema");
      if (errors_ == nullptr) return false;
      ok = false;
    }
    if (n.if_schema != kNoNode) {
      NodeId branch = Probe(n.if_schema, value) ? n.then_schema : n.else_schema;
      if (branch != kNoNode && !Eval(branch, value)) ok = false;
    }
    return ok;
  }

  const CompiledSchema& schema_;
  const ValidateOptions& options_;
  ErrorList* errors_;
  // Bytes of path, keyword and message in errors_->kept.
  size_t kept_bytes_ = 0;
  std::string path_;
  uintptr_t stack_base_ = 0;
  uint32_t ticks_ = 0;
  size_t depth_ = 0;
};

// True when the record satisfies the schema. Stops at the first failure.
template <typename Value>
bool IsValidValue(const CompiledSchema& schema, const Value& record,
                  const ValidateOptions& options) {
  return Evaluator<Value>(schema, options, nullptr).Run(record);
}

// Every failure, in document order of the checks that found them: the first
// ones kept within the options' limits, the rest counted.
template <typename Value>
ErrorList ValueErrors(const CompiledSchema& schema, const Value& record,
                      const ValidateOptions& options) {
  ErrorList errors;
  Evaluator<Value>(schema, options, &errors).Run(record);
  return errors;
}

}  // namespace schemareg
