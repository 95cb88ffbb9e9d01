// A compiled schema: the program the validator runs, built once per schema version.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/dialect.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/regex.hpp"

namespace schemareg {

using NodeId = uint32_t;
inline constexpr NodeId kNoNode = UINT32_MAX;

// Bits of the "type" keyword.
enum TypeBit : uint8_t {
  kTypeNull = 1,
  kTypeBoolean = 2,
  kTypeObject = 4,
  kTypeArray = 8,
  kTypeNumber = 16,
  kTypeString = 32,
  kTypeInteger = 64,
};

// The order of object keys in jsonb: shorter first, then by bytes.
inline bool KeyLess(std::string_view a, std::string_view b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

// Objects whose "properties" are at most this many have their required
// properties checked in the pass over their members.
inline constexpr size_t kMaxTrackedProperties = 256;

// Enums up to this long are scanned; longer ones are looked up by hash.
inline constexpr size_t kEnumScanLimit = 8;

// One subschema. Keywords absent from the definition keep their "absent" value.
struct SchemaNode {
  enum class Kind : uint8_t { kAlwaysValid, kAlwaysInvalid, kKeywords };
  Kind kind = Kind::kKeywords;
  // Drafts 4-7: a $ref replaces every sibling keyword.
  NodeId ref = kNoNode;
  std::string ref_text;

  uint8_t types = 0;
  bool has_enum = false;
  std::vector<Json> enum_values;
  // Hash of each enum value -> its index, for enums longer than kEnumScanLimit.
  std::unordered_multimap<size_t, size_t> enum_index;
  std::optional<Json> const_value;

  std::optional<double> multiple_of, maximum, minimum, exclusive_maximum, exclusive_minimum;
  std::optional<uint64_t> max_length, min_length, max_items, min_items, max_properties,
      min_properties;
  std::unique_ptr<Pattern> pattern;
  std::string format;  // empty when absent or unknown

  NodeId items = kNoNode;             // "items" as one schema
  std::vector<NodeId> items_array;    // "items" as an array of schemas
  NodeId additional_items = kNoNode;  // only with items_array
  NodeId contains = kNoNode;
  bool unique_items = false;

  std::vector<std::string> required;
  // The required names that are also "properties" (their indexes there), and
  // the others: the fast path checks the first in its pass over the members.
  std::vector<size_t> required_property_index;
  std::vector<std::string> required_elsewhere;
  std::vector<std::pair<std::string, NodeId>> properties;  // sorted by KeyLess
  std::vector<std::pair<std::unique_ptr<Pattern>, NodeId>> pattern_properties;
  NodeId additional_properties = kNoNode;
  std::vector<std::pair<std::string, std::vector<std::string>>> property_dependencies;
  std::vector<std::pair<std::string, NodeId>> schema_dependencies;
  NodeId property_names = kNoNode;

  std::vector<NodeId> all_of, any_of, one_of;
  NodeId not_schema = kNoNode;
  NodeId if_schema = kNoNode, then_schema = kNoNode, else_schema = kNoNode;
};

// The program of one schema version and of every document it references.
struct CompiledSchema {
  std::vector<std::unique_ptr<SchemaNode>> nodes;
  NodeId root = 0;

  // True when every record is valid ({}, true): callers may skip reading it.
  bool AcceptsEverything() const { return nodes[root]->kind == SchemaNode::Kind::kAlwaysValid; }
  Dialect dialect = Dialect::kDraft7;
  // Absolute URIs of the documents outside the definition that it references.
  std::vector<std::string> external_documents;
};

struct CompileOptions {
  Dialect default_dialect = Dialect::kDraft7;
  size_t max_depth = 1000;
  // Bytes of stack that checking and compiling a definition may use.
  size_t stack_budget = 1024 * 1024;
  // Polled while parsing and compiling (patterns can take long).
  StopCheck should_stop = nullptr;
};

// Stack one level of a definition's nesting may cost while it is checked:
// valijson's metaschema check recurses per level (about 1.5 KiB measured),
// with a margin for other builds and compilers.
inline constexpr size_t kStackPerDefinitionLevel = 4096;

// Throws Error 54000 when a definition nested `depth` levels deep cannot be
// checked within options.stack_budget.
void CheckDefinitionDepth(size_t depth, const CompileOptions& options);

// Documents the caller can supply, by absolute URI without fragment: JSON text.
// A registered schema version named in a $ref as "name:version" is asked for
// as kRegistryUriPrefix + "name:version".
using DocumentSource = std::map<std::string, std::string>;
inline constexpr const char* kRegistryUriPrefix = "urn:schemareg:";

// Thrown when a $ref needs a document that is neither in the definition, a
// shipped metaschema, nor in the DocumentSource. The caller fetches it (from
// the registry) and compiles again, or reports it as not found.
class MissingDocument : public std::exception {
 public:
  explicit MissingDocument(std::string uri) : uri_(std::move(uri)) {}
  const std::string& uri() const { return uri_; }
  const char* what() const noexcept override { return uri_.c_str(); }

 private:
  std::string uri_;
};

// Compiles a parsed definition. Throws Error (42P17 for a definition that
// cannot be compiled, including a $ref to a place or identifier that does not
// exist; 22023 for an unsupported pattern) or MissingDocument.
std::unique_ptr<CompiledSchema> CompileSchema(const Json& definition,
                                              const DocumentSource& documents,
                                              const CompileOptions& options);

}  // namespace schemareg
