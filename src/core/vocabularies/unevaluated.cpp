// The unevaluated vocabulary's compile steps (in 2019-09 part of the
// applicator vocabulary). A node with either keyword makes the evaluator
// collect, for that value only, which members and items the other keywords
// evaluated (unevaluated.hpp); other schemas pay nothing for it.
#include "core/vocabularies/vocabulary.hpp"

namespace schemareg {

namespace {

void CompileUnevaluatedProperties(KeywordSite& site, const Json& v) {
  site.node.unevaluated_properties = site.compiler.Subschema(v, "unevaluatedProperties");
}

void CompileUnevaluatedItems(KeywordSite& site, const Json& v) {
  site.node.unevaluated_items = site.compiler.Subschema(v, "unevaluatedItems");
}

const std::vector<Keyword> kKeywords = {{"unevaluatedProperties", CompileUnevaluatedProperties},
                                        {"unevaluatedItems", CompileUnevaluatedItems}};

}  // namespace

void FinishUnevaluated(SchemaNode& n) {
  if (n.unevaluated_properties == kNoNode) return;
  // Subschemas applied in place could evaluate members too ("not" cannot).
  if (n.ref != kNoNode || n.dynamic_ref != kNoNode || !n.all_of.empty() || !n.any_of.empty() ||
      !n.one_of.empty() || n.if_schema != kNoNode || !n.schema_dependencies.empty()) {
    return;
  }
  // Only this node's properties, patternProperties and additionalProperties
  // evaluate its members: unevaluatedProperties applies to the members
  // additionalProperties would (to none, when it is there).
  if (n.additional_properties == kNoNode) {
    n.additional_properties = n.unevaluated_properties;
    n.additional_is_unevaluated = true;
  }
  n.unevaluated_properties = kNoNode;
}

// In 2019-09 these keywords belong to the applicator vocabulary, so that is
// the URI $vocabulary turns them on and off with.
const Vocabulary kUnevaluated2019_09{"https://json-schema.org/draft/2019-09/vocab/applicator",
                                     kKeywords};
const Vocabulary kUnevaluated2020_12{"https://json-schema.org/draft/2020-12/vocab/unevaluated",
                                     kKeywords};

}  // namespace schemareg
