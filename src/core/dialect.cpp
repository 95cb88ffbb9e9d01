#include "core/dialect.hpp"

#include "core/error.hpp"

namespace schemareg {

namespace embedded {
extern const char* const kDraft4Metaschema;
extern const char* const kDraft6Metaschema;
extern const char* const kDraft7Metaschema;
}  // namespace embedded

const char* DialectName(Dialect dialect) {
  switch (dialect) {
    case Dialect::kDraft4:
      return "draft4";
    case Dialect::kDraft6:
      return "draft6";
    case Dialect::kDraft7:
      return "draft7";
  }
  return "draft7";
}

bool ParseDialectName(std::string_view name, Dialect* dialect) {
  if (name == "draft4") {
    *dialect = Dialect::kDraft4;
  } else if (name == "draft6") {
    *dialect = Dialect::kDraft6;
  } else if (name == "draft7") {
    *dialect = Dialect::kDraft7;
  } else {
    return false;
  }
  return true;
}

const char* MetaschemaUri(Dialect dialect) {
  switch (dialect) {
    case Dialect::kDraft4:
      return "http://json-schema.org/draft-04/schema";
    case Dialect::kDraft6:
      return "http://json-schema.org/draft-06/schema";
    case Dialect::kDraft7:
      return "http://json-schema.org/draft-07/schema";
  }
  return "";
}

bool FindMetaschema(std::string_view uri, Dialect* dialect) {
  if (!uri.empty() && uri.back() == '#') uri.remove_suffix(1);
  if (uri.substr(0, 8) == "https://") uri.remove_prefix(8);
  else if (uri.substr(0, 7) == "http://") uri.remove_prefix(7);
  else return false;
  for (Dialect d : {Dialect::kDraft4, Dialect::kDraft6, Dialect::kDraft7}) {
    if (uri == std::string_view(MetaschemaUri(d)).substr(7)) {
      *dialect = d;
      return true;
    }
  }
  return false;
}

Dialect DialectOf(const Json& definition, Dialect fallback) {
  if (!definition.is_object()) return fallback;
  const Json* schema = definition.Find("$schema");
  if (schema == nullptr) return fallback;
  if (!schema->is_string()) {
    throw Error(sqlstate::kInvalidParameterValue, "\"$schema\" must be a string",
                "It is " + ToJsonText(*schema, 80) + ".");
  }
  Dialect dialect;
  if (!FindMetaschema(schema->as_string(), &dialect)) {
    throw Error(sqlstate::kInvalidParameterValue,
                "unknown \"$schema\" \"" + schema->as_string() + "\"",
                "schemareg supports draft-04, draft-06 and draft-07.",
                "Use http://json-schema.org/draft-07/schema#, or leave \"$schema\" out to use "
                "schemareg.default_dialect.");
  }
  return dialect;
}

std::string_view MetaschemaText(Dialect dialect) {
  switch (dialect) {
    case Dialect::kDraft4:
      return embedded::kDraft4Metaschema;
    case Dialect::kDraft6:
      return embedded::kDraft6Metaschema;
    case Dialect::kDraft7:
      return embedded::kDraft7Metaschema;
  }
  return {};
}

}  // namespace schemareg
