#include "core/json.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <string_view>
#include <unordered_map>

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

const Json* Json::Find(std::string_view key) const {
  for (const Member& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

void Json::Set(std::string key, Json value) {
  for (Member& m : members_) {
    if (m.first == key) {
      m.second = std::move(value);
      return;
    }
  }
  members_.emplace_back(std::move(key), std::move(value));
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
    std::string key;  // the key under which this value goes into its parent
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
      stack_.back().value.members().emplace_back(std::move(key_), std::move(value));
      key_.clear();
    }
    return true;
  }

  // Keeps the last value of each duplicated key, as jsonb does.
  static void Deduplicate(std::vector<Json::Member>& members) {
    if (members.size() < 2) return;
    std::unordered_map<std::string_view, size_t> first;
    first.reserve(members.size());
    bool duplicates = false;
    for (size_t i = 0; i < members.size(); i++) {
      auto [it, inserted] = first.emplace(members[i].first, i);
      if (!inserted) {
        members[it->second].second = std::move(members[i].second);
        duplicates = true;
      }
    }
    if (!duplicates) return;
    // Decide before moving anything: the map's views point into the keys.
    std::vector<bool> keep(members.size());
    for (size_t i = 0; i < members.size(); i++) keep[i] = first.at(members[i].first) == i;
    std::vector<Json::Member> unique;
    unique.reserve(first.size());
    for (size_t i = 0; i < members.size(); i++) {
      if (keep[i]) unique.push_back(std::move(members[i]));
    }
    members = std::move(unique);
  }

  bool Open(Json container) {
    if (stack_.size() >= max_depth_) {
      depth_exceeded_ = true;
      return false;
    }
    stack_.push_back(Frame{std::move(container), std::move(key_)});
    if (stack_.size() > deepest_) deepest_ = stack_.size();
    key_.clear();
    return true;
  }

  bool Close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.value.is_object()) Deduplicate(frame.value.members());
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
