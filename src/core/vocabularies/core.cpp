// The core vocabulary's compile steps: references. Identifiers ($id, id,
// $anchor, $dynamicAnchor, $recursiveAnchor) and the places that hold
// subschemas ($defs, definitions) are indexed by the compiler before any
// keyword compiles (compiler.cpp).
#include "core/error.hpp"
#include "core/uri.hpp"
#include "core/vocabularies/vocabulary.hpp"

namespace schemareg {

namespace {

// $ref: the subschema it resolves to applies to the same value. In drafts 4-7
// it replaces its siblings; the compiler then compiles it alone.
void CompileRef(KeywordSite& site, const Json& value) {
  if (!value.is_string()) {
    // Drafts 4-7 ignore it (the metaschema check reports it first).
    if (!IsModern(site.dialect)) return;
    InvalidKeyword("\"$ref\" must be a string");
  }
  site.node.ref_text = value.as_string();
  site.node.ref = site.compiler.NodeOf(site.compiler.Resolve(value.as_string()));
}

// $dynamicRef (2020-12): resolved like $ref; when its target is a
// $dynamicAnchor of the name in its fragment, the evaluator looks for the
// outermost resource in the dynamic scope with a $dynamicAnchor of that name.
void CompileDynamicRef(KeywordSite& site, const Json& value) {
  if (!value.is_string()) InvalidKeyword("\"$dynamicRef\" must be a string");
  const Json* target = site.compiler.Resolve(value.as_string());
  site.node.ref_text = value.as_string();
  site.node.dynamic_ref = site.compiler.NodeOf(target);
  std::string without, fragment;
  SplitFragment(value.as_string(), &without, &fragment);
  if (fragment.empty() || fragment[0] == '/' || !target->is_object()) return;
  const Json* anchor = target->Find("$dynamicAnchor");
  if (anchor != nullptr && anchor->is_string() && anchor->as_string() == fragment) {
    site.node.dynamic_anchor = fragment;
    site.compiler.UseDynamicScope();
  }
}

// $recursiveRef (2019-09): "#", resolved like $ref; when the resource it
// names has "$recursiveAnchor": true, the evaluator looks for the outermost
// resource in the dynamic scope that has one too.
void CompileRecursiveRef(KeywordSite& site, const Json& value) {
  if (!value.is_string()) InvalidKeyword("\"$recursiveRef\" must be a string");
  const Json* target = site.compiler.Resolve(value.as_string());
  site.node.ref_text = value.as_string();
  site.node.dynamic_ref = site.compiler.NodeOf(target);
  site.node.dynamic_keyword = "$recursiveRef";
  const Json* anchor = target->is_object() ? target->Find("$recursiveAnchor") : nullptr;
  if (anchor != nullptr && anchor->is_bool() && anchor->as_bool()) {
    site.node.recursive_ref = true;
    site.compiler.UseDynamicScope();
  }
}

}  // namespace

const Vocabulary kCoreDraft4{
    "", {{"$ref", CompileRef}, {"id", nullptr}, {"$schema", nullptr}, {"definitions", nullptr}}};
const Vocabulary kCoreDraft6{
    "", {{"$ref", CompileRef}, {"$id", nullptr}, {"$schema", nullptr}, {"definitions", nullptr}}};
const Vocabulary kCoreDraft7{"",
                             {{"$ref", CompileRef},
                              {"$id", nullptr},
                              {"$schema", nullptr},
                              {"definitions", nullptr},
                              {"$comment", nullptr}}};
const Vocabulary kCore2019_09{"https://json-schema.org/draft/2019-09/vocab/core",
                              {{"$ref", CompileRef},
                               {"$recursiveRef", CompileRecursiveRef},
                               {"$id", nullptr},
                               {"$anchor", nullptr},
                               {"$recursiveAnchor", nullptr},
                               {"$schema", nullptr},
                               {"$vocabulary", nullptr},
                               {"$defs", nullptr},
                               // Not a keyword since 2019-09, but still where
                               // schemas keep subschemas for $ref.
                               {"definitions", nullptr},
                               {"$comment", nullptr}}};
const Vocabulary kCore2020_12{"https://json-schema.org/draft/2020-12/vocab/core",
                              {{"$ref", CompileRef},
                               {"$dynamicRef", CompileDynamicRef},
                               {"$id", nullptr},
                               {"$anchor", nullptr},
                               {"$dynamicAnchor", nullptr},
                               {"$schema", nullptr},
                               {"$vocabulary", nullptr},
                               {"$defs", nullptr},
                               // Not a keyword since 2019-09, but still where
                               // schemas keep subschemas for $ref.
                               {"definitions", nullptr},
                               {"$comment", nullptr}}};

}  // namespace schemareg
