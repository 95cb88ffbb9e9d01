#include "core/definition.hpp"

#include "core/error.hpp"
#include "core/metaschema_check.hpp"
#include "core/vocabularies/vocabulary.hpp"

namespace schemareg {

std::unique_ptr<CompiledSchema> PrepareDefinition(std::string_view text,
                                                  const DocumentSource& documents,
                                                  const CompileOptions& options,
                                                  bool check_metaschema) {
  Json definition;
  size_t depth = 0;
  try {
    definition = ParseJson(text, options.max_depth, &depth, options.should_stop);
  } catch (const Error& e) {
    throw Error(e.code(), std::string("schema definition: ") + e.what(), e.detail(), e.hint());
  }
  // Before anything recurses on it (the metaschema check, the compiler).
  CheckDefinitionDepth(depth, options);
  if (!definition.is_object() && !definition.is_bool()) {
    throw Error(sqlstate::kInvalidObjectDefinition,
                "a schema definition must be a JSON object or a boolean",
                "It is " + ToJsonText(definition, 60) + ".");
  }
  std::vector<std::unique_ptr<Json>> parsed;
  DocumentDialect dialect = ResolveDocumentDialect(definition, options.default_dialect, documents,
                                                   parsed, options.max_depth);
  if (definition.is_bool() && dialect.dialect == Dialect::kDraft4) {
    throw Error(sqlstate::kInvalidObjectDefinition,
                "a draft-04 schema definition must be a JSON object");
  }
  if (check_metaschema && dialect.metaschema_document != nullptr) {
    CheckAgainstCustomMetaschema(definition, *dialect.metaschema_document, dialect.metaschema,
                                 documents, options);
  } else if (check_metaschema) {
    CheckAgainstMetaschema(definition, dialect.dialect);
  }
  return CompileSchema(definition, documents, options);
}

}  // namespace schemareg
