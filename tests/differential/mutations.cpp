#include "mutations.hpp"

#include <functional>
#include <random>
#include <set>
#include <utility>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json.hpp"

namespace differential {

namespace {

using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

// Changes one value of a copy of the record, in place.
using Edit = std::function<void(Value&, Allocator&)>;

// A possible mutation: the value it changes (each step the index of an item,
// or of a member in document order) and how.
struct Candidate {
  std::vector<size_t> path;
  std::string description;
  Edit edit;
};

// Moves a number by `delta`, as an integer when it is one (1.0 stays a double).
void Shift(Value& v, double delta) {
  auto step = static_cast<int64_t>(delta);
  if (v.IsInt64() && step == delta && v.GetInt64() > INT64_MIN + 1 &&
      v.GetInt64() < INT64_MAX - 1) {
    v.SetInt64(v.GetInt64() + step);
  } else {
    v.SetDouble(v.GetDouble() + delta);
  }
}

void Append(Value& v, std::string_view tail, Allocator& a) {
  std::string s(v.GetString(), v.GetStringLength());
  s += tail;
  v.SetString(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

// Every candidate mutation of a record, in document order.
class Collector {
 public:
  explicit Collector(std::vector<Candidate>* out) : out_(out) {}

  void Walk(const Value& v) {
    AddEdits(v);
    if (v.IsArray()) {
      for (rapidjson::SizeType i = 0; i < v.Size(); i++) {
        Descend(std::to_string(i), i, v[i]);
      }
    } else if (v.IsObject()) {
      size_t k = 0;
      for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m, ++k) {
        Descend(std::string_view(m->name.GetString(), m->name.GetStringLength()), k, m->value);
      }
    }
  }

 private:
  void Descend(std::string_view token, size_t index, const Value& child) {
    size_t length = pointer_.size();
    schemareg::AppendPointerToken(pointer_, token);
    path_.push_back(index);
    Walk(child);
    path_.pop_back();
    pointer_.resize(length);
  }

  void Add(const std::string& what, Edit edit) {
    out_->push_back(
        {path_, (pointer_.empty() ? "(root)" : pointer_) + ": " + what, std::move(edit)});
  }

  void AddEdits(const Value& v) {
    if (v.IsNull()) {
      Add("null->0", [](Value& x, Allocator&) { x.SetInt(0); });
      Add("null->\"\"", [](Value& x, Allocator& a) { x.SetString("", a); });
      return;
    }
    Add("->null", [](Value& x, Allocator&) { x.SetNull(); });
    if (v.IsBool()) {
      Add("flip boolean", [](Value& x, Allocator&) { x.SetBool(!x.GetBool()); });
      Add("boolean->string", [](Value& x, Allocator& a) { x.SetString(ToText(x).c_str(), a); });
    } else if (v.IsNumber()) {
      Add("number+1", [](Value& x, Allocator&) { Shift(x, 1); });
      Add("number-1", [](Value& x, Allocator&) { Shift(x, -1); });
      Add("number+0.5", [](Value& x, Allocator&) { Shift(x, 0.5); });
      Add("number->string", [](Value& x, Allocator& a) { x.SetString(ToText(x).c_str(), a); });
    } else if (v.IsString()) {
      if (v.GetStringLength() > 0) {
        Add("empty string", [](Value& x, Allocator& a) { x.SetString("", a); });
      }
      Add("append \"x\"", [](Value& x, Allocator& a) { Append(x, "x", a); });
      // Outside the BMP: one code point, four bytes of UTF-8, two UTF-16 units.
      Add("append U+1F600", [](Value& x, Allocator& a) { Append(x, "\xF0\x9F\x98\x80", a); });
      Add("string->number", [](Value& x, Allocator&) { x.SetInt(1); });
    } else if (v.IsArray()) {
      if (!v.Empty()) {
        Add("drop the first item", [](Value& x, Allocator&) { x.Erase(x.Begin()); });
        Add("append a copy of the last item", [](Value& x, Allocator& a) {
          Value copy(x[x.Size() - 1], a);
          x.PushBack(copy, a);
        });
      }
      if (v.Size() > 1) Add("drop the last item", [](Value& x, Allocator&) { x.PopBack(); });
      Add("append null", [](Value& x, Allocator& a) { x.PushBack(Value(), a); });
      Add("array->object", [](Value& x, Allocator&) { x.SetObject(); });
    } else if (v.IsObject()) {
      size_t k = 0;
      for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m, ++k) {
        Add("drop member \"" + std::string(m->name.GetString(), m->name.GetStringLength()) + "\"",
            [k](Value& x, Allocator&) { x.EraseMember(x.MemberBegin() + k); });
      }
      if (!v.ObjectEmpty()) {
        // A near name: patternProperties and propertyNames may treat it otherwise.
        const Value& first = v.MemberBegin()->name;
        std::string name = std::string(first.GetString(), first.GetStringLength()) + "x";
        if (!v.HasMember(Value(rapidjson::StringRef(name.data(), name.size())))) {
          Add("copy the first member as \"" + name + "\"", [name](Value& x, Allocator& a) {
            Value key(name.data(), static_cast<rapidjson::SizeType>(name.size()), a);
            Value copy(x.MemberBegin()->value, a);
            x.AddMember(key, copy, a);
          });
        }
      }
      if (!v.HasMember("extra")) {
        Add("add member \"extra\": 1",
            [](Value& x, Allocator& a) { x.AddMember("extra", Value(1), a); });
      }
      Add("object->array", [](Value& x, Allocator&) { x.SetArray(); });
    }
  }

  std::vector<Candidate>* out_;
  std::vector<size_t> path_;
  std::string pointer_;
};

}  // namespace

std::string ToText(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::vector<Mutant> Mutate(const rapidjson::Value& record, uint64_t seed, size_t limit) {
  std::vector<Candidate> candidates;
  Collector(&candidates).Walk(record);
  // Fisher-Yates by hand: std::shuffle's algorithm is the library's choice,
  // mt19937_64's sequence is fixed by the standard.
  std::mt19937_64 rng(seed);
  for (size_t i = candidates.size(); i > 1; i--) {
    std::swap(candidates[i - 1], candidates[rng() % i]);
  }
  std::vector<Mutant> out;
  std::set<std::string> seen{ToText(record)};
  for (const Candidate& c : candidates) {
    if (out.size() >= limit) break;
    rapidjson::Document copy;
    copy.CopyFrom(record, copy.GetAllocator());
    Value* node = &copy;
    for (size_t step : c.path) {
      node = node->IsArray() ? &(*node)[static_cast<rapidjson::SizeType>(step)]
                             : &(node->MemberBegin() + step)->value;
    }
    c.edit(*node, copy.GetAllocator());
    std::string text = ToText(copy);
    if (seen.insert(text).second) out.push_back({c.description, std::move(text)});
  }
  return out;
}

}  // namespace differential
