// The format vocabulary's compile step: "format" keeps the name of a format
// its draft defines; other names are annotations, as the drafts say. Whether
// a format is asserted is also up to ValidateOptions (format.hpp).
#include <algorithm>
#include <iterator>

#include "core/vocabularies/vocabulary.hpp"

namespace schemareg {

namespace {

bool FormatDefinedIn(const std::string& format, Dialect d) {
  static const char* const kDraft4[] = {"date-time", "email", "hostname", "ipv4", "ipv6", "uri"};
  static const char* const kDraft6[] = {"uri-reference", "uri-template", "json-pointer"};
  static const char* const kDraft7[] = {
      "date", "time", "idn-email", "idn-hostname", "iri", "iri-reference", "relative-json-pointer",
      "regex"};
  static const char* const k2019[] = {"duration", "uuid"};
  auto in = [&format](const auto& names) {
    return std::find(std::begin(names), std::end(names), format) != std::end(names);
  };
  switch (d) {
    case Dialect::kDraft4:
      return in(kDraft4);
    case Dialect::kDraft6:
      return in(kDraft4) || in(kDraft6);
    case Dialect::kDraft7:
      return in(kDraft4) || in(kDraft6) || in(kDraft7);
    case Dialect::kDraft2019_09:
    case Dialect::kDraft2020_12:
      return in(kDraft4) || in(kDraft6) || in(kDraft7) || in(k2019);
  }
  return false;
}

void CompileFormat(KeywordSite& site, const Json& v) {
  if (!v.is_string()) InvalidKeyword("\"format\" must be a string");
  if (FormatDefinedIn(v.as_string(), site.dialect)) site.node.format = v.as_string();
}

// 2020-12 splits the vocabulary: format-annotation (the default) only
// annotates, unless schemareg.assert_formats is "always".
void CompileFormatAnnotation(KeywordSite& site, const Json& v) {
  CompileFormat(site, v);
  site.node.format_annotation_only = true;
}

}  // namespace

const Vocabulary kFormatDraft4{"", {{"format", CompileFormat}}};
const Vocabulary kFormatDraft6{"", {{"format", CompileFormat}}};
const Vocabulary kFormatDraft7{"", {{"format", CompileFormat}}};
const Vocabulary kFormat2019_09{"https://json-schema.org/draft/2019-09/vocab/format",
                                {{"format", CompileFormat}}};
const Vocabulary kFormat2020_12{"https://json-schema.org/draft/2020-12/vocab/format-annotation",
                                {{"format", CompileFormatAnnotation}}};
const Vocabulary kFormatAssertion2020_12{
    "https://json-schema.org/draft/2020-12/vocab/format-assertion", {{"format", CompileFormat}}};

}  // namespace schemareg
