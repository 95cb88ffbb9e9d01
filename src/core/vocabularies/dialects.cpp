// Dialects as lists of vocabularies: the standard ones, and those a custom
// metaschema declares with "$vocabulary".
#include <algorithm>
#include <list>
#include <map>

#include "core/error.hpp"
#include "core/vocabularies/vocabulary.hpp"

namespace schemareg {

const std::vector<const Vocabulary*>& VocabulariesOf(Dialect dialect) {
  // Built on first use: the vocabularies are other files' globals.
  static const std::vector<const Vocabulary*> kLists[] = {
      {&kCoreDraft4, &kApplicatorDraft4, &kValidationDraft4, &kFormatDraft4, &kMetaDataDraft4},
      {&kCoreDraft6, &kApplicatorDraft6, &kValidationDraft6, &kFormatDraft6, &kMetaDataDraft6},
      {&kCoreDraft7, &kApplicatorDraft7, &kValidationDraft6, &kFormatDraft7, &kMetaDataDraft7},
      {&kCore2019_09, &kApplicator2019_09, &kUnevaluated2019_09, &kValidation2019_09,
       &kFormat2019_09, &kContent2019_09, &kMetaData2019_09},
      {&kCore2020_12, &kApplicator2020_12, &kUnevaluated2020_12, &kValidation2020_12,
       &kFormat2020_12, &kContent2020_12, &kMetaData2020_12},
  };
  return kLists[static_cast<int>(dialect)];
}

namespace {

// The vocabularies "$vocabulary" may name in a dialect: its own, and the
// optional ones it does not use by default.
std::vector<const Vocabulary*> Known(Dialect dialect) {
  std::vector<const Vocabulary*> known = VocabulariesOf(dialect);
  if (dialect == Dialect::kDraft2020_12) known.push_back(&kFormatAssertion2020_12);
  return known;
}

// One copy of each list of vocabularies, so that a compiled schema may point to it.
const std::vector<const Vocabulary*>* Intern(std::vector<const Vocabulary*> list) {
  static std::list<std::vector<const Vocabulary*>> lists;
  for (const auto& existing : lists) {
    if (existing == list) return &existing;
  }
  lists.push_back(std::move(list));
  return &lists.back();
}

[[noreturn]] void UnknownSchema(const std::string& uri, const std::string& why) {
  throw Error(sqlstate::kInvalidParameterValue,
              "unknown \"$schema\" \"" + TruncateUtf8(uri, 200) + "\"", why,
              "Use https://json-schema.org/draft/2020-12/schema, or leave \"$schema\" out to use "
              "schemareg.default_dialect.");
}

}  // namespace

std::string DialectsWithKeyword(const std::string& name) {
  std::string out;
  for (Dialect d : kAllDialects) {
    for (const Vocabulary* vocabulary : Known(d)) {
      bool has = std::any_of(vocabulary->keywords.begin(), vocabulary->keywords.end(),
                             [&](const Keyword& k) { return name == k.name; });
      if (has) {
        out += (out.empty() ? "" : ", ") + std::string(DialectName(d));
        break;
      }
    }
  }
  return out;
}

DocumentDialect ResolveDocumentDialect(const Json& document, Dialect fallback,
                                       const DocumentSource& documents,
                                       std::vector<std::unique_ptr<Json>>& parsed,
                                       size_t max_depth) {
  const Json* schema = document.is_object() ? document.Find("$schema") : nullptr;
  Dialect dialect = fallback;
  if (schema == nullptr || (schema->is_string() && FindDialect(schema->as_string(), &dialect))) {
    return {dialect, &VocabulariesOf(dialect), "", nullptr};
  }
  if (!schema->is_string()) DialectOf(document, fallback);  // throws its error
  const std::string& uri = schema->as_string();
  // json-schema.org publishes no other dialect schemareg knows.
  if (uri.find(':') == std::string::npos || uri.find("json-schema.org/") != std::string::npos) {
    UnknownSchema(uri, "schemareg supports draft-04, draft-06, draft-07, 2019-09 and 2020-12.");
  }
  std::string without = uri;
  if (!without.empty() && without.back() == '#') without.pop_back();
  std::string_view shipped = ShippedDocument(without);
  auto it = documents.find(without);
  if (shipped.empty() && it == documents.end()) throw MissingDocument(without, true);
  parsed.push_back(
      std::make_unique<Json>(ParseJson(shipped.empty() ? it->second : shipped, max_depth)));
  const Json& metaschema = *parsed.back();
  const Json* meta_schema = metaschema.is_object() ? metaschema.Find("$schema") : nullptr;
  if (meta_schema == nullptr || !meta_schema->is_string() ||
      !FindDialect(meta_schema->as_string(), &dialect) || !IsModern(dialect)) {
    UnknownSchema(uri,
                  "A metaschema of one's own must itself declare \"$schema\" 2019-09 or 2020-12.");
  }
  const Json* declared = metaschema.Find("$vocabulary");
  if (declared == nullptr || !declared->is_object()) {
    return {dialect, &VocabulariesOf(dialect), without, &metaschema};
  }
  std::vector<const Vocabulary*> known = Known(dialect);
  std::vector<const Vocabulary*> chosen;
  for (const Vocabulary* vocabulary : known) {
    const Json* wanted = declared->Find(vocabulary->uri);
    if (wanted != nullptr) chosen.push_back(vocabulary);
  }
  for (const Json::Member& m : declared->members()) {
    bool found = false;
    for (const Vocabulary* vocabulary : known) found = found || m.first == vocabulary->uri;
    if (!found && m.second.is_bool() && m.second.as_bool()) {
      throw Error(sqlstate::kFeatureNotSupported,
                  "metaschema \"" + TruncateUtf8(without, 200) + "\" requires vocabulary \"" +
                      TruncateUtf8(m.first, 200) + "\", which schemareg does not know",
                  "A schema is refused rather than validated without a vocabulary it requires.",
                  "Mark the vocabulary false in \"$vocabulary\" if it may be ignored.");
    }
  }
  // The core vocabulary is always in force.
  if (chosen.empty() || chosen.front() != known.front())
    chosen.insert(chosen.begin(), known.front());
  return {dialect, Intern(std::move(chosen)), without, &metaschema};
}

}  // namespace schemareg
