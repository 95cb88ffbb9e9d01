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

// A number a keyword compares with (bounds, multipleOf): its double for the
// fast path, and the number exactly for ties and fractions.
struct NumberBound {
  double value = 0;
  bool is_short = true;  // Decimal::IsShort
  Decimal exact;
  // A whole number below 2^53: multipleOf by it is exact in doubles.
  bool small_integer = false;

  static NumberBound Of(const Json& number);
};

// The groups of keywords that Evaluator::EvalKeywords evaluates, one check
// each; a node notes the groups it has (SchemaNode::groups) and evaluation
// skips the others.
enum KeywordGroup : uint16_t {
  kGroupRefs = 1 << 0,               // $ref beside other keywords, $dynamicRef, $recursiveRef
  kGroupAnyType = 1 << 1,            // type, enum, const
  kGroupNumber = 1 << 2,             // maximum, minimum, their exclusive forms, multipleOf
  kGroupString = 1 << 3,             // maxLength, minLength, pattern
  kGroupFormat = 1 << 4,             // format
  kGroupArrayAssertions = 1 << 5,    // maxItems, minItems, uniqueItems
  kGroupArrayApplicators = 1 << 6,   // items, prefixItems, additionalItems, contains
  kGroupObjectAssertions = 1 << 7,   // maxProperties, minProperties, required, dependentRequired
  kGroupObjectApplicators = 1 << 8,  // properties, patternProperties, additionalProperties,
                                     // propertyNames, dependentSchemas
  kGroupInPlace = 1 << 9,            // allOf, anyOf, oneOf, not, if
};

// One subschema, its keywords grouped by the vocabulary that defines them
// (src/core/vocabularies/). Keywords absent from the definition keep their
// "absent" value.
struct SchemaNode {
  enum class Kind : uint8_t { kAlwaysValid, kAlwaysInvalid, kKeywords };
  Kind kind = Kind::kKeywords;
  // The schema resource (CompiledSchema::resources) the subschema is in.
  uint32_t resource = 0;

  // core: $ref, $dynamicRef (2020-12), $recursiveRef (2019-09).
  NodeId ref = kNoNode;
  std::string ref_text;
  // True when $ref is the only keyword (always in drafts 4-7, where it
  // replaces its siblings): the node evaluates as its target.
  bool ref_only = false;
  NodeId dynamic_ref = kNoNode;  // the target as resolved statically
  // $dynamicRef: the $dynamicAnchor the dynamic scope is searched for; empty
  // when the static target has none (the reference is then static).
  std::string dynamic_anchor;
  // $recursiveRef whose static target has "$recursiveAnchor": true.
  bool recursive_ref = false;
  const char* dynamic_keyword = "$dynamicRef";  // or "$recursiveRef", for schema paths

  // validation: any instance.
  uint8_t types = 0;
  bool has_enum = false;
  std::vector<Json> enum_values;
  // Hash of each enum value -> its index, for enums longer than kEnumScanLimit.
  std::unordered_multimap<size_t, size_t> enum_index;
  std::optional<Json> const_value;
  // validation: numbers and strings.
  std::optional<NumberBound> multiple_of, maximum, minimum, exclusive_maximum, exclusive_minimum;
  std::optional<uint64_t> max_length, min_length;
  std::shared_ptr<const Pattern> pattern;  // (a schema compiles each text once)
  // validation: arrays and objects.
  std::optional<uint64_t> max_items, min_items, max_contains, min_contains, max_properties,
      min_properties;
  bool unique_items = false;
  std::vector<std::string> required;
  // The required names that are also "properties" (their indexes there), and
  // the others: the fast path checks the first in its pass over the members.
  std::vector<size_t> required_property_index;
  std::vector<std::string> required_elsewhere;
  // "dependencies" with an array (drafts 4-7), or "dependentRequired".
  std::vector<std::pair<std::string, std::vector<std::string>>> property_dependencies;
  bool dependent_required = false;  // which of the two, for messages

  // applicator: arrays. "items" as one schema, or the positional schemas
  // ("items" as an array in drafts 4 to 2019-09, "prefixItems" in 2020-12) and
  // the schema of the items after them ("additionalItems", or 2020-12's "items").
  NodeId items = kNoNode;
  std::vector<NodeId> items_array;
  NodeId additional_items = kNoNode;
  bool prefix_items = false;  // 2020-12's names, for messages
  NodeId contains = kNoNode;
  // Whether the items "contains" matches are evaluated items (2020-12).
  bool contains_annotates = false;
  // applicator: objects.
  std::vector<std::pair<std::string, NodeId>> properties;  // sorted by KeyLess
  std::vector<std::pair<std::shared_ptr<const Pattern>, NodeId>> pattern_properties;
  NodeId additional_properties = kNoNode;
  // "dependencies" with a schema (drafts 4-7), or "dependentSchemas".
  std::vector<std::pair<std::string, NodeId>> schema_dependencies;
  bool dependent_schemas = false;  // which of the two, for schema paths
  NodeId property_names = kNoNode;
  // applicator: in place.
  std::vector<NodeId> all_of, any_of, one_of;
  NodeId not_schema = kNoNode;
  NodeId if_schema = kNoNode, then_schema = kNoNode, else_schema = kNoNode;

  // unevaluated (2019-09 and 2020-12).
  NodeId unevaluated_properties = kNoNode;
  NodeId unevaluated_items = kNoNode;

  // format: the name, empty when absent or not defined in the dialect, and
  // whether the dialect makes it an annotation (2020-12's format-annotation).
  std::string format;
  bool format_annotation_only = false;

  // Reached over many chains of in-place applicators (allOf, anyOf, $ref,
  // ...): results at a value are kept, so that such a schema costs its size,
  // not 2^depth (compiler.cpp decides).
  bool memoize = false;

  // The KeywordGroup bits of the keywords present (set by SetKeywordGroups).
  uint16_t groups = 0;

  bool TracksAnnotations() const {
    return unevaluated_properties != kNoNode || unevaluated_items != kNoNode;
  }
};

// Sets node.groups from the keywords the node has, once they are compiled.
void SetKeywordGroups(SchemaNode& node);

// A schema resource: a document, or a subschema with its own $id.
struct SchemaResource {
  NodeId root = kNoNode;
  bool recursive_anchor = false;                                // 2019-09
  std::vector<std::pair<std::string, NodeId>> dynamic_anchors;  // 2020-12
};

// The program of one schema version and of every document it references.
struct CompiledSchema {
  std::vector<std::unique_ptr<SchemaNode>> nodes;
  NodeId root = 0;
  std::vector<SchemaResource> resources;
  // True when a $dynamicRef or $recursiveRef depends on the dynamic scope:
  // only then does the evaluator track the resources it passes through.
  bool uses_dynamic_scope = false;

  // True when every record is valid ({}, true): callers may skip reading it.
  bool AcceptsEverything() const { return nodes[root]->kind == SchemaNode::Kind::kAlwaysValid; }
  Dialect dialect = Dialect::kDraft7;
  // Absolute URIs of the documents outside the definition that it references.
  std::vector<std::string> external_documents;
  // Members of the definition's subschemas that are no keyword of their
  // dialect, so are ignored (schemareg.strict reports them): where, which,
  // and the dialects that do have it ("" for none).
  struct IgnoredKeyword {
    std::string path;
    std::string keyword;
    std::string dialects;
  };
  std::vector<IgnoredKeyword> ignored_keywords;
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
// `for_metaschema`: the document is a metaschema a "$schema" names (2019-09
// and later let a schema declare its own dialect that way).
class MissingDocument : public std::exception {
 public:
  explicit MissingDocument(std::string uri, bool for_metaschema = false)
      : uri_(std::move(uri)), for_metaschema_(for_metaschema) {}
  const std::string& uri() const { return uri_; }
  bool for_metaschema() const { return for_metaschema_; }
  const char* what() const noexcept override { return uri_.c_str(); }

 private:
  std::string uri_;
  bool for_metaschema_;
};

// Compiles a parsed definition. Throws Error (42P17 for a definition that
// cannot be compiled, including a $ref to a place or identifier that does not
// exist; 22023 for an unsupported pattern) or MissingDocument.
std::unique_ptr<CompiledSchema> CompileSchema(const Json& definition,
                                              const DocumentSource& documents,
                                              const CompileOptions& options);

}  // namespace schemareg
