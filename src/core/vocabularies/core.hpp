// The core vocabulary's evaluation: references applied to the value itself.
#pragma once

#include "core/schema.hpp"

namespace schemareg::core {

// $dynamicRef and $recursiveRef: the outermost resource of the dynamic scope
// with a matching anchor, else the static target.
template <typename Ev>
NodeId DynamicTarget(const Ev& ev, const SchemaNode& n) {
  const std::vector<SchemaResource>& resources = ev.schema().resources;
  for (uint32_t r : ev.dynamic_scope()) {
    const SchemaResource& resource = resources[r];
    if (n.recursive_ref && resource.recursive_anchor) return resource.root;
    if (!n.dynamic_anchor.empty()) {
      for (const auto& [name, id] : resource.dynamic_anchors) {
        if (name == n.dynamic_anchor) return id;
      }
    }
  }
  return n.dynamic_ref;
}

// $ref (beside other keywords: 2019-09 and later), $dynamicRef, $recursiveRef.
template <typename Ev, typename Value>
bool CheckRefs(Ev& ev, const SchemaNode& n, const Value& value) {
  bool ok = true;
  if (n.ref != kNoNode && !ev.Eval(n.ref, value)) {
    ok = false;
    if (ev.fast()) return false;
  }
  if (n.dynamic_ref != kNoNode) {
    NodeId target =
        n.dynamic_anchor.empty() && !n.recursive_ref ? n.dynamic_ref : DynamicTarget(ev, n);
    if (!ev.Eval(target, value)) ok = false;
  }
  return ok;
}

}  // namespace schemareg::core
