#include "core/validator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>

#include "core/error.hpp"
#include "core/format.hpp"

namespace schemareg {

namespace {

const char* TypeName(const Json& v) {
  switch (v.type()) {
    case JsonType::kNull:
      return "null";
    case JsonType::kBool:
      return "boolean";
    case JsonType::kNumber:
      return v.is_integer() ? "integer" : "number";
    case JsonType::kString:
      return "string";
    case JsonType::kArray:
      return "array";
    case JsonType::kObject:
      return "object";
  }
  return "value";
}

std::string TypeList(uint8_t types) {
  static const std::pair<uint8_t, const char*> kNames[] = {
      {kTypeNull, "null"},     {kTypeBoolean, "boolean"}, {kTypeObject, "object"},
      {kTypeArray, "array"},   {kTypeNumber, "number"},   {kTypeString, "string"},
      {kTypeInteger, "integer"}};
  std::string out;
  for (const auto& n : kNames) {
    if (types & n.first) {
      if (!out.empty()) out += " or ";
      out += n.second;
    }
  }
  return out;
}

std::string Num(double d) { return ToJsonText(Json::Number(d)); }

// A property name as messages quote it: bounded, whole characters.
std::string Quoted(const std::string& name) { return TruncateUtf8(name, 100); }

// Code points in a UTF-8 string: every byte that does not continue a sequence.
uint64_t CodePoints(const std::string& s) {
  uint64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Whether value is a multiple of divisor, allowing only the rounding error of
// the decimal-to-binary conversion (0.0075 is a multiple of 0.0001; 1e9 + 0.5
// is not a multiple of 1).
bool IsMultiple(double value, double divisor) {
  if (!std::isfinite(value) || !std::isfinite(value / divisor)) return false;
  double remainder = std::fmod(std::fabs(value), divisor);
  double distance = std::min(remainder, divisor - remainder);
  return distance <= 4 * std::numeric_limits<double>::epsilon() * std::fabs(value);
}

class Evaluator {
 public:
  Evaluator(const CompiledSchema& schema, const ValidateOptions& options,
            std::vector<ValidationError>* errors)
      : schema_(schema), options_(options), errors_(errors) {
    char probe;
    stack_base_ = reinterpret_cast<uintptr_t>(&probe);
  }

  bool Run(const Json& record) { return Eval(schema_.root, record); }

 private:
  void Fail(const char* keyword, std::string message) {
    if (errors_ != nullptr) errors_->push_back({path_, keyword, std::move(message)});
  }

  void Fail(const char* keyword, std::string message, std::string_view child) {
    if (errors_ == nullptr) return;
    size_t length = path_.size();
    AppendPointerToken(path_, child);
    Fail(keyword, std::move(message));
    path_.resize(length);
  }

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

  // Evaluates a subschema at a child of the current value, extending the path.
  bool EvalChild(NodeId id, const Json& value, std::string_view token) {
    size_t length = path_.size();
    if (errors_ != nullptr) AppendPointerToken(path_, token);
    bool ok = Eval(id, value);
    path_.resize(length);
    return ok;
  }

  // Evaluates without collecting errors (for anyOf, oneOf, not, if).
  bool Probe(NodeId id, const Json& value) {
    std::vector<ValidationError>* saved = errors_;
    errors_ = nullptr;
    bool ok = Eval(id, value);
    errors_ = saved;
    return ok;
  }

  bool Eval(NodeId id, const Json& value) {
    Poll();
    const SchemaNode& n = *schema_.nodes[id];
    if (n.kind == SchemaNode::Kind::kAlwaysValid) return true;
    if (n.kind == SchemaNode::Kind::kAlwaysInvalid) {
      Fail("false", "no value is allowed here");
      return false;
    }
    if (n.ref != kNoNode) return Eval(n.ref, value);
    bool ok = true;
    // Each check returns early in fast mode (errors_ == nullptr) once it fails.
#define SCHEMAREG_CHECK(cond) \
  do {                        \
    if (!(cond)) {            \
      ok = false;             \
      if (errors_ == nullptr) return false; \
    }                         \
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

  bool CheckGeneric(const SchemaNode& n, const Json& value) {
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
          bit = kTypeNumber | (value.is_integer() ? kTypeInteger : 0);
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
        Fail("type", std::string("expected ") + TypeList(n.types) + ", found " + TypeName(value));
        if (errors_ == nullptr) return false;
        ok = false;
      }
    }
    if (n.has_enum) {
      bool found = std::any_of(n.enum_values.begin(), n.enum_values.end(),
                               [&](const Json& e) { return JsonEqual(e, value); });
      if (!found) {
        Fail("enum", "value " + ToJsonText(value, 60) + " is not one of the " +
                         std::to_string(n.enum_values.size()) + " allowed values");
        if (errors_ == nullptr) return false;
        ok = false;
      }
    }
    if (n.const_value && !JsonEqual(*n.const_value, value)) {
      Fail("const", "value must be " + ToJsonText(*n.const_value, 60));
      ok = false;
    }
    return ok;
  }

  bool CheckNumber(const SchemaNode& n, double x) {
    bool ok = true;
    auto check = [&](bool pass, const char* keyword, std::string message) {
      if (!pass) {
        Fail(keyword, std::move(message));
        ok = false;
      }
      return pass || errors_ != nullptr;
    };
    if (n.maximum && !check(x <= *n.maximum, "maximum",
                            Num(x) + " is greater than the maximum " + Num(*n.maximum)))
      return false;
    if (n.exclusive_maximum &&
        !check(x < *n.exclusive_maximum, "exclusiveMaximum",
               Num(x) + " is not less than the exclusive maximum " + Num(*n.exclusive_maximum)))
      return false;
    if (n.minimum &&
        !check(x >= *n.minimum, "minimum", Num(x) + " is less than the minimum " + Num(*n.minimum)))
      return false;
    if (n.exclusive_minimum &&
        !check(x > *n.exclusive_minimum, "exclusiveMinimum",
               Num(x) + " is not greater than the exclusive minimum " + Num(*n.exclusive_minimum)))
      return false;
    if (n.multiple_of && !check(IsMultiple(x, *n.multiple_of), "multipleOf",
                                Num(x) + " is not a multiple of " + Num(*n.multiple_of)))
      return false;
    return ok;
  }

  bool CheckString(const SchemaNode& n, const std::string& s) {
    bool ok = true;
    if (n.max_length || n.min_length) {
      uint64_t length = CodePoints(s);
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
      Fail("pattern", "string does not match the pattern \"" + TruncateUtf8(n.pattern->source(), 200) + "\"");
      if (errors_ == nullptr) return false;
      ok = false;
    }
    if (!n.format.empty() && options_.assert_formats && !FormatOk(n.format, s)) {
      Fail("format", "\"" + TruncateUtf8(s, 60) + "\" is not a valid " + n.format);
      ok = false;
    }
    return ok;
  }

  static bool FormatOk(const std::string& format, const std::string& s) {
    if (format == "regex") {
      try {
        Pattern::Compile(s);
        return true;
      } catch (const Error&) {
        return false;
      }
    }
    return CheckFormat(format, s) != FormatResult::kInvalid;
  }

  bool CheckArray(const SchemaNode& n, const Json& value) {
    const std::vector<Json>& items = value.items();
    bool ok = true;
    auto fail = [&](const char* keyword, std::string message) {
      Fail(keyword, std::move(message));
      ok = false;
      return errors_ != nullptr;
    };
    if (n.max_items && items.size() > *n.max_items &&
        !fail("maxItems", "array has " + std::to_string(items.size()) + " items, more than " +
                              std::to_string(*n.max_items)))
      return false;
    if (n.min_items && items.size() < *n.min_items &&
        !fail("minItems", "array has " + std::to_string(items.size()) + " items, fewer than " +
                              std::to_string(*n.min_items)))
      return false;
    if (n.unique_items) {
      size_t first = 0, second = 0;
      if (FindDuplicate(items, &first, &second) &&
          !fail("uniqueItems", "items " + std::to_string(first) + " and " + std::to_string(second) +
                                   " are equal"))
        return false;
    }
    if (n.items != kNoNode) {
      for (size_t i = 0; i < items.size(); i++) {
        if (!EvalChild(n.items, items[i], std::to_string(i))) {
          ok = false;
          if (errors_ == nullptr) return false;
        }
      }
    } else if (!n.items_array.empty()) {
      for (size_t i = 0; i < items.size(); i++) {
        NodeId id = i < n.items_array.size() ? n.items_array[i] : n.additional_items;
        if (id == kNoNode) break;
        if (i >= n.items_array.size() &&
            schema_.nodes[id]->kind == SchemaNode::Kind::kAlwaysInvalid) {
          Fail("additionalItems",
               "item is not allowed: \"items\" allows " + std::to_string(n.items_array.size()),
               std::to_string(i));
          ok = false;
          if (errors_ == nullptr) return false;
          continue;
        }
        if (!EvalChild(id, items[i], std::to_string(i))) {
          ok = false;
          if (errors_ == nullptr) return false;
        }
      }
    }
    if (n.contains != kNoNode) {
      bool found = false;
      for (const Json& item : items) {
        if (Probe(n.contains, item)) {
          found = true;
          break;
        }
      }
      if (!found && !fail("contains", "no item matches the \"contains\" schema")) return false;
    }
    return ok;
  }

  bool FindDuplicate(const std::vector<Json>& items, size_t* first, size_t* second) {
    std::unordered_multimap<size_t, size_t> seen;
    seen.reserve(items.size());
    for (size_t i = 0; i < items.size(); i++) {
      Poll();
      size_t h = JsonHash(items[i]);
      auto range = seen.equal_range(h);
      for (auto it = range.first; it != range.second; ++it) {
        if (JsonEqual(items[it->second], items[i])) {
          *first = it->second;
          *second = i;
          return true;
        }
      }
      seen.emplace(h, i);
    }
    return false;
  }

  bool CheckObject(const SchemaNode& n, const Json& value) {
    const std::vector<Json::Member>& members = value.members();
    bool ok = true;
    auto fail = [&](const char* keyword, std::string message, const std::string* child) {
      if (child != nullptr) {
        Fail(keyword, std::move(message), *child);
      } else {
        Fail(keyword, std::move(message));
      }
      ok = false;
      return errors_ != nullptr;
    };
    if (n.max_properties && members.size() > *n.max_properties &&
        !fail("maxProperties", "object has " + std::to_string(members.size()) +
                                   " properties, more than " + std::to_string(*n.max_properties),
              nullptr))
      return false;
    if (n.min_properties && members.size() < *n.min_properties &&
        !fail("minProperties", "object has " + std::to_string(members.size()) +
                                   " properties, fewer than " + std::to_string(*n.min_properties),
              nullptr))
      return false;
    for (const std::string& name : n.required) {
      if (value.Find(name) == nullptr &&
          !fail("required", "required property \"" + Quoted(name) + "\" is missing", &name))
        return false;
    }
    for (const auto& dep : n.property_dependencies) {
      if (value.Find(dep.first) == nullptr) continue;
      for (const std::string& name : dep.second) {
        if (value.Find(name) == nullptr &&
            !fail("dependencies",
                  "property \"" + Quoted(dep.first) + "\" requires property \"" + Quoted(name) + "\"",
                  nullptr))
          return false;
      }
    }
    for (const auto& dep : n.schema_dependencies) {
      if (value.Find(dep.first) != nullptr && !Eval(dep.second, value)) {
        ok = false;
        if (errors_ == nullptr) return false;
      }
    }
    bool check_members = !n.properties.empty() || !n.pattern_properties.empty() ||
                         n.additional_properties != kNoNode || n.property_names != kNoNode;
    if (!check_members) return ok;
    for (const Json::Member& m : members) {
      bool matched = false;
      auto prop = std::lower_bound(
          n.properties.begin(), n.properties.end(), m.first,
          [](const std::pair<std::string, NodeId>& p, const std::string& k) { return p.first < k; });
      if (prop != n.properties.end() && prop->first == m.first) {
        matched = true;
        if (!EvalChild(prop->second, m.second, m.first)) {
          ok = false;
          if (errors_ == nullptr) return false;
        }
      }
      for (const auto& pp : n.pattern_properties) {
        if (!pp.first->Search(m.first)) continue;
        matched = true;
        if (!EvalChild(pp.second, m.second, m.first)) {
          ok = false;
          if (errors_ == nullptr) return false;
        }
      }
      if (!matched && n.additional_properties != kNoNode) {
        const SchemaNode& extra = *schema_.nodes[n.additional_properties];
        if (extra.kind == SchemaNode::Kind::kAlwaysInvalid) {
          if (!fail("additionalProperties", "property \"" + Quoted(m.first) + "\" is not allowed",
                    &m.first))
            return false;
        } else if (!EvalChild(n.additional_properties, m.second, m.first)) {
          ok = false;
          if (errors_ == nullptr) return false;
        }
      }
      if (n.property_names != kNoNode && !Probe(n.property_names, Json::String(m.first)) &&
          !fail("propertyNames",
                "property name \"" + Quoted(m.first) + "\" does not match the \"propertyNames\" schema",
                &m.first))
        return false;
    }
    return ok;
  }

  bool CheckCombinators(const SchemaNode& n, const Json& value) {
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
  std::vector<ValidationError>* errors_;
  std::string path_;
  uintptr_t stack_base_ = 0;
  uint32_t ticks_ = 0;
};

}  // namespace

std::string ErrorLines(const std::vector<ValidationError>& errors, size_t limit) {
  std::string lines;
  for (size_t i = 0; i < errors.size(); i++) {
    if (i == limit) {
      lines += "\n... and " + std::to_string(errors.size() - i) + " more";
      break;
    }
    if (i > 0) lines += "\n";
    lines += (errors[i].path.empty() ? std::string("(root)") : errors[i].path) + ": " +
             errors[i].message + " (" + errors[i].keyword + ")";
  }
  return lines;
}

bool IsValid(const CompiledSchema& schema, const Json& record, const ValidateOptions& options) {
  return Evaluator(schema, options, nullptr).Run(record);
}

std::vector<ValidationError> CollectErrors(const CompiledSchema& schema, const Json& record,
                                           const ValidateOptions& options) {
  std::vector<ValidationError> errors;
  Evaluator(schema, options, &errors).Run(record);
  return errors;
}

}  // namespace schemareg
