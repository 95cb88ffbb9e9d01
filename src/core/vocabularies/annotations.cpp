// The content and meta-data vocabularies (and the annotations of drafts
// 4-7): nothing to compile. They are listed so that the dialect knows its
// keywords (schemareg.strict warns about the others).
#include "core/vocabularies/vocabulary.hpp"

namespace schemareg {

namespace {

const std::vector<Keyword> kContent = {
    {"contentEncoding", nullptr}, {"contentMediaType", nullptr}, {"contentSchema", nullptr}};

const std::vector<Keyword> kMetaData = {
    {"title", nullptr},    {"description", nullptr}, {"default", nullptr}, {"deprecated", nullptr},
    {"readOnly", nullptr}, {"writeOnly", nullptr},   {"examples", nullptr}};

// Drafts 4-7 have no vocabularies; these are their annotations.
const std::vector<Keyword> kDraft4MetaData = {
    {"title", nullptr}, {"description", nullptr}, {"default", nullptr}};

}  // namespace

const Vocabulary kMetaDataDraft4{"", kDraft4MetaData};
const Vocabulary kMetaDataDraft6{"", WithKeywords(kDraft4MetaData, {{"examples", nullptr}})};
const Vocabulary kMetaDataDraft7{"", WithKeywords(kDraft4MetaData, {{"examples", nullptr},
                                                                    {"readOnly", nullptr},
                                                                    {"writeOnly", nullptr},
                                                                    {"contentMediaType", nullptr},
                                                                    {"contentEncoding", nullptr}})};
const Vocabulary kContent2019_09{"https://json-schema.org/draft/2019-09/vocab/content", kContent};
const Vocabulary kContent2020_12{"https://json-schema.org/draft/2020-12/vocab/content", kContent};
const Vocabulary kMetaData2019_09{"https://json-schema.org/draft/2019-09/vocab/meta-data",
                                  kMetaData};
const Vocabulary kMetaData2020_12{"https://json-schema.org/draft/2020-12/vocab/meta-data",
                                  kMetaData};

}  // namespace schemareg
