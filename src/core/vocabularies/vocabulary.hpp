// A vocabulary is the set of keywords one part of the JSON Schema spec
// defines; each keyword has a step that compiles it into a SchemaNode. A
// dialect is the list of its vocabularies (VocabulariesOf). Each vocabulary's
// file compiles its keywords (<vocabulary>.cpp) and evaluates them
// (<vocabulary>.hpp), so a keyword is found by its name in one of them.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "core/dialect.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"

namespace schemareg {

// What a keyword's compile step may ask of the compiler.
class KeywordCompiler {
 public:
  virtual ~KeywordCompiler() = default;
  // The node of a subschema, compiled later. Throws 42P17 when `value` is
  // neither an object nor a boolean.
  virtual NodeId Subschema(const Json& value, const char* keyword) = 0;
  // What a reference resolves to from the subschema being compiled (throws
  // 42P17 when it points to nothing, MissingDocument for a document to fetch).
  virtual const Json* Resolve(const std::string& ref) = 0;
  virtual NodeId NodeOf(const Json* target) = 0;
  // Marks the schema as one whose evaluation follows the dynamic scope.
  virtual void UseDynamicScope() = 0;
  // A pattern of the schema: compiled once per text, within the schema's
  // budget (throws 54000 past kMaxSchemaPatternBytes, 22023 for a bad one).
  virtual std::shared_ptr<const Pattern> CompilePattern(const std::string& ecma) = 0;
};

// The subschema being compiled.
struct KeywordSite {
  SchemaNode& node;
  const Json& schema;  // the whole subschema object, for keywords that read siblings
  Dialect dialect;
  KeywordCompiler& compiler;
};

using CompileStep = void (*)(KeywordSite& site, const Json& value);

struct Keyword {
  const char* name;
  CompileStep compile;  // nullptr for annotations and for what the compiler indexes
};

struct Vocabulary {
  const char* uri;  // as $vocabulary names it; "" for drafts 4-7
  std::vector<Keyword> keywords;
};

// The vocabularies of a dialect, in the order their keywords compile.
const std::vector<const Vocabulary*>& VocabulariesOf(Dialect dialect);

// What a document is written in: its dialect, and the vocabularies in force,
// which a custom metaschema (a "$schema" that names a document whose own
// "$schema" is 2019-09 or 2020-12) chooses with "$vocabulary".
struct DocumentDialect {
  Dialect dialect;
  const std::vector<const Vocabulary*>* vocabularies;  // lives as long as the process
  std::string metaschema;                              // a custom metaschema's URI, else ""
  const Json* metaschema_document = nullptr;           // it, parsed (owned by the caller)
};

// Reads a document's "$schema". A custom metaschema is looked up in
// `documents` (MissingDocument with for_metaschema when absent) and parsed
// into `parsed`. Throws Error 22023 for a "$schema" that names neither, and
// 0A000 for a vocabulary the metaschema requires that schemareg lacks.
DocumentDialect ResolveDocumentDialect(const Json& document, Dialect fallback,
                                       const DocumentSource& documents,
                                       std::vector<std::unique_ptr<Json>>& parsed,
                                       size_t max_depth);

// The dialects that have a keyword of this name, as "draft6, draft7"; "" for none.
std::string DialectsWithKeyword(const std::string& name);

// A list of keywords and more; and without one (a later draft's list from
// an earlier one's).
std::vector<Keyword> WithKeywords(std::vector<Keyword> keywords,
                                  std::initializer_list<Keyword> more);
std::vector<Keyword> WithoutKeyword(std::vector<Keyword> keywords, const char* name);

// Shared by the compile steps.
[[noreturn]] void InvalidKeyword(const std::string& message, const std::string& detail = {});
NumberBound NumberValue(const Json& value, const char* keyword);
uint64_t CountValue(const Json& value, const char* keyword);
std::vector<std::string> StringArray(const Json& value, const char* keyword);
std::vector<NodeId> SchemaArray(KeywordSite& site, const Json& value, const char* keyword);

// Each vocabulary, per draft where the drafts differ (defined in its file).
extern const Vocabulary kCoreDraft4, kCoreDraft6, kCoreDraft7, kCore2019_09, kCore2020_12;
extern const Vocabulary kMetaDataDraft4, kMetaDataDraft6, kMetaDataDraft7;
extern const Vocabulary kApplicatorDraft4, kApplicatorDraft6, kApplicatorDraft7, kApplicator2019_09,
    kApplicator2020_12;
extern const Vocabulary kValidationDraft4, kValidationDraft6, kValidation2019_09,
    kValidation2020_12;
extern const Vocabulary kUnevaluated2019_09, kUnevaluated2020_12;
extern const Vocabulary kFormatDraft4, kFormatDraft6, kFormatDraft7, kFormat2019_09, kFormat2020_12;
extern const Vocabulary kFormatAssertion2020_12;
extern const Vocabulary kContent2019_09, kContent2020_12, kMetaData2019_09, kMetaData2020_12;

// Completes a node once all its keywords are compiled (validation.cpp).
void FinishValidation(SchemaNode& node);

}  // namespace schemareg
