// check_definition's core: every problem that create_schema's checks of a
// definition find (metaschema, references, patterns, vocabularies, strict
// mode's lint), listed instead of raised, with nothing registered.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/schema.hpp"

namespace schemareg {

struct DefinitionIssue {
  std::string path;      // JSON Pointer into the definition ("" for the whole of it)
  std::string severity;  // "error" (create_schema refuses it) or "warning"
  std::string message;
};

struct DefinitionCheck {
  std::vector<DefinitionIssue> issues;
  // Documents the definition refers to that `documents` lacks and that the
  // host has not yet said it lacks: the host looks them up (adding them to
  // `documents` or to `unavailable`) and checks again.
  std::vector<std::string> to_fetch;
};

// Checks a definition as create_schema does, in its order: parsing and depth,
// "$schema" and vocabularies, the metaschema (a definition that breaks it is
// not compiled), then the compile, which goes on past each reference or
// pattern it cannot take. `lint` is the severity of keywords the dialect
// does not have ("warning", "error"), or "" to leave them out. Throws only
// Interrupted (and bad_alloc).
DefinitionCheck CheckDefinition(std::string_view text, const DocumentSource& documents,
                                const std::set<std::string>& unavailable,
                                const CompileOptions& options, const std::string& lint);

// The message of a reference to a document that is neither shipped nor
// registered (the error create_schema raises for it has this message).
std::string UnregisteredReferenceMessage(const std::string& uri);

}  // namespace schemareg
