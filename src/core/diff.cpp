#include "core/diff.hpp"

#include <algorithm>
#include <set>

#include "core/error.hpp"

namespace schemareg {

namespace {

// Keywords that only annotate: changing them changes no verdict.
bool IsAnnotation(const std::string& k) {
  static const std::set<std::string> kAnnotations = {
      "title",           "description",      "$comment",     "examples", "default",    "readOnly",
      "writeOnly",       "$schema",          "$id",          "id",       "deprecated", "$anchor",
      "contentEncoding", "contentMediaType", "contentSchema"};
  return kAnnotations.count(k) > 0;
}

// Keywords with an upper bound: a smaller value accepts less.
bool IsUpperBound(const std::string& k) {
  return k == "maximum" || k == "exclusiveMaximum" || k == "maxLength" || k == "maxItems" ||
         k == "maxProperties" || k == "maxContains";
}

bool IsLowerBound(const std::string& k) {
  return k == "minimum" || k == "exclusiveMinimum" || k == "minLength" || k == "minItems" ||
         k == "minProperties" || k == "minContains";
}

// Keywords that hold named subschemas (drafts 2019-09 and later add $defs and
// dependentSchemas).
bool IsSchemaMap(const std::string& k) {
  return k == "properties" || k == "definitions" || k == "$defs" || k == "patternProperties" ||
         k == "dependentSchemas";
}

// Names the required keyword, or those dependentRequired lists for one property.
std::set<std::string> NameSet(const Json* names) {
  std::set<std::string> out;
  if (names != nullptr && names->is_array()) {
    for (const Json& n : names->items()) out.insert(n.is_string() ? n.as_string() : "");
  }
  return out;
}

std::set<std::string> TypeSet(const Json* type) {
  std::set<std::string> out;
  if (type == nullptr) return {"*"};
  if (type->is_string()) out.insert(type->as_string());
  if (type->is_array()) {
    for (const Json& t : type->items()) {
      if (t.is_string()) out.insert(t.as_string());
    }
  }
  // "integer" is part of "number".
  if (out.count("number") > 0) out.erase("integer");
  return out;
}

bool Subset(const std::set<std::string>& a, const std::set<std::string>& b) {
  if (b.count("*") > 0) return true;
  if (a.count("*") > 0) return false;
  for (const std::string& t : a) {
    if (b.count(t) == 0 && !(t == "integer" && b.count("number") > 0)) return false;
  }
  return true;
}

// True when the value accepts anything ({} or true), as a missing keyword does.
bool AcceptsAnything(const Json* schema) {
  if (schema == nullptr) return true;
  if (schema->is_bool()) return schema->as_bool();
  if (!schema->is_object()) return false;
  return std::all_of(schema->members().begin(), schema->members().end(),
                     [](const Json::Member& m) { return IsAnnotation(m.first); });
}

class Comparer {
 public:
  explicit Comparer(size_t max_depth) : max_depth_(max_depth) {}

  std::vector<SchemaChange> Run(const Json& a, const Json& b) {
    Compare(a, b, "", 0);
    return std::move(changes_);
  }

 private:
  void Add(const std::string& path, std::string change, bool backward, bool forward) {
    changes_.push_back({path, std::move(change), backward, forward});
  }

  // A change that makes the schema accept more (widens) or less (narrows).
  void Widens(const std::string& path, std::string change) {
    Add(path, std::move(change), true, false);
  }
  void Narrows(const std::string& path, std::string change) {
    Add(path, std::move(change), false, true);
  }

  void Compare(const Json& a, const Json& b, const std::string& path, size_t depth) {
    if (depth > max_depth_) {
      throw Error(sqlstate::kProgramLimitExceeded, "schemas are nested too deeply to compare");
    }
    if (JsonEqual(a, b)) return;
    if (!a.is_object() || !b.is_object()) {
      // Boolean schemas, or a boolean against an object.
      bool a_all = AcceptsAnything(&a), b_all = AcceptsAnything(&b);
      if (a_all && !b_all) {
        Narrows(path, "schema restricted");
      } else if (!a_all && b_all) {
        Widens(path, "schema relaxed");
      } else {
        Add(path, "schema replaced", false, false);
      }
      return;
    }
    std::set<std::string> keys;
    for (const Json::Member& m : a.members()) keys.insert(m.first);
    for (const Json::Member& m : b.members()) keys.insert(m.first);
    bool annotations_only = true;
    for (const std::string& k : keys) {
      // Whether each object is closed to properties it does not name
      // (set per keyword: the recursion below changes it).
      old_closed_ = Closed(a);
      new_closed_ = Closed(b);
      a_ = &a;
      b_ = &b;
      const Json* x = a.Find(k);
      const Json* y = b.Find(k);
      if (x != nullptr && y != nullptr && JsonEqual(*x, *y)) continue;
      if (IsAnnotation(k)) continue;
      annotations_only = false;
      CompareKeyword(k, x, y, path, depth);
    }
    if (annotations_only) Add(path, "annotations changed", true, true);
  }

  void CompareKeyword(const std::string& k, const Json* x, const Json* y, const std::string& path,
                      size_t depth) {
    std::string at = path;
    AppendPointerToken(at, k);
    if (IsSchemaMap(k)) {
      CompareMap(k, x, y, at, depth);
    } else if (k == "required") {
      CompareNames("required", NameSet(x), NameSet(y), at);
    } else if (k == "dependentRequired") {
      // Per property: the names it requires, as "required" does.
      static const Json kEmpty = Json::Object();
      const Json& old_map = x != nullptr && x->is_object() ? *x : kEmpty;
      const Json& new_map = y != nullptr && y->is_object() ? *y : kEmpty;
      std::set<std::string> names;
      for (const Json::Member& m : old_map.members()) names.insert(m.first);
      for (const Json::Member& m : new_map.members()) names.insert(m.first);
      for (const std::string& name : names) {
        std::string child = at;
        AppendPointerToken(child, name);
        CompareNames("dependentRequired", NameSet(old_map.Find(name)), NameSet(new_map.Find(name)),
                     child);
      }
    } else if (k == "prefixItems") {
      ComparePrefixItems(a_, b_, x, y, at, depth);
    } else if (k == "type") {
      std::set<std::string> old_types = TypeSet(x), new_types = TypeSet(y);
      bool wider = Subset(old_types, new_types), narrower = Subset(new_types, old_types);
      if (wider && !narrower)
        Widens(at, "type widened");
      else if (narrower && !wider)
        Narrows(at, "type narrowed");
      else
        Add(at, "type changed", false, false);
    } else if (k == "enum") {
      if (x == nullptr) return Narrows(at, "enum added");
      if (y == nullptr) return Widens(at, "enum removed");
      auto contains_all = [](const Json& big, const Json& small) {
        return std::all_of(small.items().begin(), small.items().end(), [&](const Json& v) {
          return std::any_of(big.items().begin(), big.items().end(),
                             [&](const Json& w) { return JsonEqual(v, w); });
        });
      };
      bool extended = y->is_array() && x->is_array() && contains_all(*y, *x);
      bool reduced = y->is_array() && x->is_array() && contains_all(*x, *y);
      if (extended && !reduced)
        Widens(at, "enum extended");
      else if (reduced && !extended)
        Narrows(at, "enum reduced");
      else
        Add(at, "enum changed", false, false);
    } else if (IsUpperBound(k) || IsLowerBound(k)) {
      bool upper = IsUpperBound(k);
      if (x == nullptr) return Narrows(at, k + " added");
      if (y == nullptr) return Widens(at, k + " removed");
      if (!x->is_number() || !y->is_number()) return Add(at, k + " changed", false, false);
      // Exactly: beyond double's range two different bounds are both inf.
      int order = CompareDecimals(y->as_decimal(), x->as_decimal());
      bool tighter = upper ? order < 0 : order > 0;
      if (tighter)
        Narrows(at, k + " tightened");
      else
        Widens(at, k + " relaxed");
    } else if (k == "pattern" || k == "format" || k == "const" || k == "multipleOf" ||
               k == "uniqueItems" || k == "contains" || k == "propertyNames" || k == "not" ||
               k == "dependencies" || k == "if" || k == "then" || k == "else") {
      if (x == nullptr)
        Narrows(at, k + " added");
      else if (y == nullptr)
        Widens(at, k + " removed");
      else
        Add(at, k + " changed", false, false);
    } else if (k == "additionalProperties" || k == "additionalItems" || k == "items" ||
               k == "unevaluatedProperties" || k == "unevaluatedItems") {
      bool x_all = AcceptsAnything(x), y_all = AcceptsAnything(y);
      bool x_none = x != nullptr && x->is_bool() && !x->as_bool();
      bool y_none = y != nullptr && y->is_bool() && !y->as_bool();
      if (x != nullptr && y != nullptr && x->is_object() && y->is_object()) {
        Compare(*x, *y, at, depth + 1);
      } else if (x_none && !y_none) {
        Widens(at, k + " opened");
      } else if (y_none && !x_none) {
        Narrows(at, k + " closed");
      } else if (x_all && !y_all) {
        Narrows(at, k + " restricted");
      } else if (y_all && !x_all) {
        Widens(at, k + " relaxed");
      } else {
        Add(at, k + " changed", false, false);
      }
    } else {
      // allOf, anyOf, oneOf, $ref, $dynamicRef and unknown keywords: not classified.
      Add(at, k + " changed", false, false);
    }
  }

  // Closed to properties it does not name: additionalProperties or
  // unevaluatedProperties false.
  static bool Closed(const Json& schema) {
    for (const char* k : {"additionalProperties", "unevaluatedProperties"}) {
      const Json* extra = schema.Find(k);
      if (extra != nullptr && extra->is_bool() && !extra->as_bool()) return true;
    }
    return false;
  }

  // Names added to a list of required names narrow; removed ones widen.
  void CompareNames(const std::string& keyword, const std::set<std::string>& old_names,
                    const std::set<std::string>& new_names, const std::string& at) {
    for (const std::string& n : new_names) {
      if (old_names.count(n) == 0) Narrows(at, keyword + " \"" + n + "\" added");
    }
    for (const std::string& n : old_names) {
      if (new_names.count(n) == 0) Widens(at, keyword + " \"" + n + "\" removed");
    }
  }

  // Positional schemas (2020-12): common positions recurse; one added where
  // the items after the positions were refused (items false) widens, one
  // that constrains an open position narrows; removed ones the other way.
  void ComparePrefixItems(const Json* a, const Json* b, const Json* x, const Json* y,
                          const std::string& at, size_t depth) {
    auto rest_closed = [](const Json* schema) {
      const Json* items = schema != nullptr ? schema->Find("items") : nullptr;
      return items != nullptr && items->is_bool() && !items->as_bool();
    };
    size_t old_n = x != nullptr && x->is_array() ? x->items().size() : 0;
    size_t new_n = y != nullptr && y->is_array() ? y->items().size() : 0;
    for (size_t i = 0; i < std::max(old_n, new_n); i++) {
      std::string child = at + "/" + std::to_string(i);
      if (i < old_n && i < new_n) {
        Compare(x->items()[i], y->items()[i], child, depth + 1);
      } else if (i < new_n) {
        const Json* added = &y->items()[i];
        if (rest_closed(a))
          Widens(child, "prefix item " + std::to_string(i) + " added");
        else if (AcceptsAnything(added))
          Add(child, "prefix item added", true, true);
        else
          Narrows(child, "prefix item " + std::to_string(i) + " added");
      } else {
        const Json* removed = &x->items()[i];
        if (rest_closed(b))
          Narrows(child, "prefix item " + std::to_string(i) + " removed");
        else if (AcceptsAnything(removed))
          Add(child, "prefix item removed", true, true);
        else
          Widens(child, "prefix item " + std::to_string(i) + " removed");
      }
    }
  }

  // Named subschemas. A new property narrows an open object (its values are
  // now constrained) and widens a closed one (it was not allowed at all); a
  // removed one the other way round; common ones recurse.
  void CompareMap(const std::string& k, const Json* x, const Json* y, const std::string& at,
                  size_t depth) {
    bool old_closed = old_closed_, new_closed = new_closed_;
    static const Json kEmpty = Json::Object();
    const Json& old_map = x != nullptr && x->is_object() ? *x : kEmpty;
    const Json& new_map = y != nullptr && y->is_object() ? *y : kEmpty;
    bool definitions = k == "definitions" || k == "$defs";
    std::string what = k == "properties"         ? "property"
                       : definitions             ? "definition"
                       : k == "dependentSchemas" ? "dependent schema"
                                                 : "pattern property";
    for (const Json::Member& m : new_map.members()) {
      std::string child = at;
      AppendPointerToken(child, m.first);
      const Json* before = old_map.Find(m.first);
      if (before != nullptr) {
        Compare(*before, m.second, child, depth + 1);
      } else if (definitions || (!old_closed && AcceptsAnything(&m.second))) {
        Add(child, what + " \"" + m.first + "\" added", true, true);
      } else if (old_closed && k == "properties") {
        Widens(child, what + " \"" + m.first + "\" added");
      } else {
        Narrows(child, what + " \"" + m.first + "\" added");
      }
    }
    for (const Json::Member& m : old_map.members()) {
      if (new_map.Find(m.first) != nullptr) continue;
      std::string child = at;
      AppendPointerToken(child, m.first);
      if (definitions || (!new_closed && AcceptsAnything(&m.second))) {
        Add(child, what + " \"" + m.first + "\" removed", true, true);
      } else if (new_closed && k == "properties") {
        Narrows(child, what + " \"" + m.first + "\" removed");
      } else {
        Widens(child, what + " \"" + m.first + "\" removed");
      }
    }
  }

  size_t max_depth_;
  bool old_closed_ = false;
  bool new_closed_ = false;
  const Json* a_ = nullptr;  // the schemas whose keywords are being compared
  const Json* b_ = nullptr;
  std::vector<SchemaChange> changes_;
};

}  // namespace

std::vector<SchemaChange> CompareSchemas(const Json& old_schema, const Json& new_schema,
                                         size_t max_depth) {
  return Comparer(max_depth).Run(old_schema, new_schema);
}

}  // namespace schemareg
