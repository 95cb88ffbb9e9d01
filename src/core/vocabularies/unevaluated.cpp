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

// In 2019-09 these keywords belong to the applicator vocabulary, so that is
// the URI $vocabulary turns them on and off with.
const Vocabulary kUnevaluated2019_09{"https://json-schema.org/draft/2019-09/vocab/applicator",
                                     kKeywords};
const Vocabulary kUnevaluated2020_12{"https://json-schema.org/draft/2020-12/vocab/unevaluated",
                                     kKeywords};

}  // namespace schemareg
