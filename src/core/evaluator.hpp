// The evaluator: runs a compiled schema over a record, reading the record
// through a Value type of the caller's choosing (src/core/value.hpp). This
// file walks the schema: it keeps the record path, the errors, the depth and
// stack checks, the dynamic scope and the annotations. The keywords are
// evaluated by their vocabularies (src/core/vocabularies/<vocabulary>.hpp).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"
#include "core/validator.hpp"
#include "core/value.hpp"
#include "core/vocabularies/applicator.hpp"
#include "core/vocabularies/core.hpp"
#include "core/vocabularies/format.hpp"
#include "core/vocabularies/unevaluated.hpp"
#include "core/vocabularies/validation.hpp"

namespace schemareg {

// A pattern's engine limit met in fast mode, which keeps no record path.
class PatternLimit : public Error {
 public:
  explicit PatternLimit(const Error& e) : Error(e) {}
};

template <typename Value>
class Evaluator {
 public:
  using Node = SchemaNode;

  Evaluator(const CompiledSchema& schema, const ValidateOptions& options, ErrorList* errors)
      : schema_(schema), options_(options), errors_(errors) {
    char probe;
    stack_base_ = reinterpret_cast<uintptr_t>(&probe);
  }

  bool Run(const Value& record) {
    if (schema_.uses_dynamic_scope) dynamic_scope_.push_back(schema_.nodes[schema_.root]->resource);
    try {
      return Eval(schema_.root, record);
    } catch (const PatternLimit&) {
      // Without errors no record path is kept: evaluate again keeping one,
      // to name where the pattern gave up (it gives up there again).
      if (locating_) throw;
      Evaluator again(schema_, options_, nullptr);
      again.locating_ = true;
      return again.Run(record);
    }
  }

  // Whether a pattern matches; a pattern that hits its engine's limit
  // (54000) is reported with the record path of the string (with `child`,
  // a member's name, appended).
  bool Matches(const Pattern& pattern, std::string_view s, std::string_view child) {
    try {
      return pattern.Search(s);
    } catch (const Error& e) {
      if (e.code() != sqlstate::kProgramLimitExceeded) throw;
      if (!Keeping() && !locating_) throw PatternLimit(e);
      std::string at = path_;
      if (!child.empty()) AppendPointerToken(at, child);
      throw Error(e.code(), e.what(),
                  (e.detail().empty() ? "" : e.detail() + " ") + "At record path \"" +
                      TruncateUtf8(at.empty() ? "(root)" : at, 200) + "\".",
                  e.hint());
    }
  }

  // What the vocabularies use.
  const CompiledSchema& schema() const { return schema_; }
  const Node& node(NodeId id) const { return *schema_.nodes[id]; }
  const ValidateOptions& options() const { return options_; }
  const std::vector<uint32_t>& dynamic_scope() const { return dynamic_scope_; }
  // Fast mode: no error list, so a check may stop at its first failure.
  bool fast() const { return errors_ == nullptr; }
  // Where what is evaluated at the current value is collected; null when no
  // node asked for it.
  Annotations* annotations() const { return annotations_; }
  Annotations* SwapAnnotations(Annotations* other) {
    std::swap(annotations_, other);
    return other;
  }

  // Keeps the error while the list is within its limits, else counts it:
  // once one is only counted, so are all after it.
  void Fail(const char* keyword, std::string message) {
    if (!Keeping()) {
      if (errors_ != nullptr) errors_->more++;
      return;
    }
    std::string path =
        path_.size() > kMaxErrorPathBytes ? TruncateUtf8(path_, kMaxErrorPathBytes) : path_;
    size_t bytes = path.size() + std::char_traits<char>::length(keyword) + message.size();
    if (errors_->kept.size() >= options_.max_errors ||
        (!errors_->kept.empty() && kept_bytes_ + bytes > options_.max_error_bytes)) {
      errors_->more++;
      return;
    }
    std::string schema_path = schema_path_;
    // A false schema fails as a whole: its location is the keyword's.
    if (std::strcmp(keyword, "false") != 0) {
      AppendPointerToken(schema_path, keyword);
    }
    if (schema_path.size() > kMaxErrorPathBytes) {
      schema_path = TruncateUtf8(schema_path, kMaxErrorPathBytes);
    }
    kept_bytes_ += bytes;
    errors_->kept.push_back({std::move(path), keyword, std::move(message), std::move(schema_path)});
  }

  // Extends the schema path (keywordLocation) by a keyword, and a name or
  // an index under it, for as long as it lives; only while errors are kept.
  class SchemaStep {
   public:
    SchemaStep(Evaluator& ev, std::string_view keyword)
        : ev_(ev), length_(ev.schema_path_.size()), active_(ev.Keeping()) {
      if (active_) AppendPointerToken(ev.schema_path_, keyword);
    }
    SchemaStep(Evaluator& ev, std::string_view keyword, std::string_view token)
        : SchemaStep(ev, keyword) {
      if (active_) AppendPointerToken(ev.schema_path_, token);
    }
    SchemaStep(Evaluator& ev, std::string_view keyword, size_t index) : SchemaStep(ev, keyword) {
      if (active_) ev.schema_path_ += "/" + std::to_string(index);
    }
    ~SchemaStep() {
      if (active_) ev_.schema_path_.resize(length_);
    }
    SchemaStep(const SchemaStep&) = delete;
    SchemaStep& operator=(const SchemaStep&) = delete;

   private:
    Evaluator& ev_;
    size_t length_;
    bool active_;  // errors are kept: fast mode does nothing here
  };

  // An error at a child of the current value (a member's name or an item's index).
  void Fail(const char* keyword, std::string message, std::string_view child) {
    if (!Keeping()) return Fail(keyword, std::move(message));
    size_t length = path_.size();
    AppendPointerToken(path_, child);
    Fail(keyword, std::move(message));
    path_.resize(length);
  }

  // Evaluates a subschema at the current value.
  bool Eval(NodeId id, const Value& value) {
    Poll();
    const Node& n = node(id);
    if (n.kind == Node::Kind::kAlwaysValid) return true;
    if (n.kind == Node::Kind::kAlwaysInvalid) {
      Fail("false", "no value is allowed here");
      return false;
    }
    if (n.memoize && !schema_.uses_dynamic_scope) {
      return EvalMemoized(id, n, value);
    }
    if (schema_.uses_dynamic_scope && n.resource != dynamic_scope_.back()) {
      dynamic_scope_.push_back(n.resource);
      bool ok = EvalNode(n, value);
      dynamic_scope_.pop_back();
      return ok;
    }
    return EvalNode(n, value);
  }

  // Evaluates a subschema at a member or an item of the current value,
  // extending the path and the depth. Annotations are per value: none are
  // collected below.
  bool EvalChild(NodeId id, const Value& value, std::string_view name) {
    size_t length = path_.size();
    if (Keeping() || locating_) AppendPointerToken(path_, name);
    bool ok = EvalDeeper(id, value);
    path_.resize(length);
    return ok;
  }

  bool EvalItem(NodeId id, const Value& value, size_t index) {
    size_t length = path_.size();
    if (Keeping() || locating_) {
      path_ += '/';
      path_ += std::to_string(index);
    }
    bool ok = EvalDeeper(id, value);
    path_.resize(length);
    return ok;
  }

  // Whether a subschema passes at the current value, without errors; what it
  // evaluated counts only if it passes (anyOf, oneOf, if).
  bool ProbeBranch(NodeId id, const Value& value) {
    if (annotations_ == nullptr) return Probe(id, value);
    Annotations branch;
    Annotations* outer = SwapAnnotations(&branch);
    bool ok = Probe(id, value);
    SwapAnnotations(outer);
    if (ok) outer->Merge(branch);
    return ok;
  }

  // Whether a subschema passes, without errors or annotations: "not", and
  // "contains" and "propertyNames" at an item or a member's name.
  bool ProbeWithoutAnnotations(NodeId id, const Value& value) {
    Annotations* outer = SwapAnnotations(nullptr);
    bool ok = Probe(id, value);
    SwapAnnotations(outer);
    return ok;
  }

  // Every keyword of a node but the unevaluated ones, in a fixed order.
  bool EvalKeywords(const Node& n, const Value& value) {
    bool ok = true;
    // Each check returns early in fast mode once it fails.
#define SCHEMAREG_CHECK(cond)   \
  do {                          \
    if (!(cond)) {              \
      ok = false;               \
      if (fast()) return false; \
    }                           \
  } while (0)
    // Only the groups of keywords the node has (SchemaNode::groups).
    const uint16_t g = n.groups;
    if (g & kGroupRefs) SCHEMAREG_CHECK(core::CheckRefs(*this, n, value));
    if (g & kGroupAnyType) SCHEMAREG_CHECK(validation::CheckAnyType(*this, n, value));
    switch (value.type()) {
      case JsonType::kNumber:
        if (g & kGroupNumber) SCHEMAREG_CHECK(validation::CheckNumber(*this, n, value));
        break;
      case JsonType::kString:
        if (g & kGroupString) SCHEMAREG_CHECK(validation::CheckString(*this, n, value.as_string()));
        if (g & kGroupFormat) SCHEMAREG_CHECK(format::CheckString(*this, n, value.as_string()));
        break;
      case JsonType::kArray:
        if (g & kGroupArrayAssertions) SCHEMAREG_CHECK(validation::CheckArray(*this, n, value));
        if (g & kGroupArrayApplicators) SCHEMAREG_CHECK(applicator::CheckArray(*this, n, value));
        break;
      case JsonType::kObject:
        if (g & kGroupObjectAssertions) SCHEMAREG_CHECK(validation::CheckObject(*this, n, value));
        if (g & kGroupObjectApplicators) SCHEMAREG_CHECK(applicator::CheckObject(*this, n, value));
        break;
      default:
        break;
    }
    if (g & kGroupInPlace) SCHEMAREG_CHECK(applicator::CheckInPlace(*this, n, value));
#undef SCHEMAREG_CHECK
    return ok;
  }

  std::string Text(const Value& v, size_t max_chars) {
    std::string out;
    AppendValueText(v, out, max_chars);
    return out.size() > max_chars ? TruncateUtf8(out, max_chars) : out;
  }

  // JSON equality of a schema's value and a record's, and of two of the
  // record's values (uniqueItems), and a hash consistent with it.
  bool EqualToJson(const Json& a, const Value& b) {
    return ValuesEqual(JsonRef(a), b, [this] { Poll(); });
  }
  bool EqualValues(const Value& a, const Value& b) {
    return ValuesEqual(a, b, [this] { Poll(); });
  }
  size_t Hash(const Value& v) {
    return ValueHash(v, [this] { Poll(); });
  }

  bool FindDuplicate(const Value& value, size_t* first, size_t* second) {
    std::unordered_multimap<size_t, size_t> seen;
    seen.reserve(value.size());
    bool found = false;
    value.ForEachItem([&](size_t i, const Value& item) {
      size_t h = Hash(item);
      auto range = seen.equal_range(h);
      for (auto it = range.first; it != range.second; ++it) {
        if (EqualValues(value.item(it->second), item)) {
          *first = it->second;
          *second = i;
          found = true;
          return false;
        }
      }
      seen.emplace(h, i);
      return true;
    });
    return found;
  }

 private:
  // Whether errors are collected and may still be kept (which needs the path).
  bool Keeping() const { return errors_ != nullptr && errors_->more == 0; }

  // Stack and cancel checks, once per step of the evaluation.
  // (Inline on every step; what is rare is out of line.)
  __attribute__((always_inline)) void Poll() {
    char probe;
    uintptr_t here = reinterpret_cast<uintptr_t>(&probe);
    uintptr_t used = here > stack_base_ ? here - stack_base_ : stack_base_ - here;
    if (__builtin_expect(used > options_.stack_budget || ++ticks_ % 256 == 0, 0)) PollRarely(used);
  }

  __attribute__((noinline, cold)) void PollRarely(uintptr_t used) {
    if (used > options_.stack_budget) {
      throw Error(sqlstate::kProgramLimitExceeded, "schema evaluation nests too deeply",
                  "The record and the schema's references together exceed the stack limit.");
    }
    if (options_.should_stop != nullptr && options_.should_stop()) throw Interrupted();
  }

  bool EvalDeeper(NodeId id, const Value& value) {
    if (++depth_ > options_.max_depth) {
      throw Error(sqlstate::kProgramLimitExceeded,
                  "record is too deeply nested: JSON value is nested more than " +
                      std::to_string(options_.max_depth) + " levels deep",
                  "", "Raise schemareg.max_depth, or flatten the document.");
    }
    Annotations* outer = SwapAnnotations(nullptr);
    bool ok = Eval(id, value);
    SwapAnnotations(outer);
    depth_--;
    return ok;
  }

  // Evaluates without collecting errors.
  bool Probe(NodeId id, const Value& value) {
    ErrorList* saved = errors_;
    errors_ = nullptr;
    bool ok = Eval(id, value);
    errors_ = saved;
    return ok;
  }

  // A node many chains reach, at one value: its result is computed once per
  // mode. In fast mode a value stands for every equal one (null and booleans
  // have no place of their own); with errors, only the same place does, and a
  // failure reported once is not reported again.
  bool EvalMemoized(NodeId id, const Node& n, const Value& value) {
    const void* place = value.identity();
    bool scalar = value.type() == JsonType::kNull || value.type() == JsonType::kBool;
    if (place == nullptr && (!scalar || !fast())) return EvalNode(n, value);
    MemoKey key{id, place, static_cast<uint8_t>(value.type()),
                value.type() == JsonType::kBool && value.as_bool()};
    if (annotations_ != nullptr) return EvalMemoizedAnnotating(key, n, value);
    auto& memo = fast() ? fast_memo_ : errors_memo_;
    auto it = memo.find(key);
    if (it != memo.end()) return it->second;
    // A pass found in fast mode needs no errors either.
    if (!fast()) {
      auto passed = fast_memo_.find(key);
      if (passed != fast_memo_.end() && passed->second) return true;
    }
    bool ok = EvalNode(n, value);
    memo.emplace(key, ok);
    return ok;
  }

  struct MemoKey {
    NodeId node;
    const void* place;
    uint8_t type;
    bool flag;
    bool operator==(const MemoKey& o) const {
      return node == o.node && place == o.place && type == o.type && flag == o.flag;
    }
  };
  struct MemoHash {
    size_t operator()(const MemoKey& k) const {
      return std::hash<const void*>()(k.place) * 31 + k.node * 7 + k.type * 2 + k.flag;
    }
  };

  // The same while annotations are collected (under unevaluated*): the
  // result and the annotations the evaluation added are kept, and a repeat
  // adds them again. Kept within kMaxAnnotationMemoBytes; past that, nodes
  // are evaluated again (time is then bounded by cancellation only).
  bool EvalMemoizedAnnotating(const MemoKey& key, const Node& n, const Value& value) {
    auto& memo = fast() ? fast_annotated_memo_ : errors_annotated_memo_;
    auto it = memo.find(key);
    if (it != memo.end()) {
      annotations_->Merge(it->second.added);
      return it->second.ok;
    }
    Annotations added;
    Annotations* outer = SwapAnnotations(&added);
    bool ok = EvalNode(n, value);
    SwapAnnotations(outer);
    outer->Merge(added);
    size_t bytes = sizeof(AnnotatedResult) + added.properties.size() * sizeof(std::string_view) +
                   added.items.size() * sizeof(size_t);
    if (annotation_memo_bytes_ + bytes <= kMaxAnnotationMemoBytes) {
      annotation_memo_bytes_ += bytes;
      memo.emplace(key, AnnotatedResult{ok, std::move(added)});
    }
    return ok;
  }

  bool EvalNode(const Node& n, const Value& value) {
    if (n.ref_only) {
      // A tail call without errors: chains of $ref take no stack.
      if (!Keeping()) return Eval(n.ref, value);
      SchemaStep step(*this, "$ref");
      return Eval(n.ref, value);
    }
    if (n.TracksAnnotations()) return unevaluated::EvalTracking(*this, n, value);
    return EvalKeywords(n, value);
  }

  const CompiledSchema& schema_;
  const ValidateOptions& options_;
  ErrorList* errors_;
  Annotations* annotations_ = nullptr;
  std::unordered_map<MemoKey, bool, MemoHash> fast_memo_, errors_memo_;
  struct AnnotatedResult {
    bool ok;
    Annotations added;
  };
  static constexpr size_t kMaxAnnotationMemoBytes = 64 << 20;
  std::unordered_map<MemoKey, AnnotatedResult, MemoHash> fast_annotated_memo_,
      errors_annotated_memo_;
  size_t annotation_memo_bytes_ = 0;
  // The resources the evaluation is in, outermost first (only when a dynamic
  // reference needs them).
  std::vector<uint32_t> dynamic_scope_;
  // Bytes of path, keyword and message in errors_->kept.
  size_t kept_bytes_ = 0;
  std::string path_;
  // Keeping the record path without errors, to say where a pattern gave up.
  bool locating_ = false;
  std::string schema_path_;
  uintptr_t stack_base_ = 0;
  uint32_t ticks_ = 0;
  size_t depth_ = 0;
};

// True when the record satisfies the schema. Stops at the first failure.
template <typename Value>
bool IsValidValue(const CompiledSchema& schema, const Value& record,
                  const ValidateOptions& options) {
  return Evaluator<Value>(schema, options, nullptr).Run(record);
}

// Every failure, in document order of the checks that found them: the first
// ones kept within the options' limits, the rest counted.
template <typename Value>
ErrorList ValueErrors(const CompiledSchema& schema, const Value& record,
                      const ValidateOptions& options) {
  ErrorList errors;
  Evaluator<Value>(schema, options, &errors).Run(record);
  return errors;
}

}  // namespace schemareg
