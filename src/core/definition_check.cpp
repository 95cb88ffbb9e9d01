#include "core/definition_check.hpp"

#include <algorithm>
#include <memory>

#include "core/error.hpp"
#include "core/metaschema_check.hpp"
#include "core/validator.hpp"
#include "core/vocabularies/vocabulary.hpp"

namespace schemareg {

namespace {

// Violations of the metaschema listed at most: enough to fix a definition by.
constexpr size_t kMaxMetaschemaIssues = 100;

std::string MessageOf(const Error& e) {
  std::string message = e.what();
  if (!e.detail().empty()) message += ": " + e.detail();
  return message;
}

void AddError(DefinitionCheck& check, std::string path, std::string message) {
  check.issues.push_back({std::move(path), "error", std::move(message)});
}

// A document the definition needs: an issue when the host has none, else
// one more to fetch.
void NeedDocument(DefinitionCheck& check, const std::string& uri, const std::string& path,
                  const std::set<std::string>& unavailable, const std::string& message) {
  if (unavailable.count(uri) != 0) {
    AddError(check, path, message);
  } else if (std::find(check.to_fetch.begin(), check.to_fetch.end(), uri) == check.to_fetch.end()) {
    check.to_fetch.push_back(uri);
  }
}

std::string UnknownSchemaMessage(const std::string& uri) {
  return "unknown \"$schema\" \"" + TruncateUtf8(uri, 200) +
         "\": it is neither a draft schemareg supports (draft-04, draft-06, draft-07, 2019-09, "
         "2020-12) nor the \"$id\" of a registered metaschema";
}

}  // namespace

std::string UnregisteredReferenceMessage(const std::string& uri) {
  std::string prefix = kRegistryUriPrefix;
  if (uri.rfind(prefix, 0) == 0) {
    return "$ref \"" + TruncateUtf8(uri.substr(prefix.size()), 200) +
           "\" names a schema version that does not exist";
  }
  return "$ref \"" + TruncateUtf8(uri, 200) +
         "\" names a schema that is not registered (references outside the definition resolve "
         "to the draft metaschemas or to registered schemas whose \"$id\" is that URI)";
}

DefinitionCheck CheckDefinition(std::string_view text, const DocumentSource& documents,
                                const std::set<std::string>& unavailable,
                                const CompileOptions& options, const std::string& lint) {
  DefinitionCheck check;
  Json definition;
  try {
    size_t depth = 0;
    definition = ParseJson(text, options.max_depth, &depth, options.should_stop);
    CheckDefinitionDepth(depth, options);
  } catch (const Error& e) {
    AddError(check, "", MessageOf(e));
    return check;
  }
  if (!definition.is_object() && !definition.is_bool()) {
    AddError(check, "", "a schema definition must be a JSON object or a boolean");
    return check;
  }
  std::vector<std::unique_ptr<Json>> parsed;
  DocumentDialect dialect{options.default_dialect, nullptr, "", nullptr};
  try {
    dialect = ResolveDocumentDialect(definition, options.default_dialect, documents, parsed,
                                     options.max_depth);
  } catch (const MissingDocument& missing) {
    NeedDocument(check, missing.uri(), "/$schema", unavailable,
                 UnknownSchemaMessage(missing.uri()));
    return check;
  } catch (const Error& e) {
    AddError(check, "/$schema", MessageOf(e));
    return check;
  }
  if (definition.is_bool() && dialect.dialect == Dialect::kDraft4) {
    AddError(check, "", "a draft-04 schema definition must be a JSON object");
    return check;
  }
  std::vector<ValidationError> violations;
  try {
    violations = dialect.metaschema_document != nullptr
                     ? CustomMetaschemaViolations(definition, *dialect.metaschema_document,
                                                  documents, options, kMaxMetaschemaIssues)
                     : MetaschemaViolations(definition, dialect.dialect, kMaxMetaschemaIssues);
  } catch (const MissingDocument& missing) {
    NeedDocument(check, missing.uri(), "/$schema", unavailable,
                 "the metaschema refers to a document that is not registered: " +
                     UnregisteredReferenceMessage(missing.uri()));
    return check;
  } catch (const Error& e) {
    AddError(check, "/$schema", MessageOf(e));
    return check;
  }
  if (!violations.empty()) {
    std::string metaschema =
        dialect.metaschema.empty() ? DialectName(dialect.dialect) : dialect.metaschema;
    for (const ValidationError& v : violations) {
      AddError(check, v.path,
               "does not conform to the " + metaschema + " metaschema: " + v.message +
                   (v.keyword.empty() ? "" : " (" + v.keyword + ")"));
    }
    return check;
  }
  std::vector<CompileProblem> problems;
  CompileOptions collecting = options;
  collecting.problems = &problems;
  std::unique_ptr<CompiledSchema> compiled;
  try {
    compiled = CompileSchema(definition, documents, collecting);
  } catch (const MissingDocument& missing) {
    NeedDocument(check, missing.uri(), "", unavailable,
                 UnregisteredReferenceMessage(missing.uri()));
    return check;
  } catch (const Error& e) {
    AddError(check, "", MessageOf(e));
    return check;
  }
  for (const CompileProblem& p : problems) {
    if (!p.missing_uri.empty()) {
      NeedDocument(check, p.missing_uri, p.path, unavailable,
                   UnregisteredReferenceMessage(p.missing_uri));
    } else {
      AddError(check, p.path, p.message);
    }
  }
  if (lint.empty()) return check;
  std::string name = DialectName(compiled->dialect);
  for (const auto& k : compiled->ignored_keywords) {
    std::string path = k.path;
    AppendPointerToken(path, k.keyword);
    std::string why = k.dialects.empty() ? "is no keyword of any draft"
                      : k.dialects.find(name) != std::string::npos
                          ? "is in no vocabulary the metaschema declares"
                          : "is a keyword of " + k.dialects + " only";
    check.issues.push_back(
        {path, lint,
         "\"" + TruncateUtf8(k.keyword, 100) + "\" " + why + ": it is ignored (schemareg.strict)"});
  }
  return check;
}

}  // namespace schemareg
