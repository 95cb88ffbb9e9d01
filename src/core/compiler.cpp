#include <algorithm>
#include <iterator>
#include <cmath>
#include <deque>
#include <unordered_map>

#include "core/error.hpp"
#include "core/ref.hpp"
#include "core/schema.hpp"
#include "core/uri.hpp"

namespace schemareg {

namespace {

// Where a subschema sits: the base URI its relative references resolve against.
struct Scope {
  std::string base;
  Dialect dialect;
  std::string document;  // the document it is in: "" for the definition, else its URI
};

const char* IdKeyword(Dialect d) { return d == Dialect::kDraft4 ? "id" : "$id"; }

// True for "name:version", optionally followed by "#fragment": a reference to
// a registered schema version rather than a URI.
bool IsRegistryRef(const std::string& ref) {
  std::string without, fragment;
  SplitFragment(ref, &without, &fragment);
  size_t colon = without.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == without.size()) return false;
  if (without.find_first_not_of("0123456789", colon + 1) != std::string::npos ||
      without[colon + 1] == '0') {
    return false;
  }
  try {
    ParseRef(without);
    return true;
  } catch (const Error&) {
    return false;
  }
}

// Whether the draft defines a format (others are ignored, as the drafts say).
bool FormatDefinedIn(const std::string& format, Dialect d) {
  static const char* const kDraft4[] = {"date-time", "email", "hostname", "ipv4", "ipv6", "uri"};
  static const char* const kDraft6[] = {"uri-reference", "uri-template", "json-pointer"};
  static const char* const kDraft7[] = {
      "date", "time", "idn-email", "idn-hostname", "iri", "iri-reference", "relative-json-pointer",
      "regex"};
  auto in = [&format](const auto& names) {
    return std::find(std::begin(names), std::end(names), format) != std::end(names);
  };
  return in(kDraft4) || (d != Dialect::kDraft4 && in(kDraft6)) ||
         (d == Dialect::kDraft7 && in(kDraft7));
}

[[noreturn]] void Invalid(const std::string& message, const std::string& detail = {}) {
  throw Error(sqlstate::kInvalidObjectDefinition, message, detail);
}

class Compiler {
 public:
  Compiler(const DocumentSource& documents, const CompileOptions& options)
      : documents_(documents), options_(options), out_(std::make_unique<CompiledSchema>()) {}

  std::unique_ptr<CompiledSchema> Run(const Json& definition) {
    Dialect dialect = DialectOf(definition, options_.default_dialect);
    out_->dialect = dialect;
    Scope root{"", dialect, ""};
    resources_.emplace("", &definition);
    IndexResource(definition, root);
    out_->root = NodeFor(&definition);
    while (!pending_.empty()) {
      if (options_.should_stop != nullptr && options_.should_stop()) throw Interrupted();
      const Json* json = pending_.front().first;
      NodeId id = pending_.front().second;
      pending_.pop_front();
      Fill(*out_->nodes[id], *json, ScopeOf(json));
    }
    CheckSameInstanceCycles();
    return std::move(out_);
  }

 private:
  // Records the base URI of every subschema of a resource and its $id anchors.
  void IndexResource(const Json& json, const Scope& outer) {
    Scope scope = outer;
    if (json.is_object()) {
      const Json* id = json.Find(IdKeyword(scope.dialect));
      // A $ref makes its siblings, $id included, ignored in drafts 4-7.
      if (id != nullptr && id->is_string() && json.Find("$ref") == nullptr) {
        std::string resolved = ResolveUri(scope.base, id->as_string());
        std::string without, fragment;
        SplitFragment(resolved, &without, &fragment);
        // A registered version's URI (name:version) is that version's: an id
        // in another document that claims it names nothing.
        bool claims_version =
            without.rfind(kRegistryUriPrefix, 0) == 0 && without != scope.document;
        if (!claims_version && !fragment.empty()) {
          anchors_.emplace(without + "#" + fragment, &json);
        }
        if (!claims_version && (id->as_string().empty() || id->as_string()[0] != '#')) {
          scope.base = without;
          resources_.emplace(without, &json);
        }
      }
    }
    scopes_.emplace(&json, scope);
    if (!json.is_object()) return;
    for (const Json::Member& m : json.members()) {
      const std::string& k = m.first;
      const Json& v = m.second;
      if (k == "definitions" || k == "properties" || k == "patternProperties" ||
          k == "dependencies") {
        if (v.is_object()) {
          for (const Json::Member& sub : v.members()) {
            if (sub.second.is_object() || sub.second.is_bool()) IndexResource(sub.second, scope);
          }
        }
      } else if (k == "items" || k == "allOf" || k == "anyOf" || k == "oneOf") {
        if (v.is_array()) {
          for (const Json& sub : v.items()) IndexResource(sub, scope);
        } else if (k == "items") {
          IndexResource(v, scope);
        }
      } else if (k == "additionalProperties" || k == "additionalItems" || k == "contains" ||
                 k == "propertyNames" || k == "not" || k == "if" || k == "then" || k == "else") {
        IndexResource(v, scope);
      }
    }
  }

  Scope ScopeOf(const Json* json) const {
    auto it = scopes_.find(json);
    if (it != scopes_.end()) return it->second;
    return Scope{"", out_->dialect, ""};
  }

  NodeId NodeFor(const Json* json) {
    auto it = memo_.find(json);
    if (it != memo_.end()) return it->second;
    NodeId id = static_cast<NodeId>(out_->nodes.size());
    out_->nodes.push_back(std::make_unique<SchemaNode>());
    memo_.emplace(json, id);
    pending_.emplace_back(json, id);
    return id;
  }

  // Loads an external document into the index, or throws MissingDocument.
  const Json* LoadDocument(const std::string& uri, Dialect referrer) {
    Dialect meta;
    std::string text;
    if (FindMetaschema(uri, &meta)) {
      text = std::string(MetaschemaText(meta));
    } else {
      auto it = documents_.find(uri);
      if (it == documents_.end()) throw MissingDocument(uri);
      text = it->second;
    }
    size_t depth = 0;
    loaded_.push_back(
        std::make_unique<Json>(ParseJson(text, options_.max_depth, &depth, options_.should_stop)));
    CheckDefinitionDepth(depth, options_);
    const Json* doc = loaded_.back().get();
    Dialect dialect = DialectOf(*doc, referrer);
    resources_.emplace(uri, doc);
    IndexResource(*doc, Scope{uri, dialect, uri});
    out_->external_documents.push_back(uri);
    return doc;
  }

  // Follows a JSON Pointer fragment from a resource root.
  const Json* FollowPointer(const Json* node, const std::string& fragment, const std::string& ref) {
    std::string pointer = PercentDecode(fragment);
    Scope scope = ScopeOf(node);
    size_t pos = 0;
    while (pos < pointer.size()) {
      size_t next = pointer.find('/', pos + 1);
      if (next == std::string::npos) next = pointer.size();
      std::string token;
      for (size_t i = pos + 1; i < next; i++) {
        if (pointer[i] == '~' && i + 1 < next && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
          token += pointer[i + 1] == '0' ? '~' : '/';
          i++;
        } else {
          token += pointer[i];
        }
      }
      pos = next;
      const Json* child = nullptr;
      if (node->is_object()) {
        child = node->Find(token);
      } else if (node->is_array() && !token.empty() &&
                 token.find_first_not_of("0123456789") == std::string::npos && token.size() < 10 &&
                 (token == "0" || token[0] != '0')) {  // RFC 6901: no leading zeros
        size_t index = std::stoul(token);
        if (index < node->items().size()) child = &node->items()[index];
      }
      if (child == nullptr) {
        throw Error(sqlstate::kInvalidObjectDefinition,
                    "$ref \"" + TruncateUtf8(ref, 200) + "\" points to nothing",
                    "JSON Pointer \"" + TruncateUtf8(pointer, 200) + "\" has no value at \"" +
                        TruncateUtf8(token, 100) + "\".");
      }
      node = child;
      // A pointer into a subschema that was not indexed keeps the nearest known base.
      if (scopes_.count(node) == 0) scopes_.emplace(node, scope);
      scope = ScopeOf(node);
    }
    return node;
  }

  const Json* Resolve(const std::string& ref, const Scope& scope) {
    // "name:version" (and "name:version#/pointer") names a registered schema.
    std::string target =
        IsRegistryRef(ref) ? kRegistryUriPrefix + ref : ResolveUri(scope.base, ref);
    std::string doc_uri, fragment;
    SplitFragment(target, &doc_uri, &fragment);
    if (!fragment.empty() && fragment[0] != '/') {
      auto it = anchors_.find(doc_uri + "#" + fragment);
      if (it == anchors_.end() && resources_.count(doc_uri) == 0) {
        LoadDocument(doc_uri, scope.dialect);
        it = anchors_.find(doc_uri + "#" + fragment);
      }
      if (it == anchors_.end()) {
        throw Error(
            sqlstate::kInvalidObjectDefinition,
            "$ref \"" + TruncateUtf8(ref, 200) + "\" names an identifier that does not exist",
            "No subschema has the id \"#" + TruncateUtf8(fragment, 100) + "\".");
      }
      return it->second;
    }
    auto it = resources_.find(doc_uri);
    const Json* root = it != resources_.end() ? it->second : LoadDocument(doc_uri, scope.dialect);
    return fragment.empty() ? root : FollowPointer(root, fragment, ref);
  }

  static double Number(const Json& v, const char* keyword) {
    if (!v.is_number()) Invalid(std::string("\"") + keyword + "\" must be a number");
    return v.as_number();
  }

  static uint64_t Count(const Json& v, const char* keyword) {
    if (!v.is_integer() || v.as_number() < 0) {
      Invalid(std::string("\"") + keyword + "\" must be a non-negative integer");
    }
    return v.as_number() > 1e18 ? UINT64_MAX : static_cast<uint64_t>(v.as_number());
  }

  NodeId Subschema(const Json& v, const char* keyword) {
    if (!v.is_object() && !v.is_bool()) {
      Invalid(std::string("\"") + keyword + "\" must be a schema (an object or a boolean)");
    }
    return NodeFor(&v);
  }

  std::vector<NodeId> SchemaArray(const Json& v, const char* keyword) {
    if (!v.is_array() || v.items().empty()) {
      Invalid(std::string("\"") + keyword + "\" must be a non-empty array of schemas");
    }
    std::vector<NodeId> ids;
    for (const Json& item : v.items()) ids.push_back(Subschema(item, keyword));
    return ids;
  }

  static std::vector<std::string> StringArray(const Json& v, const char* keyword) {
    std::vector<std::string> out;
    if (v.is_array()) {
      for (const Json& item : v.items()) {
        if (!item.is_string()) break;
        out.push_back(item.as_string());
      }
      if (out.size() == v.items().size()) return out;
    }
    Invalid(std::string("\"") + keyword + "\" must be an array of strings");
  }

  static uint8_t TypeBitOf(const Json& v) {
    static const std::pair<const char*, uint8_t> kNames[] = {
        {"null", kTypeNull},      {"boolean", kTypeBoolean}, {"object", kTypeObject},
        {"array", kTypeArray},    {"number", kTypeNumber},   {"string", kTypeString},
        {"integer", kTypeInteger}};
    if (v.is_string()) {
      for (const auto& n : kNames) {
        if (v.as_string() == n.first) return n.second;
      }
    }
    Invalid("\"type\" names an unknown type " + ToJsonText(v, 60),
            "Types are null, boolean, object, array, number, string and integer.");
  }

  void Fill(SchemaNode& node, const Json& json, const Scope& scope) {
    if (json.is_bool()) {
      node.kind =
          json.as_bool() ? SchemaNode::Kind::kAlwaysValid : SchemaNode::Kind::kAlwaysInvalid;
      return;
    }
    if (!json.is_object()) Invalid("a subschema must be an object, found " + ToJsonText(json, 60));
    const Dialect d = scope.dialect;
    if (const Json* ref = json.Find("$ref"); ref != nullptr && ref->is_string()) {
      node.ref_text = ref->as_string();
      const Json* target = Resolve(ref->as_string(), scope);
      node.ref = NodeFor(target);
      return;
    }
    bool exclusive_max_flag = false, exclusive_min_flag = false;
    for (const Json::Member& m : json.members()) {
      const std::string& k = m.first;
      const Json& v = m.second;
      if (k == "type") {
        if (v.is_array()) {
          for (const Json& t : v.items()) node.types |= TypeBitOf(t);
          if (v.items().empty()) Invalid("\"type\" must not be an empty array");
        } else {
          node.types = TypeBitOf(v);
        }
      } else if (k == "enum") {
        if (!v.is_array()) Invalid("\"enum\" must be an array");
        node.has_enum = true;
        node.enum_values = v.items();
        // Longer enums are looked up by hash (JsonHash: the evaluator's hash
        // of a record's value agrees with it).
        if (node.enum_values.size() > kEnumScanLimit) {
          for (size_t i = 0; i < node.enum_values.size(); i++) {
            node.enum_index.emplace(JsonHash(node.enum_values[i]), i);
          }
        }
      } else if (k == "const" && d != Dialect::kDraft4) {
        node.const_value = v;
      } else if (k == "multipleOf") {
        node.multiple_of = Number(v, "multipleOf");
        if (!(*node.multiple_of > 0)) Invalid("\"multipleOf\" must be greater than 0");
      } else if (k == "maximum") {
        node.maximum = Number(v, "maximum");
      } else if (k == "minimum") {
        node.minimum = Number(v, "minimum");
      } else if (k == "exclusiveMaximum") {
        if (d == Dialect::kDraft4) {
          if (!v.is_bool()) Invalid("\"exclusiveMaximum\" must be a boolean in draft-04");
          exclusive_max_flag = v.as_bool();
        } else {
          node.exclusive_maximum = Number(v, "exclusiveMaximum");
        }
      } else if (k == "exclusiveMinimum") {
        if (d == Dialect::kDraft4) {
          if (!v.is_bool()) Invalid("\"exclusiveMinimum\" must be a boolean in draft-04");
          exclusive_min_flag = v.as_bool();
        } else {
          node.exclusive_minimum = Number(v, "exclusiveMinimum");
        }
      } else if (k == "maxLength") {
        node.max_length = Count(v, "maxLength");
      } else if (k == "minLength") {
        node.min_length = Count(v, "minLength");
      } else if (k == "pattern") {
        if (!v.is_string()) Invalid("\"pattern\" must be a string");
        node.pattern = Pattern::Compile(v.as_string());
      } else if (k == "format") {
        if (!v.is_string()) Invalid("\"format\" must be a string");
        if (FormatDefinedIn(v.as_string(), d)) node.format = v.as_string();
      } else if (k == "items") {
        if (v.is_array()) {
          for (const Json& item : v.items()) node.items_array.push_back(Subschema(item, "items"));
        } else {
          node.items = Subschema(v, "items");
        }
      } else if (k == "maxItems") {
        node.max_items = Count(v, "maxItems");
      } else if (k == "minItems") {
        node.min_items = Count(v, "minItems");
      } else if (k == "uniqueItems") {
        if (!v.is_bool()) Invalid("\"uniqueItems\" must be a boolean");
        node.unique_items = v.as_bool();
      } else if (k == "contains" && d != Dialect::kDraft4) {
        node.contains = Subschema(v, "contains");
      } else if (k == "maxProperties") {
        node.max_properties = Count(v, "maxProperties");
      } else if (k == "minProperties") {
        node.min_properties = Count(v, "minProperties");
      } else if (k == "required") {
        node.required = StringArray(v, "required");
      } else if (k == "properties") {
        if (!v.is_object()) Invalid("\"properties\" must be an object");
        for (const Json::Member& p : v.members()) {
          node.properties.emplace_back(p.first, Subschema(p.second, "properties"));
        }
        // In jsonb's key order (length, then bytes): a record's members
        // arrive in that order, and are matched in one merged pass.
        std::sort(node.properties.begin(), node.properties.end(),
                  [](const auto& a, const auto& b) { return KeyLess(a.first, b.first); });
      } else if (k == "patternProperties") {
        if (!v.is_object()) Invalid("\"patternProperties\" must be an object");
        for (const Json::Member& p : v.members()) {
          node.pattern_properties.emplace_back(Pattern::Compile(p.first),
                                               Subschema(p.second, "patternProperties"));
        }
      } else if (k == "dependencies") {
        if (!v.is_object()) Invalid("\"dependencies\" must be an object");
        for (const Json::Member& p : v.members()) {
          if (p.second.is_array()) {
            node.property_dependencies.emplace_back(p.first, StringArray(p.second, "dependencies"));
          } else {
            node.schema_dependencies.emplace_back(p.first, Subschema(p.second, "dependencies"));
          }
        }
      } else if (k == "propertyNames" && d != Dialect::kDraft4) {
        node.property_names = Subschema(v, "propertyNames");
      } else if (k == "allOf") {
        node.all_of = SchemaArray(v, "allOf");
      } else if (k == "anyOf") {
        node.any_of = SchemaArray(v, "anyOf");
      } else if (k == "oneOf") {
        node.one_of = SchemaArray(v, "oneOf");
      } else if (k == "not") {
        node.not_schema = Subschema(v, "not");
      } else if (k == "if" && d == Dialect::kDraft7) {
        node.if_schema = Subschema(v, "if");
      } else if (k == "then" && d == Dialect::kDraft7) {
        node.then_schema = Subschema(v, "then");
      } else if (k == "else" && d == Dialect::kDraft7) {
        node.else_schema = Subschema(v, "else");
      }
    }
    // additionalItems and additionalProperties depend on their siblings.
    if (const Json* v = json.Find("additionalItems"); v != nullptr && !node.items_array.empty()) {
      node.additional_items = Subschema(*v, "additionalItems");
    }
    if (const Json* v = json.Find("additionalProperties"); v != nullptr) {
      node.additional_properties = Subschema(*v, "additionalProperties");
    }
    // Required names that are also properties are checked in the member pass.
    for (const std::string& name : node.required) {
      auto prop = std::lower_bound(node.properties.begin(), node.properties.end(), name,
                                   [](const std::pair<std::string, NodeId>& p,
                                      const std::string& k) { return KeyLess(p.first, k); });
      if (prop != node.properties.end() && prop->first == name) {
        node.required_property_index.push_back(static_cast<size_t>(prop - node.properties.begin()));
      } else {
        node.required_elsewhere.push_back(name);
      }
    }
    if (exclusive_max_flag && node.maximum) {
      node.exclusive_maximum = node.maximum;
      node.maximum.reset();
    }
    if (exclusive_min_flag && node.minimum) {
      node.exclusive_minimum = node.minimum;
      node.minimum.reset();
    }
    // {} and its like accept everything: the validator then skips them.
    if (Unconstrained(node)) node.kind = SchemaNode::Kind::kAlwaysValid;
  }

  static bool Unconstrained(const SchemaNode& n) {
    return n.types == 0 && !n.has_enum && !n.const_value && !n.multiple_of && !n.maximum &&
           !n.minimum && !n.exclusive_maximum && !n.exclusive_minimum && !n.max_length &&
           !n.min_length && !n.max_items && !n.min_items && !n.max_properties &&
           !n.min_properties && !n.pattern && n.format.empty() && n.items == kNoNode &&
           n.items_array.empty() && n.contains == kNoNode && !n.unique_items &&
           n.required.empty() && n.properties.empty() && n.pattern_properties.empty() &&
           n.additional_properties == kNoNode && n.property_dependencies.empty() &&
           n.schema_dependencies.empty() && n.property_names == kNoNode && n.all_of.empty() &&
           n.any_of.empty() && n.one_of.empty() && n.not_schema == kNoNode &&
           n.if_schema == kNoNode && n.then_schema == kNoNode && n.else_schema == kNoNode;
  }

  // Subschemas applied to the same value as their parent. A cycle of these
  // would evaluate forever without moving into the record.
  static void SameInstanceEdges(const SchemaNode& n, std::vector<NodeId>& out) {
    out.clear();
    if (n.ref != kNoNode) out.push_back(n.ref);
    out.insert(out.end(), n.all_of.begin(), n.all_of.end());
    out.insert(out.end(), n.any_of.begin(), n.any_of.end());
    out.insert(out.end(), n.one_of.begin(), n.one_of.end());
    for (const auto& dep : n.schema_dependencies) out.push_back(dep.second);
    for (NodeId id : {n.not_schema, n.if_schema, n.then_schema, n.else_schema}) {
      if (id != kNoNode) out.push_back(id);
    }
  }

  void CheckSameInstanceCycles() const {
    const auto& nodes = out_->nodes;
    std::vector<uint8_t> state(nodes.size(), 0);  // 0 new, 1 on stack, 2 done
    std::vector<std::pair<NodeId, size_t>> stack;
    std::vector<NodeId> edges;
    for (NodeId start = 0; start < nodes.size(); start++) {
      if (state[start] != 0) continue;
      stack.emplace_back(start, 0);
      state[start] = 1;
      while (!stack.empty()) {
        auto& [id, next] = stack.back();
        SameInstanceEdges(*nodes[id], edges);
        if (next < edges.size()) {
          NodeId child = edges[next++];
          if (state[child] == 1) {
            std::string via =
                nodes[id]->ref_text.empty()
                    ? ""
                    : " (via $ref \"" + TruncateUtf8(nodes[id]->ref_text, 200) + "\")";
            Invalid("schema refers to itself without descending into the record" + via,
                    "Such a schema would be evaluated forever.");
          }
          if (state[child] == 0) {
            state[child] = 1;
            stack.emplace_back(child, 0);
          }
        } else {
          state[id] = 2;
          stack.pop_back();
        }
      }
    }
  }

  const DocumentSource& documents_;
  const CompileOptions& options_;
  std::unique_ptr<CompiledSchema> out_;
  std::vector<std::unique_ptr<Json>> loaded_;
  std::unordered_map<const Json*, Scope> scopes_;
  std::unordered_map<const Json*, NodeId> memo_;
  std::map<std::string, const Json*> resources_;
  std::map<std::string, const Json*> anchors_;
  std::deque<std::pair<const Json*, NodeId>> pending_;
};

}  // namespace

void CheckDefinitionDepth(size_t depth, const CompileOptions& options) {
  size_t allowed = options.stack_budget / kStackPerDefinitionLevel;
  if (depth > allowed) {
    throw Error(sqlstate::kProgramLimitExceeded,
                "schema definition is nested " + std::to_string(depth) +
                    " levels deep, more than the " + std::to_string(allowed) +
                    " that can be checked safely",
                "The limit follows from the server's max_stack_depth.",
                "Flatten the definition with \"definitions\" and \"$ref\".");
  }
}

std::unique_ptr<CompiledSchema> CompileSchema(const Json& definition,
                                              const DocumentSource& documents,
                                              const CompileOptions& options) {
  return Compiler(documents, options).Run(definition);
}

}  // namespace schemareg
