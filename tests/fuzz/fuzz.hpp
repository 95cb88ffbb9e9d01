// What the libFuzzer targets of the core share: how an input splits into
// parts, the documents $refs may reach, and what counts as a finding.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/schema.hpp"

namespace schemareg::fuzz {

// The input as text.
inline std::string_view Text(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Splits `text` at the first `separator`: the part before it, and after it
// (empty when there is none).
inline std::pair<std::string_view, std::string_view> SplitFirst(std::string_view text,
                                                                char separator) {
  size_t at = text.find(separator);
  if (at == std::string_view::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at + 1)};
}

// The documents a definition's $refs may reach besides itself: a few of the
// JSON-Schema-Test-Suite's remotes (served at http://localhost:1234/) and two
// registered versions, so that seeds from the suite resolve.
inline const DocumentSource& Documents() {
  static const DocumentSource documents = {
      {"http://localhost:1234/integer.json", R"({"type": "integer"})"},
      {"http://localhost:1234/subSchemas.json",
       R"({"integer": {"type": "integer"}, "refToInteger": {"$ref": "#/integer"}})"},
      {"http://localhost:1234/draft7/subSchemas.json",
       R"({"definitions": {"integer": {"type": "integer"},
           "refToInteger": {"$ref": "#/definitions/integer"}}})"},
      {"http://localhost:1234/draft7/name.json",
       R"({"definitions": {"orNull": {"anyOf": [{"type": "null"}, {"$ref": "#"}]}},
           "type": "string"})"},
      {"http://localhost:1234/nested/string.json", R"({"type": "string"})"},
      {"http://localhost:1234/nested/foo-ref-string.json",
       R"({"type": "object", "properties": {"foo": {"$ref": "string.json"}}})"},
      {std::string(kRegistryUriPrefix) + "a:1",
       R"({"$id": "https://example.com/a.json", "type": "string", "maxLength": 5})"},
      {std::string(kRegistryUriPrefix) + "b:1",
       R"({"properties": {"a": {"$ref": "a:1"}, "self": {"$ref": "b:1"}}})"},
  };
  return documents;
}

// A finding: an exception the core does not promise. libFuzzer reports the
// abort with the input that caused it.
[[noreturn]] inline void Unexpected(const char* where, const std::string& what) {
  std::fprintf(stderr, "\nschemareg fuzz: %s: %s\n", where, what.c_str());
  std::abort();
}

// Runs `f`, which may throw what the core promises (Error, and
// MissingDocument where a $ref can need a document); anything else is a
// finding. Returns whether `f` returned normally.
template <typename F>
bool Expect(const char* where, F&& f) {
  try {
    f();
    return true;
  } catch (const Error&) {
  } catch (const MissingDocument&) {
  } catch (const std::exception& e) {
    Unexpected(where, std::string("unexpected exception: ") + e.what());
  }
  return false;
}

}  // namespace schemareg::fuzz
