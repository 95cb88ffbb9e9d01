// The unevaluated vocabulary's evaluation. A node with unevaluatedProperties
// or unevaluatedItems collects, for its own value only, which members and
// items its other keywords and the subschemas they apply in place evaluated
// successfully (the annotations), then applies its subschema to the rest.
// Nodes without those keywords collect nothing: the evaluator's pointer to
// the annotations is null for them.
#pragma once

#include <algorithm>
#include <string_view>
#include <vector>

#include "core/schema.hpp"
#include "core/vocabularies/validation.hpp"

namespace schemareg {

// What was evaluated at one value.
struct Annotations {
  bool all_properties = false;
  std::vector<std::string_view> properties;
  bool all_items = false;
  size_t items_prefix = 0;    // items [0, items_prefix) were evaluated
  std::vector<size_t> items;  // and these ("contains" matches, 2020-12)

  // Adds what another evaluation at the same value evaluated. Each list
  // stays a set (sorted, no repeats), so it never outgrows the value's own
  // members or items, however many branches evaluate the same one.
  void Merge(const Annotations& other) {
    all_properties = all_properties || other.all_properties;
    if (all_properties) {
      properties.clear();
    } else {
      MergeSet(properties, other.properties);
    }
    all_items = all_items || other.all_items;
    items_prefix = std::max(items_prefix, other.items_prefix);
    if (all_items) {
      items.clear();
    } else {
      MergeSet(items, other.items);
    }
  }

 private:
  template <typename T>
  static void MergeSet(std::vector<T>& into, const std::vector<T>& from) {
    if (from.empty()) return;
    into.insert(into.end(), from.begin(), from.end());
    std::sort(into.begin(), into.end());
    into.erase(std::unique(into.begin(), into.end()), into.end());
  }
};

namespace unevaluated {

// unevaluatedProperties: its schema applies to the members nothing evaluated.
template <typename Ev, typename Value>
bool CheckProperties(Ev& ev, const SchemaNode& n, const Value& value, Annotations& seen) {
  if (seen.all_properties || value.type() != JsonType::kObject) return true;
  std::sort(seen.properties.begin(), seen.properties.end());
  bool ok = true;
  bool forbidden = ev.node(n.unevaluated_properties).kind == SchemaNode::Kind::kAlwaysInvalid;
  bool all = value.ForEachMember([&](std::string_view name, const Value& member) {
    if (std::binary_search(seen.properties.begin(), seen.properties.end(), name)) return true;
    if (forbidden) {
      ev.Fail("unevaluatedProperties",
              "property \"" + evaluator_detail::Quoted(name) + "\" is not allowed", name);
      ok = false;
    } else {
      typename Ev::SchemaStep step(ev, "unevaluatedProperties");
      if (!ev.EvalChild(n.unevaluated_properties, member, name)) ok = false;
    }
    return ok || !ev.fast();
  });
  if (all && ok) seen.all_properties = true;
  return all && ok;
}

// unevaluatedItems: its schema applies to the items nothing evaluated.
template <typename Ev, typename Value>
bool CheckItems(Ev& ev, const SchemaNode& n, const Value& value, Annotations& seen) {
  if (seen.all_items || value.type() != JsonType::kArray || seen.items_prefix >= value.size()) {
    return true;
  }
  std::sort(seen.items.begin(), seen.items.end());
  bool ok = true;
  bool forbidden = ev.node(n.unevaluated_items).kind == SchemaNode::Kind::kAlwaysInvalid;
  bool all = value.ForEachItem([&](size_t i, const Value& item) {
    if (i < seen.items_prefix || std::binary_search(seen.items.begin(), seen.items.end(), i)) {
      return true;
    }
    if (forbidden) {
      ev.Fail("unevaluatedItems", "item is not allowed: nothing else evaluated it",
              std::to_string(i));
      ok = false;
    } else {
      typename Ev::SchemaStep step(ev, "unevaluatedItems");
      if (!ev.EvalItem(n.unevaluated_items, item, i)) ok = false;
    }
    return ok || !ev.fast();
  });
  if (all && ok) seen.all_items = true;
  return all && ok;
}

// Evaluates a node that has either keyword: its other keywords first,
// collecting what they evaluate, then the unevaluated ones. What the node
// evaluated goes to the annotations of the node that applied it in place.
template <typename Ev, typename Value>
bool EvalTracking(Ev& ev, const SchemaNode& n, const Value& value) {
  Annotations seen;
  Annotations* outer = ev.SwapAnnotations(&seen);
  bool ok = ev.EvalKeywords(n, value);
  if (ok || !ev.fast()) {
    if (n.unevaluated_properties != kNoNode && !CheckProperties(ev, n, value, seen)) ok = false;
    if ((ok || !ev.fast()) && n.unevaluated_items != kNoNode && !CheckItems(ev, n, value, seen)) {
      ok = false;
    }
  }
  ev.SwapAnnotations(outer);
  if (ok && outer != nullptr) outer->Merge(seen);
  return ok;
}

}  // namespace unevaluated
}  // namespace schemareg
