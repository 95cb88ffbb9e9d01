#include "core/regex_translate.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"

namespace schemareg {
namespace {

constexpr char32_t kMaxCodePoint = 0x10FFFF;
// RE2's limits. It would read a{1000000000} as a literal '{', so bigger
// counts are rejected here; deeper nesting is refused before RE2 sees it
// (PCRE2 refuses more than 250 nested groups itself, at compile time).
constexpr uint64_t kMaxCount = 1000;
constexpr size_t kMaxDepth = 1000;

// ECMA '.' excludes the line terminators only; RE2's '.' excludes just \n,
// PCRE2's the newline of its convention: both get this class.
constexpr const char* kDot = "[^\\n\\r\\x{2028}\\x{2029}]";
// ECMA [^] and [] (RE2 has no empty class syntax).
constexpr const char* kAnything = "[\\x{0}-\\x{10ffff}]";
constexpr const char* kNothing = "[^\\x{0}-\\x{10ffff}]";
// RE2 and PCRE2 metacharacters that a literal ASCII character must escape (in
// or out of [...]; '[' escaped also keeps PCRE2 from reading "[:alpha:]").
constexpr const char* kMeta = "\\.+*?()|[]{}^$-";

struct Range {
  char32_t lo;
  char32_t hi;
};

// ECMA-262 WhiteSpace plus LineTerminator: the Unicode set \s matches.
constexpr Range kSpace[] = {{0x09, 0x0D},     {0x20, 0x20},     {0xA0, 0xA0},     {0x1680, 0x1680},
                            {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F},
                            {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
constexpr Range kAscii[] = {{0x00, 0x7F}};
// ECMA \d and \w (without the i flag): ASCII only.
constexpr Range kDigit[] = {{'0', '9'}};
constexpr Range kWord[] = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
constexpr Range kAny[] = {{0x00, kMaxCodePoint}};

// ECMA General_Category names and aliases, each " Name:RE2Name". LC and Cn
// are absent: RE2 has no tables for them.
constexpr const char* kCategories =
    " Close_Punctuation:Pe Connector_Punctuation:Pc Control:Cc cntrl:Cc Currency_Symbol:Sc"
    " Dash_Punctuation:Pd Decimal_Number:Nd digit:Nd Enclosing_Mark:Me Final_Punctuation:Pf"
    " Format:Cf Initial_Punctuation:Pi Letter:L Letter_Number:Nl Line_Separator:Zl"
    " Lowercase_Letter:Ll Mark:M Combining_Mark:M Math_Symbol:Sm Modifier_Letter:Lm"
    " Modifier_Symbol:Sk Nonspacing_Mark:Mn Number:N Open_Punctuation:Ps Other:C Other_Letter:Lo"
    " Other_Number:No Other_Punctuation:Po Other_Symbol:So Paragraph_Separator:Zp Private_Use:Co"
    " Punctuation:P punct:P Separator:Z Space_Separator:Zs Spacing_Mark:Mc Surrogate:Cs Symbol:S"
    " Titlecase_Letter:Lt Uppercase_Letter:Lu ";

// The RE2 name of a General_Category given by long name, alias or short name.
std::string CategoryName(const std::string& value) {
  std::string_view table = kCategories;
  if (value.empty() || value.find_first_of(" :") != std::string::npos) return {};
  if (size_t at = table.find(" " + value + ":"); at != std::string_view::npos) {
    size_t begin = at + value.size() + 2;
    return std::string(table.substr(begin, table.find(' ', begin) - begin));
  }
  return table.find(":" + value + " ") != std::string_view::npos ? value : std::string();
}

bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char32_t c) { return IsDigit(c) || IsAlpha(c); }
bool IsSurrogate(char32_t c) { return c >= 0xD800 && c <= 0xDFFF; }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Hex(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "\\x{%x}", static_cast<unsigned>(c));
  return buf;
}

void AppendUtf8(std::string* out, char32_t c) {
  int extra = c < 0x80 ? 0 : c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
  *out += static_cast<char>(extra == 0 ? c : (0xFF << (7 - extra)) | (c >> (6 * extra)));
  for (int i = extra - 1; i >= 0; --i) *out += static_cast<char>(0x80 | ((c >> (6 * i)) & 0x3F));
}

// Class-body text for the ranges, or for their complement in [0, 10FFFF].
std::string RangesBody(const Range* ranges, size_t n, bool complement) {
  std::string out;
  auto emit = [&out](char32_t lo, char32_t hi) {
    out += Hex(lo) + (hi != lo ? "-" + Hex(hi) : "");
  };
  char32_t next = 0;  // the first code point not yet covered
  for (size_t i = 0; i < n; ++i) {
    if (!complement) emit(ranges[i].lo, ranges[i].hi);
    if (complement && ranges[i].lo > next) emit(next, ranges[i].lo - 1);
    next = ranges[i].hi + 1;
  }
  if (complement && next <= kMaxCodePoint) emit(next, kMaxCodePoint);
  return out;
}

// Whether c is one of the ASCII characters in chars (strchr alone would
// truncate c and match the terminator).
bool OneOf(const char* chars, char32_t c) {
  return c != 0 && c < 0x80 && std::strchr(chars, static_cast<int>(c)) != nullptr;
}

// One code point as an RE2 literal, valid both in and out of [...].
// Characters that came from an escape (hex) are spelled \x{...}.
std::string Literal(char32_t c, bool hex) {
  if (hex || c < 0x20 || c == 0x7F || IsSurrogate(c)) return Hex(c);
  std::string out = OneOf(kMeta, c) ? "\\" : "";
  AppendUtf8(&out, c);
  return out;
}

// One escape or class atom spelled in RE2 for its context: a set is
// standalone outside [...] and class-body text inside.
struct Item {
  bool is_set;
  char32_t cp;  // for a character
  std::string text;
};

Item CodePoint(char32_t cp, bool hex = true) { return Item{false, cp, Literal(cp, hex)}; }
Item Set(std::string text) { return Item{true, 0, std::move(text)}; }

template <size_t N>
Item RangeSet(const Range (&ranges)[N], bool negated, bool in_class) {
  if (in_class) return Set(RangesBody(ranges, N, negated));
  return Set((negated ? "[^" : "[") + RangesBody(ranges, N, false) + "]");
}

// A group of the pattern, while it is open.
struct Group {
  bool lookaround = false;
  bool behind = false;  // lookbehind
  uint64_t number = 0;  // capturing groups only
};

class Translator {
 public:
  Translator(std::string_view src, RegexEngine engine) : src_(src), engine_(engine) {}

  Translation Run() {
    bool atom = false;  // whether the previous term may take a quantifier
    while (!AtEnd()) {
      char32_t c = Next();
      std::string quantifier;
      if (OneOf("*+?", c) || (c == '{' && ParseBraces(&quantifier))) {
        if (!atom) Invalid("nothing to repeat");
        out_ += quantifier.empty() ? std::string(1, static_cast<char>(c)) : quantifier;
        if (Eat('?')) out_ += '?';
        atom = false;
      } else if (OneOf("|^$", c)) {
        // Without the m flag RE2's ^ and $ are \A and \z, like ECMA's; so are
        // PCRE2's with PCRE2_DOLLAR_ENDONLY (core/regex_pcre2.cpp).
        out_ += static_cast<char>(c);
        atom = false;
      } else if (c == '(') {
        open_.push_back(OpenGroup());
        if (open_.size() > kMaxDepth) Unsupported("more than 1000 nested groups");
        atom = false;
      } else if (c == ')') {
        if (open_.empty()) Invalid("unmatched ')'");
        atom = !open_.back().lookaround;  // in Unicode mode a lookaround takes no quantifier
        open_.pop_back();
        out_ += ')';
      } else if (c == '\\' && !AtEnd() && OneOf("bB", src_[pos_])) {
        // RE2's \b and PCRE2's (without PCRE2_UCP, on its built-in C-locale
        // tables) are ASCII word boundaries, like ECMA's.
        out_ += '\\';
        out_ += src_[pos_++];
        atom = false;
      } else if (c == '\\' && !AtEnd() &&
                 (OneOf("123456789", src_[pos_]) || src_.substr(pos_, 2) == "k<")) {
        ParseBackreference();
        atom = true;
      } else if (c == '[') {
        ParseClass();
        atom = true;
      } else if (c == '\\') {
        if (AtEnd()) Invalid("\\ at end of pattern");
        out_ += ParseEscape(false).text;
        atom = true;
      } else {  // includes Annex B's literal '{', '}' and ']'
        out_ += c == '.' ? kDot : Literal(c, false);
        atom = true;
      }
    }
    if (!open_.empty()) Invalid("missing ')'");
    CheckBackreferences();
    return Translation{std::move(out_), feature_};
  }

 private:
  [[noreturn]] void Invalid(const std::string& why) const {
    RefusePattern(src_, "is not a valid ECMA-262 regular expression: " + why);
  }

  [[noreturn]] void Unsupported(const std::string& feature) const {
    RefusePattern(src_,
                  "uses " + feature + ", which schemareg's regular expressions do not support");
  }

  // Notes a feature only a backtracking engine runs; RE2's text is then moot.
  void NeedsBacktracking(const char* feature) {
    if (feature_.empty()) feature_ = feature;
  }

  bool AtEnd() const { return pos_ >= src_.size(); }

  bool Eat(char c) {
    if (AtEnd() || src_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // Decodes one UTF-8 code point; the pattern must be valid UTF-8.
  char32_t Next() {
    unsigned char lead = static_cast<unsigned char>(src_[pos_++]);
    if (lead < 0x80) return lead;
    int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC2 ? 1 : -1;
    if (extra < 0 || lead > 0xF4) Invalid("invalid UTF-8");
    char32_t c = lead & (0x3F >> extra);
    for (int i = 0; i < extra; ++i) {
      if (AtEnd() || (src_[pos_] & 0xC0) != 0x80) Invalid("invalid UTF-8");
      c = (c << 6) | (src_[pos_++] & 0x3F);
    }
    if ((extra == 2 && c < 0x800) || (extra == 3 && (c < 0x10000 || c > kMaxCodePoint)) ||
        IsSurrogate(c)) {
      Invalid("invalid UTF-8");
    }
    return c;
  }

  // Reads exactly n hex digits; consumes nothing and returns false otherwise.
  bool ReadHex(size_t n, char32_t* value) {
    if (src_.size() - pos_ < n) return false;
    char32_t v = 0;
    for (size_t i = 0; i < n; ++i) {
      int d = HexValue(src_[pos_ + i]);
      if (d < 0) return false;
      v = v * 16 + d;
    }
    pos_ += n;
    *value = v;
    return true;
  }

  // After a '('.
  Group OpenGroup() {
    if (!Eat('?')) {
      out_ += '(';
      return Group{false, false, ++groups_};
    }
    if (Eat(':')) {
      out_ += "(?:";
      return Group{};
    }
    bool behind = Eat('<');
    if (Eat('=') || Eat('!')) {
      NeedsBacktracking(behind ? "lookbehind" : "lookahead");
      out_ += behind ? "(?<" : "(?";
      out_ += src_[pos_ - 1];
      return Group{true, behind, 0};
    }
    if (!behind) Invalid("invalid group");
    std::string name = ParseGroupName();
    if (!names_.emplace(name, ++groups_).second) Invalid("duplicate group name \"" + name + "\"");
    // RE2 only takes [A-Za-z0-9_] names; others become plain groups. For
    // PCRE2 every group is plain: \k<name> becomes a number.
    bool ascii = std::all_of(name.begin(), name.end(), [](char c) {
      return c != '$' && static_cast<unsigned char>(c) < 0x80;
    });
    out_ += engine_ == RegexEngine::kRe2 && ascii ? "(?P<" + name + ">" : "(";
    return Group{false, false, groups_};
  }

  // After a '<': a group name and its '>'.
  std::string ParseGroupName() {
    std::string name;
    while (!Eat('>')) {
      if (AtEnd()) Invalid("invalid group name");
      size_t at = pos_;
      char32_t c = Next();
      if (!(IsAlpha(c) || c == '_' || c == '$' || c >= 0x80 || (IsDigit(c) && !name.empty()))) {
        Invalid("invalid group name");
      }
      name.append(src_.substr(at, pos_ - at));
    }
    if (name.empty()) Invalid("invalid group name");
    return name;
  }

  // After a '\' followed by 1-9 or "k<": ECMA's \N (all its digits) or
  // \k<name>, spelled \g{N} for PCRE2. ECMA-262 sets a group's capture when
  // the group ends and clears the groups inside a quantified atom at each of
  // its iterations, so a reference to a group still open or not begun yet
  // always matches "": it becomes (?:), for either engine. Lookbehind
  // matches backwards, where that is the other way round; PCRE2 (10.42)
  // takes no backreference in a lookbehind anyway.
  void ParseBackreference() {
    uint64_t n = 0;
    if (Eat('k')) {
      ++pos_;  // '<'
      std::string name = ParseGroupName();
      if (auto group = names_.find(name); group != names_.end()) {
        n = group->second;
      } else {
        later_names_.push_back(std::move(name));  // checked at the end
      }
    } else {
      while (!AtEnd() && IsDigit(src_[pos_])) {
        n = std::min<uint64_t>(n * 10 + (src_[pos_++] - '0'), kMaxCount * kMaxCount);
      }
      max_ref_ = std::max(max_ref_, n);
    }
    bool open = false;
    for (const Group& g : open_) {
      if (g.behind) Unsupported("a backreference inside lookbehind");
      open = open || g.number == n;
    }
    if (n == 0 || n > groups_ || open) {
      out_ += "(?:)";
      return;
    }
    NeedsBacktracking("a backreference");
    out_ += "\\g{" + std::to_string(n) + "}";
  }

  void CheckBackreferences() const {
    if (max_ref_ > groups_) {
      Invalid("backreference to group " + std::to_string(max_ref_) + ", which does not exist");
    }
    for (const std::string& name : later_names_) {
      if (names_.count(name) == 0) {
        Invalid("backreference to the unknown group name \"" + name + "\"");
      }
    }
  }

  // After a '{': parses "n}", "n,}" or "n,m}" into RE2 syntax. Leaves pos_
  // alone and returns false when the text is no quantifier.
  bool ParseBraces(std::string* quantifier) {
    size_t p = pos_;
    auto number = [this, &p](uint64_t* v) {
      size_t begin = p;
      for (*v = 0; p < src_.size() && IsDigit(src_[p]); ++p) {
        *v = std::min<uint64_t>(*v * 10 + (src_[p] - '0'), kMaxCount + 1);
      }
      return p > begin;
    };
    uint64_t min = 0, max = 0;
    bool comma = false, has_max = false;
    if (!number(&min)) return false;
    if (p < src_.size() && src_[p] == ',') {
      ++p;
      comma = true;
      has_max = number(&max);
    }
    if (p >= src_.size() || src_[p] != '}') return false;
    if (has_max && max < min) Invalid("numbers out of order in {} quantifier");
    if (min > kMaxCount || max > kMaxCount) Unsupported("a repetition count over 1000");
    pos_ = p + 1;
    *quantifier =
        "{" + std::to_string(min) + (comma ? "," : "") + (has_max ? std::to_string(max) : "") + "}";
    return true;
  }

  // After a '\' (not at the end); \b and \B outside classes are handled by Run().
  Item ParseEscape(bool in_class) {
    char32_t c = Next();
    if (OneOf("dD", c) && engine_ == RegexEngine::kPcre2)
      return RangeSet(kDigit, c == 'D', in_class);
    if (OneOf("wW", c) && engine_ == RegexEngine::kPcre2)
      return RangeSet(kWord, c == 'W', in_class);
    if (OneOf("dDwW", c)) return Set("\\" + std::string(1, static_cast<char>(c)));  // ASCII in RE2
    if (OneOf("sS", c)) return RangeSet(kSpace, c == 'S', in_class);
    if (OneOf("pP", c)) return ParseProperty(c == 'P', in_class);
    // \b is only reached inside a class, where it is backspace.
    if (OneOf("tnvfrb", c)) return CodePoint("\t\n\v\f\r\b"[std::strchr("tnvfrb", c) - "tnvfrb"]);
    char32_t v = 0;
    if (c == 'c') {
      if (AtEnd() || !IsAlpha(src_[pos_])) Invalid("invalid \\c escape");
      return CodePoint(src_[pos_++] % 32);
    }
    if (c == 'x') {
      if (!ReadHex(2, &v)) Invalid("invalid \\x escape");
      return CodePoint(v);
    }
    if (c == 'u') return CodePoint(ParseUnicodeEscape());
    if (c == '0') {
      if (!AtEnd() && IsDigit(src_[pos_])) Invalid("octal escapes are not allowed");
      return CodePoint(0);
    }
    if (IsAlnum(c) || c == '_') {
      Invalid(std::string("invalid escape \"\\") + static_cast<char>(c) + "\"");
    }
    return CodePoint(c, false);  // identity escape of punctuation
  }

  // After "\u": XXXX (a surrogate pair of them is one code point) or {X...}.
  char32_t ParseUnicodeEscape() {
    char32_t v = 0;
    if (Eat('{')) {
      size_t digits = 0;
      for (; !AtEnd() && HexValue(src_[pos_]) >= 0; ++pos_, ++digits) {
        v = v * 16 + HexValue(src_[pos_]);
        if (v > kMaxCodePoint) Invalid("\\u{...} escape out of range");
      }
      if (digits == 0 || !Eat('}')) Invalid("invalid \\u escape");
      return v;
    }
    if (!ReadHex(4, &v)) Invalid("invalid \\u escape");
    if (v >= 0xD800 && v <= 0xDBFF && src_.substr(pos_, 2) == "\\u") {
      size_t save = pos_;
      pos_ += 2;
      char32_t low = 0;
      if (ReadHex(4, &low) && low >= 0xDC00 && low <= 0xDFFF) {
        return 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00);
      }
      pos_ = save;
    }
    return v;
  }

  // After "\p" or "\P": {General_Category}, {gc=...}, {Script=...}, {sc=...},
  // and the binary properties Any and ASCII.
  Item ParseProperty(bool negated, bool in_class) {
    if (!Eat('{')) Invalid("invalid property escape");
    size_t begin = pos_;
    while (!AtEnd() && (IsAlnum(src_[pos_]) || src_[pos_] == '_' || src_[pos_] == '=')) ++pos_;
    std::string text(src_.substr(begin, pos_ - begin));
    if (text.empty() || !Eat('}')) Invalid("invalid property escape");
    std::string key, value = text, re2_name;
    if (size_t eq = text.find('='); eq != std::string::npos) {
      key = text.substr(0, eq);
      value = text.substr(eq + 1);
    }
    if (key.empty() && value == "Any") return RangeSet(kAny, negated, in_class);
    if (key.empty() && value == "ASCII") return RangeSet(kAscii, negated, in_class);
    if (key.empty() || key == "General_Category" || key == "gc") {
      re2_name = CategoryName(value);
    } else if ((key == "Script" || key == "sc") && !value.empty() &&
               value.find('=') == std::string::npos) {
      // RE2 knows the long script names and rejects the rest; PCRE2's \p{Name}
      // is Script_Extensions, \p{sc:Name} is Script, as ECMA's.
      re2_name = engine_ == RegexEngine::kPcre2 ? "sc:" + value : value;
    }
    if (re2_name.empty()) Unsupported("the Unicode property \\p{" + text + "}");
    return Set((negated ? "\\P{" : "\\p{") + re2_name + "}");
  }

  // After a '['.
  void ParseClass() {
    bool negated = Eat('^');
    std::string body;
    while (!Eat(']')) {
      Item lo = ParseClassAtom();
      body += lo.text;
      std::string_view next = src_.substr(pos_, 2);
      if (next.size() < 2 || next[0] != '-' || next[1] == ']') continue;
      ++pos_;
      Item hi = ParseClassAtom();
      bool range = !lo.is_set && !hi.is_set;  // Annex B: next to a set, '-' is literal
      if (range && hi.cp < lo.cp) Invalid("range out of order in character class");
      body += (range ? "-" : "\\-") + hi.text;
    }
    if (body.empty()) {
      out_ += negated ? kAnything : kNothing;
    } else {
      out_ += (negated ? "[^" : "[") + body + "]";
    }
  }

  Item ParseClassAtom() {
    if (AtEnd()) Invalid("missing ']'");
    char32_t c = Next();
    if (c != '\\') return CodePoint(c, false);
    if (AtEnd()) Invalid("missing ']'");
    return ParseEscape(true);
  }

  std::string_view src_;
  RegexEngine engine_;
  size_t pos_ = 0;
  std::string out_;
  std::string feature_;                    // the first feature RE2 cannot run
  std::vector<Group> open_;                // the groups open at pos_
  uint64_t groups_ = 0;                    // capturing groups so far
  std::map<std::string, uint64_t> names_;  // group name -> number
  std::vector<std::string> later_names_;   // \k<name> before its group
  uint64_t max_ref_ = 0;                   // the largest \N
};

}  // namespace

void RefusePattern(std::string_view pattern, const std::string& what) {
  throw Error(sqlstate::kInvalidParameterValue,
              "pattern \"" + TruncateUtf8(pattern, 200) + "\" " + what);
}

Translation TranslateEcma(std::string_view ecma, RegexEngine engine) {
  return Translator(ecma, engine).Run();
}

std::string TranslateEcmaToRe2(std::string_view ecma) {
  Translation t = TranslateEcma(ecma, RegexEngine::kRe2);
  if (!t.backtracking_feature.empty()) {
    RefusePattern(
        ecma, "uses " + t.backtracking_feature + ", which the safe regex engine does not support");
  }
  return std::move(t.text);
}

std::string TranslateEcmaToPcre2(std::string_view ecma) {
  return TranslateEcma(ecma, RegexEngine::kPcre2).text;
}

}  // namespace schemareg
