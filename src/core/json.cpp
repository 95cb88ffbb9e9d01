#include "core/json.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <string_view>

#include "core/error.hpp"
#include "core/evaluator.hpp"
#include "core/rapidjson.hpp"

namespace schemareg {

Json Json::Bool(bool b) {
  Json j;
  j.type_ = JsonType::kBool;
  j.bool_ = b;
  return j;
}

Json Json::Number(double d) {
  Json j;
  j.type_ = JsonType::kNumber;
  j.number_ = d;
  return j;
}

Json Json::Number(double d, std::string_view text) {
  Json j = Number(d);
  if (!Decimal::FromJson(text).IsShort()) j.number_text_ = std::string(text);
  return j;
}

Decimal Json::as_decimal() const {
  if (!number_text_.empty()) return Decimal::FromJson(number_text_);
  std::string text;
  AppendJsonNumber(text, number_);
  return Decimal::FromJson(text);
}

Json Json::String(std::string s) {
  Json j;
  j.type_ = JsonType::kString;
  j.string_ = std::move(s);
  return j;
}

Json Json::Array() {
  Json j;
  j.type_ = JsonType::kArray;
  return j;
}

Json Json::Object() {
  Json j;
  j.type_ = JsonType::kObject;
  return j;
}

bool Json::is_integer() const {
  if (type_ != JsonType::kNumber) return false;
  if (!number_text_.empty()) return as_decimal().IsIntegral();
  return std::isfinite(number_) && std::floor(number_) == number_;
}

namespace {

// Whether two of the members share a key: a scan for the few members of an
// unindexed object.
bool HasDuplicateKeys(const std::vector<Json::Member>& members) {
  for (size_t i = 1; i < members.size(); i++) {
    for (size_t j = 0; j < i; j++) {
      if (members[i].first == members[j].first) return true;
    }
  }
  return false;
}

// The positions of the members ordered by key, then by position. A sort, not
// a hash table: keys chosen to collide cannot make it quadratic.
std::vector<uint32_t> SortedPositions(const std::vector<Json::Member>& members) {
  // Sorting the keys' views beside their positions, not positions alone,
  // keeps the comparisons off the members.
  std::vector<std::pair<std::string_view, uint32_t>> keys(members.size());
  for (size_t i = 0; i < keys.size(); i++) keys[i] = {members[i].first, static_cast<uint32_t>(i)};
  std::sort(keys.begin(), keys.end());
  std::vector<uint32_t> order(keys.size());
  for (size_t i = 0; i < keys.size(); i++) order[i] = keys[i].second;
  return order;
}

}  // namespace

Json Json::Object(std::vector<Member> members) {
  Json j = Object();
  bool large = members.size() > kIndexedObjectMembers;
  if (!large && !HasDuplicateKeys(members)) {
    j.members_ = std::move(members);
    return j;
  }
  std::vector<uint32_t> order = SortedPositions(members);
  // Each run of one key: its first place takes its last value; the rest go.
  std::vector<bool> keep(members.size(), true);
  bool duplicates = false;
  for (size_t start = 0, end; start < order.size(); start = end) {
    for (end = start + 1;
         end < order.size() && members[order[end]].first == members[order[start]].first; end++) {
      keep[order[end]] = false;
    }
    if (end - start > 1) {
      members[order[start]].second = std::move(members[order[end - 1]].second);
      duplicates = true;
    }
  }
  if (duplicates) {
    std::vector<uint32_t> moved_to(members.size());
    std::vector<Member> unique;
    for (size_t i = 0; i < members.size(); i++) {
      if (!keep[i]) continue;
      moved_to[i] = static_cast<uint32_t>(unique.size());
      unique.push_back(std::move(members[i]));
    }
    std::vector<uint32_t> kept_order;
    kept_order.reserve(unique.size());
    for (uint32_t position : order) {
      if (keep[position]) kept_order.push_back(moved_to[position]);
    }
    members = std::move(unique);
    order = std::move(kept_order);
  }
  j.members_ = std::move(members);
  if (j.members_.size() > kIndexedObjectMembers) {
    j.index_ = std::make_shared<const std::vector<uint32_t>>(std::move(order));
  }
  return j;
}

void Json::BuildIndex() {
  index_ = std::make_shared<const std::vector<uint32_t>>(SortedPositions(members_));
}

// The first place in the index whose key is not less than `key`.
size_t Json::LowerBound(std::string_view key) const {
  auto it = std::lower_bound(index_->begin(), index_->end(), key,
                             [this](uint32_t position, std::string_view k) {
                               return std::string_view(members_[position].first) < k;
                             });
  return static_cast<size_t>(it - index_->begin());
}

size_t Json::MemberPosition(std::string_view key) const {
  if (index_ != nullptr) {
    size_t at = LowerBound(key);
    return at < index_->size() && members_[(*index_)[at]].first == key ? (*index_)[at]
                                                                       : members_.size();
  }
  for (size_t i = 0; i < members_.size(); i++) {
    if (members_[i].first == key) return i;
  }
  return members_.size();
}

const Json* Json::Find(std::string_view key) const {
  if (index_ != nullptr) {
    size_t at = LowerBound(key);
    if (at == index_->size()) return nullptr;
    const Member& m = members_[(*index_)[at]];
    return m.first == key ? &m.second : nullptr;
  }
  for (const Member& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

void Json::Set(std::string key, Json value) {
  size_t position = MemberPosition(key);
  if (position < members_.size()) {
    members_[position].second = std::move(value);
    return;
  }
  members_.emplace_back(std::move(key), std::move(value));
  if (index_ != nullptr) {
    // Copied, not changed in place: copies of this value share the index.
    auto index = std::make_shared<std::vector<uint32_t>>(*index_);
    index->insert(index->begin() + static_cast<std::ptrdiff_t>(LowerBound(members_.back().first)),
                  static_cast<uint32_t>(members_.size() - 1));
    index_ = std::move(index);
  } else if (members_.size() > kIndexedObjectMembers) {
    BuildIndex();
  }
}

size_t MixMember(size_t name, size_t value) {
  static const uint64_t seed = std::random_device()() * 0x9e3779b97f4a7c15ULL + 1;
  uint64_t x = (name ^ seed) * 0xbf58476d1ce4e5b9ULL + value;
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<size_t>(x);
}

bool JsonEqual(const Json& a, const Json& b) {
  return ValuesEqual(JsonRef(a), JsonRef(b), [] {});
}

size_t JsonHash(const Json& value) {
  return ValueHash(JsonRef(value), [] {});
}

namespace {

// RapidJSON refuses a number beyond double's range (1e400, or 400 digits).
// Such a number is handed to the Builder as a string that starts with this
// marker (a control character JSON text must escape), in a text that has no
// "schemareg-number:" of its own.
constexpr std::string_view kNumberMarker = "\x01schemareg-number:";

// Builds a Json tree from RapidJSON's SAX events, refusing nesting past max_depth.
class Builder {
 public:
  Builder(size_t max_depth, StopCheck should_stop, bool marked_numbers)
      : max_depth_(max_depth), should_stop_(should_stop), marked_numbers_(marked_numbers) {}

  bool Null() { return Add(Json()); }
  bool Bool(bool b) { return Add(Json::Bool(b)); }
  bool Int(int i) { return Add(Json::Number(i)); }
  bool Uint(unsigned u) { return Add(Json::Number(u)); }
  bool Int64(int64_t i) { return Add(Json::Number(static_cast<double>(i))); }
  bool Uint64(uint64_t u) { return Add(Json::Number(static_cast<double>(u))); }
  bool Double(double d) { return Add(Json::Number(d)); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool) {
    // Numbers arrive as text: beyond double's range they are +-inf, and
    // their text keeps them exact.
    std::string text(str, length);
    double d = std::strtod(text.c_str(), nullptr);
    return Add(Json::Number(d, text));
  }
  bool String(const char* str, rapidjson::SizeType length, bool) {
    std::string_view value(str, length);
    if (marked_numbers_ && value.substr(0, kNumberMarker.size()) == kNumberMarker) {
      return RawNumber(str + kNumberMarker.size(),
                       static_cast<rapidjson::SizeType>(length - kNumberMarker.size()), false);
    }
    return Add(Json::String(std::string(value)));
  }
  bool StartObject() { return Open(Json::Object()); }
  bool Key(const char* str, rapidjson::SizeType length, bool) {
    key_.assign(str, length);
    return true;
  }
  bool EndObject(rapidjson::SizeType) { return Close(); }
  bool StartArray() { return Open(Json::Array()); }
  bool EndArray(rapidjson::SizeType) { return Close(); }

  bool depth_exceeded() const { return depth_exceeded_; }
  bool interrupted() const { return interrupted_; }
  size_t deepest() const { return deepest_; }
  Json Take() { return std::move(root_); }

 private:
  struct Frame {
    Json value;
    std::vector<Json::Member> members;  // an object's, until it closes
    std::string key;                    // the key under which this value goes into its parent
  };

  bool Add(Json value) {
    if (should_stop_ != nullptr && ++values_ % 4096 == 0 && should_stop_()) {
      interrupted_ = true;
      return false;
    }
    if (stack_.empty()) {
      root_ = std::move(value);
    } else if (stack_.back().value.is_array()) {
      stack_.back().value.items().push_back(std::move(value));
    } else {
      // Duplicates are resolved once the object closes: Set() would make
      // building an object of n members O(n^2).
      stack_.back().members.emplace_back(std::move(key_), std::move(value));
      key_.clear();
    }
    return true;
  }

  bool Open(Json container) {
    if (stack_.size() >= max_depth_) {
      depth_exceeded_ = true;
      return false;
    }
    stack_.push_back(Frame{std::move(container), {}, std::move(key_)});
    if (stack_.size() > deepest_) deepest_ = stack_.size();
    key_.clear();
    return true;
  }

  bool Close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.value.is_object()) frame.value = Json::Object(std::move(frame.members));
    key_ = std::move(frame.key);
    return Add(std::move(frame.value));
  }

  size_t max_depth_;
  StopCheck should_stop_;
  bool marked_numbers_;  // strings starting with kNumberMarker are numbers
  bool depth_exceeded_ = false;
  bool interrupted_ = false;
  size_t deepest_ = 0;
  size_t values_ = 0;
  std::vector<Frame> stack_;
  std::string key_;
  Json root_;
};

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void AppendJsonNumber(std::string& out, double d) {
  char buf[32];
  if (!std::isfinite(d)) {
    // Beyond double's range: the nearest number JSON text can carry.
    d = d > 0 ? std::numeric_limits<double>::max() : std::numeric_limits<double>::lowest();
  }
  if (std::floor(d) == d && std::fabs(d) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", d);
  } else {
    // The shortest of 15 or 17 digits that reads back as the same double.
    std::snprintf(buf, sizeof buf, "%.15g", d);
    if (std::strtod(buf, nullptr) != d) std::snprintf(buf, sizeof buf, "%.17g", d);
  }
  out += buf;
}

namespace {

// Rewrites the number at `offset` as a string marked kNumberMarker.
void MarkNumber(std::string& text, size_t offset) {
  size_t end = text.find_first_not_of("0123456789+-.eE", offset);
  if (end == std::string::npos) end = text.size();
  std::string number = text.substr(offset, end - offset);
  text.replace(offset, end - offset, "\"\\u0001schemareg-number:" + number + "\"");
}

}  // namespace

Json ParseJson(std::string_view text, size_t max_depth, size_t* depth, StopCheck should_stop) {
  std::string rewritten;  // the text, once a number had to be written out
  for (int attempt = 0;; attempt++) {
    std::string_view input = rewritten.empty() ? text : std::string_view(rewritten);
    Builder builder(max_depth, should_stop, !rewritten.empty());
    rapidjson::Reader reader;
    rapidjson::MemoryStream stream(input.data(), input.size());
    constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                                rapidjson::kParseNumbersAsStringsFlag |
                                rapidjson::kParseValidateEncodingFlag;
    rapidjson::ParseResult result = reader.Parse<kFlags>(stream, builder);
    if (builder.interrupted()) throw Interrupted();
    if (depth != nullptr) *depth = builder.deepest();
    if (builder.depth_exceeded()) {
      throw Error(sqlstate::kProgramLimitExceeded,
                  "JSON value is nested more than " + std::to_string(max_depth) + " levels deep",
                  "", "Raise schemareg.max_depth, or flatten the document.");
    }
    if (result.Code() == rapidjson::kParseErrorNumberTooBig) {
      if (rewritten.empty()) rewritten = std::string(text);
      if (attempt < 1000 && text.find("schemareg-number:") == std::string_view::npos) {
        MarkNumber(rewritten, result.Offset());
        continue;
      }
      size_t end = rewritten.find_first_not_of("0123456789+-.eE", result.Offset());
      std::string which = rewritten.substr(
          result.Offset(), std::min<size_t>(end, rewritten.size()) - result.Offset());
      throw Error(sqlstate::kProgramLimitExceeded,
                  "JSON number " + TruncateUtf8(which, 40) + " is too large for schemareg",
                  "A document may hold 1,000 numbers beyond 1e308 at most.");
    }
    if (result.IsError()) {
      throw Error(sqlstate::kInvalidTextRepresentation,
                  std::string("invalid JSON: ") + rapidjson::GetParseError_En(result.Code()) +
                      " at offset " + std::to_string(result.Offset()));
    }
    return builder.Take();
  }
}

std::string ToJsonText(const Json& value, size_t max_chars) {
  std::string out;
  AppendValueText(JsonRef(value), out, max_chars);
  return out.size() > max_chars ? TruncateUtf8(out, max_chars) : out;
}

std::string TruncateUtf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) cut--;
  return std::string(s.substr(0, cut)) + "...";
}

void AppendPointerToken(std::string& pointer, std::string_view token) {
  pointer += '/';
  for (char c : token) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer += c;
    }
  }
}

}  // namespace schemareg
