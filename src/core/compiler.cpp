#include <algorithm>
#include <iterator>
#include <cmath>
#include <deque>
#include <set>
#include <unordered_map>

#include "core/error.hpp"
#include "core/ref.hpp"
#include "core/schema.hpp"
#include "core/uri.hpp"
#include "core/vocabularies/vocabulary.hpp"

namespace schemareg {

namespace {

// Where a subschema sits: the base URI its relative references resolve
// against (which is also its schema resource), and its dialect.
struct Scope {
  std::string base;
  Dialect dialect;
  std::string document;  // the document it is in: "" for the definition, else its URI
  const std::vector<const Vocabulary*>* vocabularies;
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

// The keywords whose values hold subschemas, by shape, in every dialect (a
// keyword the dialect lacks holds no subschema there, but indexing it too is
// harmless: only its identifiers become reachable).
bool HoldsSchemaMap(const std::string& k, Dialect d) {
  return k == "definitions" || k == "properties" || k == "patternProperties" ||
         k == "dependencies" || (IsModern(d) && (k == "$defs" || k == "dependentSchemas"));
}
bool HoldsSchemaArray(const std::string& k) {
  return k == "items" || k == "allOf" || k == "anyOf" || k == "oneOf" || k == "prefixItems";
}
bool HoldsSchema(const std::string& k) {
  return k == "items" || k == "additionalProperties" || k == "additionalItems" || k == "contains" ||
         k == "propertyNames" || k == "not" || k == "if" || k == "then" || k == "else" ||
         k == "unevaluatedProperties" || k == "unevaluatedItems" || k == "contentSchema";
}

[[noreturn]] void Invalid(const std::string& message, const std::string& detail = {}) {
  throw Error(sqlstate::kInvalidObjectDefinition, message, detail);
}

class Compiler : public KeywordCompiler {
 public:
  Compiler(const DocumentSource& documents, const CompileOptions& options)
      : documents_(documents), options_(options), out_(std::make_unique<CompiledSchema>()) {}

  std::unique_ptr<CompiledSchema> Run(const Json& definition) {
    DocumentDialect dialect = ResolveDocumentDialect(definition, options_.default_dialect,
                                                     documents_, loaded_, options_.max_depth);
    if (!dialect.metaschema.empty()) out_->external_documents.push_back(dialect.metaschema);
    out_->dialect = dialect.dialect;
    resources_.emplace("", &definition);
    IndexResource(definition, Scope{"", dialect.dialect, "", dialect.vocabularies}, true);
    out_->root = NodeFor(&definition);
    do {
      while (!pending_.empty()) {
        if (options_.should_stop != nullptr && options_.should_stop()) throw Interrupted();
        const Json* json = pending_.front().first;
        NodeId id = pending_.front().second;
        pending_.pop_front();
        Fill(*out_->nodes[id], *json, ScopeOf(json));
      }
    } while (CompileDynamicAnchors());
    if (options_.problems == nullptr) {
      CheckSameInstanceCycles();
    } else {
      try {
        CheckSameInstanceCycles();
      } catch (const Error& e) {
        problems_.push_back({&definition, "", {"", e.code(), e.what(), ""}});
      }
    }
    MarkSharedNodes();
    ListIgnoredKeywords(definition);
    return std::move(out_);
  }

  // KeywordCompiler
  NodeId Subschema(const Json& v, const char* keyword) override {
    if (!v.is_object() && !v.is_bool()) {
      Invalid(std::string("\"") + keyword + "\" must be a schema (an object or a boolean)");
    }
    return NodeFor(&v);
  }
  const Json* Resolve(const std::string& ref) override { return Resolve(ref, *scope_); }
  NodeId NodeOf(const Json* target) override { return NodeFor(target); }
  void UseDynamicScope() override { out_->uses_dynamic_scope = true; }

  std::shared_ptr<const Pattern> CompilePattern(const std::string& ecma) override {
    auto [it, added] = patterns_.emplace(ecma, nullptr);
    if (!added) return it->second;
    try {
      it->second = Pattern::Compile(ecma);
    } catch (...) {
      patterns_.erase(it);
      throw;
    }
    pattern_bytes_ += it->second->bytes();
    if (pattern_bytes_ > kMaxSchemaPatternBytes) {
      throw Error(sqlstate::kProgramLimitExceeded,
                  "the schema's patterns need more than " +
                      std::to_string(kMaxSchemaPatternBytes >> 20) + " MiB once compiled",
                  std::to_string(patterns_.size()) + " distinct patterns, the last \"" +
                      TruncateUtf8(ecma, 200) + "\" of " + std::to_string(it->second->bytes()) +
                      " bytes.",
                  "Use fewer or smaller patterns: bounded repetitions of wide classes, such as "
                  "\".{999}\", compile the largest.");
    }
    return it->second;
  }

 private:
  // Records the base URI of every subschema of a resource, and its anchors.
  void IndexResource(const Json& json, const Scope& outer, bool document_root) {
    Scope scope = outer;
    if (json.is_object()) IndexIdentifiers(json, scope, document_root);
    scopes_.emplace(&json, scope);
    if (!json.is_object()) return;
    for (const Json::Member& m : json.members()) {
      const std::string& k = m.first;
      const Json& v = m.second;
      if (HoldsSchemaMap(k, scope.dialect) && v.is_object()) {
        for (const Json::Member& sub : v.members()) {
          if (sub.second.is_object() || sub.second.is_bool()) {
            IndexResource(sub.second, scope, false);
          }
        }
      } else if (HoldsSchemaArray(k) && v.is_array()) {
        for (const Json& sub : v.items()) IndexResource(sub, scope, false);
      } else if (HoldsSchema(k)) {
        IndexResource(v, scope, false);
      }
    }
  }

  // $id (id in draft 4) starts a resource or names an anchor; $anchor and
  // $dynamicAnchor name anchors; $recursiveAnchor marks a resource.
  void IndexIdentifiers(const Json& json, Scope& scope, bool document_root) {
    const Json* id = json.Find(IdKeyword(scope.dialect));
    // Up to draft 7 a $ref makes its siblings ignored, $id included, except
    // the document's own $id: that names the document.
    bool id_applies = IsModern(scope.dialect) || document_root || json.Find("$ref") == nullptr;
    if (id != nullptr && id->is_string() && id_applies) {
      std::string resolved = ResolveUri(scope.base, id->as_string());
      std::string without, fragment;
      SplitFragment(resolved, &without, &fragment);
      // A registered version's URI (name:version) is that version's: an id
      // in another document that claims it names nothing.
      bool claims_version = without.rfind(kRegistryUriPrefix, 0) == 0 && without != scope.document;
      if (!claims_version && !fragment.empty()) anchors_.emplace(without + "#" + fragment, &json);
      if (!claims_version && (id->as_string().empty() || id->as_string()[0] != '#')) {
        scope.base = without;
        resources_.emplace(without, &json);
      }
    }
    if (!IsModern(scope.dialect)) return;
    for (const char* keyword : {"$anchor", "$dynamicAnchor"}) {
      const Json* anchor = json.Find(keyword);
      if (anchor == nullptr || !anchor->is_string()) continue;
      anchors_.emplace(scope.base + "#" + anchor->as_string(), &json);
      if (scope.dialect == Dialect::kDraft2020_12 && keyword[1] == 'd') {
        dynamic_anchors_[scope.base].emplace_back(anchor->as_string(), &json);
      }
    }
    const Json* recursive = json.Find("$recursiveAnchor");
    if (scope.dialect == Dialect::kDraft2019_09 && recursive != nullptr && recursive->is_bool() &&
        recursive->as_bool()) {
      recursive_anchors_.insert(scope.base);
    }
  }

  Scope ScopeOf(const Json* json) const {
    auto it = scopes_.find(json);
    if (it != scopes_.end()) return it->second;
    return Scope{"", out_->dialect, "", &VocabulariesOf(out_->dialect)};
  }

  NodeId NodeFor(const Json* json) {
    auto it = memo_.find(json);
    if (it != memo_.end()) return it->second;
    NodeId id = static_cast<NodeId>(out_->nodes.size());
    out_->nodes.push_back(std::make_unique<SchemaNode>());
    out_->nodes.back()->resource = ResourceIndex(ScopeOf(json).base);
    memo_.emplace(json, id);
    pending_.emplace_back(json, id);
    return id;
  }

  uint32_t ResourceIndex(const std::string& base) {
    auto it = resource_index_.find(base);
    if (it != resource_index_.end()) return it->second;
    uint32_t index = static_cast<uint32_t>(out_->resources.size());
    out_->resources.emplace_back();
    resource_index_.emplace(base, index);
    resource_bases_.push_back(base);
    return index;
  }

  // With a dynamic reference in the schema, every resource it passes through
  // needs its dynamic anchors compiled, referenced or not. True when that
  // added nodes to compile.
  bool CompileDynamicAnchors() {
    if (!out_->uses_dynamic_scope) return false;
    size_t before = out_->nodes.size();
    for (size_t i = 0; i < resource_bases_.size(); i++) {
      const std::string base = resource_bases_[i];
      if (recursive_anchors_.count(base) != 0 && out_->resources[i].root == kNoNode) {
        NodeId root = NodeFor(resources_.at(base));
        out_->resources[i].recursive_anchor = true;
        out_->resources[i].root = root;
      }
      auto anchors = dynamic_anchors_.find(base);
      if (anchors == dynamic_anchors_.end() ||
          out_->resources[i].dynamic_anchors.size() == anchors->second.size()) {
        continue;
      }
      std::vector<std::pair<std::string, NodeId>> compiled;
      for (const auto& [name, json] : anchors->second) compiled.emplace_back(name, NodeFor(json));
      out_->resources[i].dynamic_anchors = std::move(compiled);
    }
    return out_->nodes.size() != before;
  }

  // Loads an external document into the index, or throws MissingDocument.
  const Json* LoadDocument(const std::string& uri, Dialect referrer) {
    std::string text(ShippedDocument(uri));
    if (text.empty()) {
      auto it = documents_.find(uri);
      if (it == documents_.end()) throw MissingDocument(uri);
      text = it->second;
    }
    size_t depth = 0;
    loaded_.push_back(
        std::make_unique<Json>(ParseJson(text, options_.max_depth, &depth, options_.should_stop)));
    CheckDefinitionDepth(depth, options_);
    const Json* doc = loaded_.back().get();
    DocumentDialect dialect =
        ResolveDocumentDialect(*doc, referrer, documents_, loaded_, options_.max_depth);
    resources_.emplace(uri, doc);
    IndexResource(*doc, Scope{uri, dialect.dialect, uri, dialect.vocabularies}, true);
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
      // A pointer into a place that is not a keyword of the dialect (say
      // "$defs" in draft 7) reaches subschemas that were not indexed: they
      // and theirs resolve against the nearest known base.
      if (scopes_.count(node) == 0) IndexResource(*node, scope, false);
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

  static CompileStep FindKeyword(const std::vector<const Vocabulary*>& vocabularies,
                                 const std::string& name, bool* known) {
    for (const Vocabulary* vocabulary : vocabularies) {
      for (const Keyword& keyword : vocabulary->keywords) {
        if (name == keyword.name) {
          *known = true;
          return keyword.compile;
        }
      }
    }
    *known = false;
    return nullptr;
  }

  void Fill(SchemaNode& node, const Json& json, const Scope& scope) {
    if (json.is_bool()) {
      node.kind =
          json.as_bool() ? SchemaNode::Kind::kAlwaysValid : SchemaNode::Kind::kAlwaysInvalid;
      return;
    }
    if (!json.is_object()) Invalid("a subschema must be an object, found " + ToJsonText(json, 60));
    scope_ = &scope;
    KeywordSite site{node, json, scope.dialect, *this};
    const Json* ref = json.Find("$ref");
    if (!IsModern(scope.dialect) && ref != nullptr && ref->is_string()) {
      // Drafts 4-7: a $ref replaces every sibling keyword.
      bool known = false;
      RunStep(FindKeyword(*scope.vocabularies, "$ref", &known), site, "$ref", *ref);
      node.ref_only = true;
      SetKeywordGroups(node);
      return;
    }
    for (const Json::Member& m : json.members()) {
      bool known = false;
      CompileStep step = FindKeyword(*scope.vocabularies, m.first, &known);
      if (step != nullptr) RunStep(step, site, m.first, m.second);
      // Only the definition's own: documents it references are others' work.
      if (!known && scope.document.empty()) ignored_.emplace_back(&json, m.first);
    }
    FinishValidation(node);
    FinishUnevaluated(node);
    SetKeywordGroups(node);
    // {} and its like accept everything: the validator then skips them.
    if (Unconstrained(node)) {
      if (node.ref != kNoNode) {
        node.ref_only = true;
      } else {
        node.kind = SchemaNode::Kind::kAlwaysValid;
      }
    }
  }

  // Runs a keyword's compile step. When problems are collected, a step that
  // fails is recorded and its keyword left out; the compile goes on.
  void RunStep(CompileStep step, KeywordSite& site, const std::string& keyword, const Json& value) {
    if (options_.problems == nullptr) return step(site, value);
    try {
      step(site, value);
    } catch (const MissingDocument& missing) {
      problems_.push_back({&site.schema, keyword, {"", "", "", missing.uri()}});
    } catch (const Error& e) {
      std::string message = e.what();
      if (!e.detail().empty()) message += ": " + e.detail();
      problems_.push_back({&site.schema, keyword, {"", e.code(), message, ""}});
    }
  }

  // True when nothing but $ref constrains the node: it has no keyword group
  // but that of its references (SetKeywordGroups, called first), and no
  // $dynamicRef, and collects no annotations.
  static bool Unconstrained(const SchemaNode& n) {
    return (n.groups & ~kGroupRefs) == 0 && n.dynamic_ref == kNoNode && !n.TracksAnnotations();
  }

  // Subschemas applied to the same value as their parent. A cycle of these
  // would evaluate forever without moving into the record.
  static void SameInstanceEdges(const SchemaNode& n, std::vector<NodeId>& out) {
    out.clear();
    if (n.ref != kNoNode) out.push_back(n.ref);
    if (n.dynamic_ref != kNoNode) out.push_back(n.dynamic_ref);
    out.insert(out.end(), n.all_of.begin(), n.all_of.end());
    out.insert(out.end(), n.any_of.begin(), n.any_of.end());
    out.insert(out.end(), n.one_of.begin(), n.one_of.end());
    for (const auto& dep : n.schema_dependencies) out.push_back(dep.second);
    for (NodeId id : {n.not_schema, n.if_schema, n.then_schema, n.else_schema}) {
      if (id != kNoNode) out.push_back(id);
    }
  }

  // Where in the definition each ignored keyword and each collected problem
  // is (JSON Pointers, found by one walk over the definition, whose depth is
  // bounded already).
  void ListIgnoredKeywords(const Json& definition) {
    if (ignored_.empty() && problems_.empty()) return;
    std::unordered_map<const Json*, std::string> paths;
    for (const auto& entry : ignored_) paths.emplace(entry.first, "");
    for (const auto& problem : problems_) paths.emplace(problem.at, "");
    std::vector<std::pair<const Json*, std::string>> stack = {{&definition, ""}};
    while (!stack.empty()) {
      auto [json, path] = std::move(stack.back());
      stack.pop_back();
      auto it = paths.find(json);
      if (it != paths.end()) it->second = path;
      if (json->is_object()) {
        for (const Json::Member& m : json->members()) {
          std::string child = path;
          AppendPointerToken(child, m.first);
          stack.emplace_back(&m.second, std::move(child));
        }
      } else if (json->is_array()) {
        for (size_t i = 0; i < json->items().size(); i++) {
          stack.emplace_back(&json->items()[i], path + "/" + std::to_string(i));
        }
      }
    }
    for (const auto& [json, keyword] : ignored_) {
      out_->ignored_keywords.push_back({paths[json], keyword, DialectsWithKeyword(keyword)});
    }
    // A problem in a document the definition references has no path in it.
    for (auto& problem : problems_) {
      auto it = paths.find(problem.at);
      if (it != paths.end() && (problem.at == &definition || !it->second.empty())) {
        problem.found.path = it->second;
        if (!problem.keyword.empty()) AppendPointerToken(problem.found.path, problem.keyword);
      }
      options_.problems->push_back(std::move(problem.found));
    }
  }

  // Counts the chains of in-place applicators that reach each node (the
  // graph has no cycle: CheckSameInstanceCycles). A node many reach would be
  // evaluated that many times at one value: the evaluator memoizes it.
  void MarkSharedNodes() {
    constexpr uint64_t kMemoizeFrom = 32, kSaturate = uint64_t{1} << 40;
    const auto& nodes = out_->nodes;
    std::vector<uint32_t> in_degree(nodes.size(), 0);
    std::vector<NodeId> edges;
    for (const auto& node : nodes) {
      SameInstanceEdges(*node, edges);
      for (NodeId child : edges) in_degree[child]++;
    }
    // Kahn's order: every node after all that reach it.
    std::vector<uint64_t> chains(nodes.size(), 0);
    std::vector<NodeId> ready;
    for (NodeId id = 0; id < nodes.size(); id++) {
      if (in_degree[id] == 0) {
        chains[id] = 1;
        ready.push_back(id);
      }
    }
    while (!ready.empty()) {
      NodeId id = ready.back();
      ready.pop_back();
      SameInstanceEdges(*nodes[id], edges);
      for (NodeId child : edges) {
        chains[child] = std::min(kSaturate, chains[child] + chains[id]);
        if (--in_degree[child] == 0) ready.push_back(child);
      }
      if (chains[id] >= kMemoizeFrom) out_->nodes[id]->memoize = true;
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
  // Per resource base: its dynamic anchors, and whether it has "$recursiveAnchor": true.
  std::map<std::string, std::vector<std::pair<std::string, const Json*>>> dynamic_anchors_;
  std::set<std::string> recursive_anchors_;
  std::map<std::string, uint32_t> resource_index_;
  std::vector<std::string> resource_bases_;
  const Scope* scope_ = nullptr;                              // of the subschema being compiled
  std::vector<std::pair<const Json*, std::string>> ignored_;  // subschema, member
  // Collected problems (options_.problems): the subschema, the keyword, what.
  struct Problem {
    const Json* at;
    std::string keyword;
    CompileProblem found;
  };
  std::vector<Problem> problems_;
  // Each pattern text compiled once, and what they hold together.
  std::unordered_map<std::string, std::shared_ptr<const Pattern>> patterns_;
  size_t pattern_bytes_ = 0;
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
