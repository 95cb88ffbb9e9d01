#include "core/json.hpp"

#include <algorithm>
#include <cmath>
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
  return type_ == JsonType::kNumber && std::isfinite(number_) && std::floor(number_) == number_;
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

bool JsonEqual(const Json& a, const Json& b) {
  return ValuesEqual(JsonRef(a), JsonRef(b), [] {});
}

size_t JsonHash(const Json& value) {
  return ValueHash(JsonRef(value), [] {});
}

namespace {

// Builds a Json tree from RapidJSON's SAX events, refusing nesting past max_depth.
class Builder {
 public:
  Builder(size_t max_depth, StopCheck should_stop)
      : max_depth_(max_depth), should_stop_(should_stop) {}

  bool Null() { return Add(Json()); }
  bool Bool(bool b) { return Add(Json::Bool(b)); }
  bool Int(int i) { return Add(Json::Number(i)); }
  bool Uint(unsigned u) { return Add(Json::Number(u)); }
  bool Int64(int64_t i) { return Add(Json::Number(static_cast<double>(i))); }
  bool Uint64(uint64_t u) { return Add(Json::Number(static_cast<double>(u))); }
  bool Double(double d) { return Add(Json::Number(d)); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool) {
    // Numbers arrive as text so that values beyond double's range still parse.
    std::string text(str, length);
    double d = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(d)) {
      out_of_range_ = true;
      bad_number_ = text;
      return false;
    }
    return Add(Json::Number(d));
  }
  bool String(const char* str, rapidjson::SizeType length, bool) {
    return Add(Json::String(std::string(str, length)));
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
  bool out_of_range() const { return out_of_range_; }
  const std::string& bad_number() const { return bad_number_; }
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
  bool depth_exceeded_ = false;
  bool interrupted_ = false;
  bool out_of_range_ = false;
  std::string bad_number_;
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

Json ParseJson(std::string_view text, size_t max_depth, size_t* depth, StopCheck should_stop) {
  Builder builder(max_depth, should_stop);
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(text.data(), text.size());
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                              rapidjson::kParseNumbersAsStringsFlag |
                              rapidjson::kParseValidateEncodingFlag;
  rapidjson::ParseResult result = reader.Parse<kFlags>(stream, builder);
  if (builder.interrupted()) throw Interrupted();
  if (depth != nullptr) *depth = builder.deepest();
  if (builder.depth_exceeded()) {
    throw Error(sqlstate::kProgramLimitExceeded,
                "JSON value is nested more than " + std::to_string(max_depth) + " levels deep", "",
                "Raise schemareg.max_depth, or flatten the document.");
  }
  // RapidJSON itself refuses some (1e400), strtod the others (2e308).
  if (builder.out_of_range() || result.Code() == rapidjson::kParseErrorNumberTooBig) {
    std::string which = builder.bad_number();
    if (!builder.out_of_range()) {
      // RapidJSON's offset is where the number starts.
      size_t end = text.find_first_not_of("0123456789+-.eE", result.Offset());
      which = std::string(
          text.substr(result.Offset(), std::min<size_t>(end, text.size()) - result.Offset()));
    }
    if (which.size() > 40) which = which.substr(0, 40) + "...";
    throw Error(sqlstate::kNumericValueOutOfRange,
                "JSON number " + which + " is too large for schemareg",
                "Numbers are compared as IEEE doubles, whose magnitude ends near 1.8e308.");
  }
  if (result.IsError()) {
    throw Error(sqlstate::kInvalidTextRepresentation,
                std::string("invalid JSON: ") + rapidjson::GetParseError_En(result.Code()) +
                    " at offset " + std::to_string(result.Offset()));
  }
  return builder.Take();
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
