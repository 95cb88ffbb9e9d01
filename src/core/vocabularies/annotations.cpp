// The content and meta-data vocabularies: annotations only, so nothing to
// compile. They are listed so that the dialect knows their keywords.
#include "core/vocabularies/vocabulary.hpp"

namespace schemareg {

namespace {

const std::vector<Keyword> kContent = {
    {"contentEncoding", nullptr}, {"contentMediaType", nullptr}, {"contentSchema", nullptr}};

const std::vector<Keyword> kMetaData = {
    {"title", nullptr},    {"description", nullptr}, {"default", nullptr}, {"deprecated", nullptr},
    {"readOnly", nullptr}, {"writeOnly", nullptr},   {"examples", nullptr}};

}  // namespace

const Vocabulary kContent2019_09{"https://json-schema.org/draft/2019-09/vocab/content", kContent};
const Vocabulary kContent2020_12{"https://json-schema.org/draft/2020-12/vocab/content", kContent};
const Vocabulary kMetaData2019_09{"https://json-schema.org/draft/2019-09/vocab/meta-data",
                                  kMetaData};
const Vocabulary kMetaData2020_12{"https://json-schema.org/draft/2020-12/vocab/meta-data",
                                  kMetaData};

}  // namespace schemareg
