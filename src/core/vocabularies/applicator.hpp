// The applicator vocabulary's evaluation: subschemas applied to the items and
// members of a value, or to the value itself. Evaluated members and items are
// recorded in the evaluator's annotations when a node collects them
// (unevaluated.hpp).
#pragma once

#include <algorithm>
#include <cstring>
#include <string>

#include "core/schema.hpp"
#include "core/vocabularies/unevaluated.hpp"
#include "core/vocabularies/validation.hpp"

namespace schemareg::applicator {

// contains, bounded by minContains (default 1) and maxContains.
template <typename Ev, typename Value>
bool CheckContains(Ev& ev, const SchemaNode& n, const Value& value, Annotations* seen) {
  uint64_t min = n.min_contains.value_or(1);
  // Counting every match is needed only for a maximum, a minimum above one,
  // or the annotations; else the first match settles it.
  bool count_all = n.max_contains.has_value() || min > 1 || seen != nullptr;
  uint64_t matches = 0;
  value.ForEachItem([&](size_t i, const Value& item) {
    if (!ev.ProbeWithoutAnnotations(n.contains, item)) return true;
    matches++;
    if (seen != nullptr) seen->items.push_back(i);
    return count_all;
  });
  if (matches < min) {
    if (min == 1) {
      ev.Fail("contains", "no item matches the \"contains\" schema");
    } else {
      ev.Fail("minContains", std::to_string(matches) +
                                 " items match the \"contains\" schema, fewer than " +
                                 std::to_string(min));
    }
    return false;
  }
  if (n.max_contains && matches > *n.max_contains) {
    ev.Fail("maxContains", std::to_string(matches) +
                               " items match the \"contains\" schema, more than " +
                               std::to_string(*n.max_contains));
    return false;
  }
  return true;
}

// items (one schema, or positional ones), prefixItems, additionalItems,
// contains with maxContains and minContains.
template <typename Ev, typename Value>
bool CheckArray(Ev& ev, const SchemaNode& n, const Value& value) {
  bool ok = true;
  Annotations* seen = ev.annotations();
  if (n.items != kNoNode) {
    typename Ev::SchemaStep step(ev, "items");
    bool all = value.ForEachItem([&](size_t i, const Value& item) {
      if (!ev.EvalItem(n.items, item, i)) {
        ok = false;
        if (ev.fast()) return false;
      }
      return true;
    });
    if (!all) return false;
    if (seen != nullptr) seen->all_items = true;
  } else if (!n.items_array.empty()) {
    const char* additional = n.prefix_items ? "items" : "additionalItems";
    const char* positional = n.prefix_items ? "prefixItems" : "items";
    bool all = value.ForEachItem([&](size_t i, const Value& item) {
      NodeId id = i < n.items_array.size() ? n.items_array[i] : n.additional_items;
      if (id == kNoNode) return true;
      if (i >= n.items_array.size() && ev.node(id).kind == SchemaNode::Kind::kAlwaysInvalid) {
        ev.Fail(additional,
                std::string("item is not allowed: \"") + positional + "\" allows " +
                    std::to_string(n.items_array.size()),
                std::to_string(i));
        ok = false;
        return !ev.fast();
      }
      bool passed = true;
      if (i < n.items_array.size()) {
        typename Ev::SchemaStep step(ev, positional, i);
        passed = ev.EvalItem(id, item, i);
      } else {
        typename Ev::SchemaStep step(ev, additional);
        passed = ev.EvalItem(id, item, i);
      }
      if (!passed) {
        ok = false;
        if (ev.fast()) return false;
      }
      return true;
    });
    if (!all) return false;
    if (seen != nullptr) {
      seen->items_prefix =
          std::max(seen->items_prefix, std::min(value.size(), n.items_array.size()));
      if (n.additional_items != kNoNode) seen->all_items = true;
    }
  }
  if (n.contains != kNoNode &&
      !CheckContains(ev, n, value, n.contains_annotates ? seen : nullptr)) {
    ok = false;
  }
  return ok;
}

// Finds members' names among "properties" (sorted by KeyLess). jsonb gives
// an object's members in that same order, so each name is sought from where
// the last one was found, a few steps at most, in one merged pass; members
// in another order (the core's own Json) start over with a binary search.
class PropertyCursor {
 public:
  using Properties = std::vector<std::pair<std::string, NodeId>>;
  explicit PropertyCursor(const Properties& properties)
      : begin_(properties.begin()), end_(properties.end()), from_(begin_) {}

  // The first property not less than `name`.
  Properties::const_iterator Seek(std::string_view name) {
    if (started_ && !KeyLess(last_, name)) from_ = begin_;  // out of order
    started_ = true;
    last_ = name;
    auto it = from_;
    for (int steps = 0; it != end_ && KeyLess(it->first, name); ++it) {
      if (++steps == 4) {
        it = std::lower_bound(
            it, end_, name, [](const auto& p, std::string_view k) { return KeyLess(p.first, k); });
        break;
      }
    }
    from_ = it;
    return it;
  }

 private:
  Properties::const_iterator begin_, end_, from_;
  std::string_view last_;
  bool started_ = false;
};

// dependentSchemas (and the schema form of "dependencies"), then one pass over
// the members for properties, patternProperties, additionalProperties and
// propertyNames. In fast mode the pass also notes which "properties" are
// present, for the required names that are among them
// (validation::RequiredInMemberPass).
template <typename Ev, typename Value>
bool CheckObject(Ev& ev, const SchemaNode& n, const Value& value) {
  using evaluator_detail::Quoted;
  bool ok = true;
  Value found = Value::Key("");
  for (const auto& dep : n.schema_dependencies) {
    if (!value.Find(dep.first, &found)) continue;
    typename Ev::SchemaStep step(ev, n.dependent_schemas ? "dependentSchemas" : "dependencies",
                                 dep.first);
    if (!ev.Eval(dep.second, value)) {
      ok = false;
      if (ev.fast()) return false;
    }
  }
  bool defer_required = validation::RequiredInMemberPass(n, ev.fast());
  bool check_members = !n.properties.empty() || !n.pattern_properties.empty() ||
                       n.additional_properties != kNoNode || n.property_names != kNoNode;
  if (!check_members) return ok;  // (no "properties": nothing was deferred)
  Annotations* seen = ev.annotations();
  uint64_t present[kMaxTrackedProperties / 64] = {};
  PropertyCursor cursor(n.properties);
  bool all = value.ForEachMember([&](std::string_view name, const Value& member) {
    bool matched = false;
    auto prop = cursor.Seek(name);
    if (prop != n.properties.end() && prop->first.size() == name.size() &&
        std::memcmp(prop->first.data(), name.data(), name.size()) == 0) {
      if (defer_required) {
        size_t index = static_cast<size_t>(prop - n.properties.begin());
        present[index / 64] |= uint64_t{1} << (index % 64);
      }
      matched = true;
      typename Ev::SchemaStep step(ev, "properties", prop->first);
      if (!ev.EvalChild(prop->second, member, name)) {
        ok = false;
        if (ev.fast()) return false;
      }
    }
    for (const auto& pp : n.pattern_properties) {
      if (!ev.Matches(*pp.first, name, name)) continue;
      matched = true;
      typename Ev::SchemaStep step(ev, "patternProperties", pp.first->source());
      if (!ev.EvalChild(pp.second, member, name)) {
        ok = false;
        if (ev.fast()) return false;
      }
    }
    if (matched && seen != nullptr) seen->properties.push_back(name);
    if (!matched && n.additional_properties != kNoNode) {
      const char* additional =
          n.additional_is_unevaluated ? "unevaluatedProperties" : "additionalProperties";
      if (ev.node(n.additional_properties).kind == SchemaNode::Kind::kAlwaysInvalid) {
        ev.Fail(additional, "property \"" + Quoted(name) + "\" is not allowed", name);
        ok = false;
        if (ev.fast()) return false;
      } else {
        typename Ev::SchemaStep step(ev, additional);
        if (!ev.EvalChild(n.additional_properties, member, name)) {
          ok = false;
          if (ev.fast()) return false;
        }
      }
    }
    if (n.property_names != kNoNode &&
        !ev.ProbeWithoutAnnotations(n.property_names, Value::Key(name))) {
      ev.Fail("propertyNames",
              "property name \"" + Quoted(name) + "\" does not match the \"propertyNames\" schema",
              name);
      ok = false;
      if (ev.fast()) return false;
    }
    return true;
  });
  if (!all) return false;
  if (seen != nullptr && n.additional_properties != kNoNode) seen->all_properties = true;
  if (defer_required && !validation::RequiredPresent(n, value, present)) return false;
  return ok;
}

// allOf, anyOf, oneOf, not, if/then/else: subschemas applied to the value
// itself. Only those that pass contribute their annotations.
template <typename Ev, typename Value>
bool CheckInPlace(Ev& ev, const SchemaNode& n, const Value& value) {
  bool ok = true;
  for (size_t i = 0; i < n.all_of.size(); i++) {
    NodeId id = n.all_of[i];
    typename Ev::SchemaStep step(ev, "allOf", i);
    if (!ev.Eval(id, value)) {
      ok = false;
      if (ev.fast()) return false;
    }
  }
  if (!n.any_of.empty()) {
    bool any = false;
    for (NodeId id : n.any_of) {
      if (ev.ProbeBranch(id, value)) {
        any = true;
        // With annotations, every passing branch contributes.
        if (ev.annotations() == nullptr) break;
      }
    }
    if (!any) {
      ev.Fail("anyOf", "value matches none of the " + std::to_string(n.any_of.size()) +
                           " schemas in \"anyOf\"");
      if (ev.fast()) return false;
      ok = false;
    }
  }
  if (!n.one_of.empty()) {
    size_t matches = 0;
    for (NodeId id : n.one_of) {
      if (ev.ProbeBranch(id, value) && ++matches > 1) break;
    }
    if (matches != 1) {
      ev.Fail("oneOf", matches == 0 ? "value matches none of the " +
                                          std::to_string(n.one_of.size()) + " schemas in \"oneOf\""
                                    : "value matches more than one schema in \"oneOf\"");
      if (ev.fast()) return false;
      ok = false;
    }
  }
  if (n.not_schema != kNoNode && ev.ProbeWithoutAnnotations(n.not_schema, value)) {
    ev.Fail("not", "value must not match the \"not\" schema");
    if (ev.fast()) return false;
    ok = false;
  }
  if (n.if_schema != kNoNode) {
    bool then = ev.ProbeBranch(n.if_schema, value);
    NodeId branch = then ? n.then_schema : n.else_schema;
    typename Ev::SchemaStep step(ev, then ? "then" : "else");
    if (branch != kNoNode && !ev.Eval(branch, value)) ok = false;
  }
  return ok;
}

}  // namespace schemareg::applicator
