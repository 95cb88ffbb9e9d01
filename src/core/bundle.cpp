#include "core/bundle.hpp"

#include <string>

#include "core/definition.hpp"
#include "core/error.hpp"

namespace schemareg {

namespace {

[[noreturn]] void Malformed(const std::string& why) {
  throw Error(sqlstate::kInvalidParameterValue, "not a schemareg bundle: " + why, "",
              "schemareg.bundle(ref) makes one.");
}

const std::string& StringMember(const Json& object, const char* key) {
  const Json* value = object.Find(key);
  if (value == nullptr || !value->is_string()) {
    Malformed(std::string("\"") + key + "\" is not a string");
  }
  return value->as_string();
}

}  // namespace

std::unique_ptr<CompiledSchema> CompileBundle(const Json& bundle, const CompileOptions& options) {
  if (!bundle.is_object()) Malformed("it is not an object");
  const Json* definition = bundle.Find("definition");
  const Json* dependencies = bundle.Find("dependencies");
  if (definition == nullptr) Malformed("it has no \"definition\"");
  if (dependencies == nullptr || !dependencies->is_array()) {
    Malformed("\"dependencies\" is not an array");
  }
  DocumentSource documents;
  for (const Json& piece : dependencies->items()) {
    if (!piece.is_object() || piece.Find("definition") == nullptr) {
      Malformed("a dependency has no \"definition\"");
    }
    std::string text = ToJsonText(*piece.Find("definition"));
    documents[kRegistryUriPrefix + StringMember(piece, "schema")] = text;
    const Json* uri = piece.Find("uri");
    if (uri != nullptr && uri->is_string()) documents[uri->as_string()] = text;
  }
  CompileOptions with_dialect = options;
  if (!ParseDialectName(StringMember(bundle, "dialect"), &with_dialect.default_dialect)) {
    Malformed("unknown dialect");
  }
  try {
    return PrepareDefinition(ToJsonText(*definition), documents, with_dialect, false);
  } catch (const MissingDocument& missing) {
    throw Error(sqlstate::kUndefinedObject,
                "the bundle of \"" + StringMember(bundle, "schema") + "\" lacks \"" +
                    TruncateUtf8(missing.uri(), 200) + "\"");
  }
}

}  // namespace schemareg
