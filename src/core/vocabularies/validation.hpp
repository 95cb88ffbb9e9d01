// The validation vocabulary's evaluation: assertions on the value itself.
// `Ev` is the Evaluator (src/core/evaluator.hpp); in fast mode (no error
// list) each check returns false at its first failure.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>

#include "core/decimal.hpp"
#include "core/schema.hpp"
#include "core/validator.hpp"
#include "core/value.hpp"

namespace schemareg {

namespace evaluator_detail {
std::string TypeList(uint8_t types);
std::string Num(double d);
// A property name as messages quote it: bounded, whole characters.
std::string Quoted(std::string_view name);
// Code points in a UTF-8 string.
uint64_t CodePoints(std::string_view s);
// Whether a string is valid for a format ("regex" compiles it).
bool FormatOk(const std::string& format, std::string_view s);
}  // namespace evaluator_detail

namespace validation {

template <typename Value>
const char* TypeName(const Value& v) {
  switch (v.type()) {
    case JsonType::kNull:
      return "null";
    case JsonType::kBool:
      return "boolean";
    case JsonType::kNumber:
      return v.number_is_integral() ? "integer" : "number";
    case JsonType::kString:
      return "string";
    case JsonType::kArray:
      return "array";
    case JsonType::kObject:
      return "object";
  }
  return "value";
}

// type, enum, const: any value.
template <typename Ev, typename Value>
bool CheckAnyType(Ev& ev, const SchemaNode& n, const Value& value) {
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
        // Whether it is an integer matters only when "number" is not allowed.
        bit = (n.types & kTypeNumber) != 0 ? kTypeNumber
              : value.number_is_integral() ? kTypeInteger
                                           : kTypeNumber;
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
      ev.Fail("type", std::string("expected ") + evaluator_detail::TypeList(n.types) + ", found " +
                          TypeName(value));
      if (ev.fast()) return false;
      ok = false;
    }
  }
  if (n.has_enum) {
    bool found = false;
    if (n.enum_index.empty() && value.type() == JsonType::kString) {
      // Strings, the common enum: by length, then by bytes.
      std::string_view s = value.as_string();
      found = std::any_of(n.enum_values.begin(), n.enum_values.end(), [&](const Json& e) {
        return e.is_string() && e.as_string().size() == s.size() &&
               std::string_view(e.as_string()) == s;
      });
    } else if (n.enum_index.empty()) {
      found = std::any_of(n.enum_values.begin(), n.enum_values.end(),
                          [&](const Json& e) { return ev.EqualToJson(e, value); });
    } else {
      auto range = n.enum_index.equal_range(ev.Hash(value));
      for (auto it = range.first; it != range.second && !found; ++it) {
        found = ev.EqualToJson(n.enum_values[it->second], value);
      }
    }
    if (!found) {
      ev.Fail("enum", "value " + ev.Text(value, 60) + " is not one of the " +
                          std::to_string(n.enum_values.size()) + " allowed values");
      if (ev.fast()) return false;
      ok = false;
    }
  }
  if (n.const_value && !ev.EqualToJson(*n.const_value, value)) {
    ev.Fail("const", "value must be " + ToJsonText(*n.const_value, 60));
    ok = false;
  }
  return ok;
}

// <0, 0, >0 as the number is below, at, above the bound, exactly: doubles
// that differ keep the order of the numbers (rounding is monotonic); a tie
// is settled exactly unless both are short.
template <typename Value>
int CompareToBound(const Value& v, double x, const NumberBound& bound) {
  if (x < bound.value) return -1;
  if (x > bound.value) return 1;
  if (bound.is_short && v.number_is_short()) return 0;
  return CompareDecimals(v.number_decimal(), bound.exact);
}

// multipleOf, exactly: in doubles for whole numbers below 2^53, else on the
// decimals.
template <typename Value>
bool IsMultipleOf(const Value& v, double x, const NumberBound& divisor) {
  if (divisor.small_integer && std::fabs(x) < 9007199254740992.0 && v.number_is_integral()) {
    return std::fmod(x, divisor.value) == 0;
  }
  return IsMultipleOfDecimal(v.number_decimal(), divisor.exact);
}

// The number as messages write it.
template <typename Value>
std::string NumberText(const Value& v) {
  std::string out;
  AppendNumberText(v, out);
  return TruncateUtf8(out, 60);
}

inline std::string BoundText(const NumberBound& bound) {
  return bound.is_short ? evaluator_detail::Num(bound.value)
                        : TruncateUtf8(bound.exact.ToText(), 60);
}

// maximum, exclusiveMaximum, minimum, exclusiveMinimum, multipleOf.
template <typename Ev, typename Value>
bool CheckNumber(Ev& ev, const SchemaNode& n, const Value& value) {
  if (!n.maximum && !n.exclusive_maximum && !n.minimum && !n.exclusive_minimum && !n.multiple_of) {
    return true;
  }
  double x = value.as_number();
  bool ok = true;
  auto check = [&](bool pass, const char* keyword, const char* relation, const NumberBound& bound) {
    if (!pass) {
      ev.Fail(keyword, NumberText(value) + relation + BoundText(bound));
      ok = false;
    }
    return pass || !ev.fast();
  };
  if (n.maximum && !check(CompareToBound(value, x, *n.maximum) <= 0, "maximum",
                          " is greater than the maximum ", *n.maximum))
    return false;
  if (n.exclusive_maximum &&
      !check(CompareToBound(value, x, *n.exclusive_maximum) < 0, "exclusiveMaximum",
             " is not less than the exclusive maximum ", *n.exclusive_maximum))
    return false;
  if (n.minimum && !check(CompareToBound(value, x, *n.minimum) >= 0, "minimum",
                          " is less than the minimum ", *n.minimum))
    return false;
  if (n.exclusive_minimum &&
      !check(CompareToBound(value, x, *n.exclusive_minimum) > 0, "exclusiveMinimum",
             " is not greater than the exclusive minimum ", *n.exclusive_minimum))
    return false;
  if (n.multiple_of && !check(IsMultipleOf(value, x, *n.multiple_of), "multipleOf",
                              " is not a multiple of ", *n.multiple_of))
    return false;
  return ok;
}

// maxLength, minLength, pattern.
template <typename Ev>
bool CheckString(Ev& ev, const SchemaNode& n, std::string_view s) {
  bool ok = true;
  if (n.max_length || n.min_length) {
    uint64_t length = evaluator_detail::CodePoints(s);
    if (n.max_length && length > *n.max_length) {
      ev.Fail("maxLength", "string has " + std::to_string(length) + " characters, more than " +
                               std::to_string(*n.max_length));
      if (ev.fast()) return false;
      ok = false;
    }
    if (n.min_length && length < *n.min_length) {
      ev.Fail("minLength", "string has " + std::to_string(length) + " characters, fewer than " +
                               std::to_string(*n.min_length));
      if (ev.fast()) return false;
      ok = false;
    }
  }
  if (n.pattern && !ev.Matches(*n.pattern, s, "")) {
    ev.Fail("pattern",
            "string does not match the pattern \"" + TruncateUtf8(n.pattern->source(), 200) + "\"");
    ok = false;
  }
  return ok;
}

// maxItems, minItems, uniqueItems (maxContains and minContains are
// evaluated with "contains", applicator.hpp).
template <typename Ev, typename Value>
bool CheckArray(Ev& ev, const SchemaNode& n, const Value& value) {
  size_t count = value.size();
  bool ok = true;
  auto fail = [&](const char* keyword, std::string message) {
    ev.Fail(keyword, std::move(message));
    ok = false;
    return !ev.fast();
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
    if (ev.FindDuplicate(value, &first, &second) &&
        !fail("uniqueItems",
              "items " + std::to_string(first) + " and " + std::to_string(second) + " are equal"))
      return false;
  }
  return ok;
}

// Whether the fast path checks the required names that are also
// "properties" in the applicator's pass over the members instead.
inline bool RequiredInMemberPass(const SchemaNode& n, bool fast) {
  return fast && !n.required_property_index.empty() && n.properties.size() <= kMaxTrackedProperties;
}

// maxProperties, minProperties, required, dependentRequired (and the array
// form of "dependencies").
template <typename Ev, typename Value>
bool CheckObject(Ev& ev, const SchemaNode& n, const Value& value) {
  using evaluator_detail::Quoted;
  size_t count = value.size();
  bool ok = true;
  auto fail = [&](const char* keyword, std::string message, const std::string_view* child) {
    if (child != nullptr) {
      ev.Fail(keyword, std::move(message), *child);
    } else {
      ev.Fail(keyword, std::move(message));
    }
    ok = false;
    return !ev.fast();
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
  if (!RequiredInMemberPass(n, ev.fast())) {
    for (const std::string& name : n.required) {
      std::string_view key(name);
      if (!value.Find(key, &found) &&
          !fail("required", "required property \"" + Quoted(name) + "\" is missing", &key))
        return false;
    }
  }
  const char* dependencies = n.dependent_required ? "dependentRequired" : "dependencies";
  for (const auto& dep : n.property_dependencies) {
    if (!value.Find(dep.first, &found)) continue;
    for (const std::string& name : dep.second) {
      if (!value.Find(name, &found) &&
          !fail(dependencies,
                "property \"" + Quoted(dep.first) + "\" requires property \"" + Quoted(name) + "\"",
                nullptr))
        return false;
    }
  }
  return ok;
}

// The required names left to the member pass: `present` marks the
// "properties" the object has.
template <typename Value>
bool RequiredPresent(const SchemaNode& n, const Value& value, const uint64_t* present) {
  for (size_t index : n.required_property_index) {
    if ((present[index / 64] & (uint64_t{1} << (index % 64))) == 0) return false;
  }
  Value found = Value::Key("");
  for (const std::string& name : n.required_elsewhere) {
    if (!value.Find(name, &found)) return false;
  }
  return true;
}

}  // namespace validation
}  // namespace schemareg
