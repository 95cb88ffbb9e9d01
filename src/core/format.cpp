#include "core/format.hpp"

#include <cstddef>
#include <string_view>

#include "core/ascii.hpp"
#include "core/idna.hpp"

namespace schemareg {
namespace {

using Sv = std::string_view;
constexpr size_t kNpos = Sv::npos;

bool IsDigit(char c) { return IsAsciiDigit(c); }
bool IsAlpha(char c) { return IsAsciiAlpha(c); }
bool IsAlnum(char c) { return IsAsciiAlnum(c); }
bool IsHex(char c) { return IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
bool IsHigh(char c) { return static_cast<unsigned char>(c) >= 0x80; }
bool IsOneOf(char c, Sv set) { return set.find(c) != kNpos; }
bool IsUnreserved(char c) { return IsAlnum(c) || IsOneOf(c, "-._~"); }
bool IsSubDelim(char c) { return IsOneOf(c, "!$&'()*+,;="); }

// Two ASCII digits at s[pos], or -1.
int Num2(Sv s, size_t pos) {
  if (pos + 2 > s.size() || !IsDigit(s[pos]) || !IsDigit(s[pos + 1])) return -1;
  return (s[pos] - '0') * 10 + (s[pos + 1] - '0');
}

bool AllDigits(Sv s) {
  for (char c : s)
    if (!IsDigit(c)) return false;
  return true;
}

// ---- RFC 3339 dates and times ----

bool CheckDate(Sv s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int yh = Num2(s, 0), yl = Num2(s, 2), m = Num2(s, 5), d = Num2(s, 8);
  if (yh < 0 || yl < 0 || m < 1 || m > 12 || d < 1) return false;
  int y = yh * 100 + yl;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  return d <= (m == 2 && leap ? 29 : kDays[m - 1]);
}

// full-time; second 60 only when the UTC-adjusted time is 23:59 (leap second).
bool CheckTime(Sv s) {
  size_t n = s.size();
  if (n < 9 || s[2] != ':' || s[5] != ':') return false;
  int h = Num2(s, 0), mi = Num2(s, 3), se = Num2(s, 6);
  if (h < 0 || mi < 0 || se < 0 || h > 23 || mi > 59 || se > 60) return false;
  size_t i = 8;
  if (s[i] == '.') {
    size_t start = ++i;
    while (i < n && IsDigit(s[i])) ++i;
    if (i == start) return false;
  }
  if (i >= n) return false;
  int offset = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    if (n - i != 6 || s[i + 3] != ':') return false;
    int oh = Num2(s, i + 1), om = Num2(s, i + 4);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return false;
    offset = (s[i] == '+' ? 1 : -1) * (oh * 60 + om);
    i += 6;
  } else {
    return false;
  }
  if (i != n) return false;
  if (se == 60) return ((h * 60 + mi - offset) % 1440 + 1440) % 1440 == 23 * 60 + 59;
  return true;
}

bool CheckDateTime(Sv s) {
  return s.size() > 11 && (s[10] == 'T' || s[10] == 't') && CheckDate(s.substr(0, 10)) &&
         CheckTime(s.substr(11));
}

// RFC 3339 appendix A: date units Y,M,D and time units H,M,S each form one
// contiguous run in order; weeks stand alone; no fractions.
bool CheckDuration(Sv s) {
  size_t n = s.size(), i = 1;
  if (n < 3 || s[0] != 'P') return false;
  if (s[n - 1] == 'W') return AllDigits(s.substr(1, n - 2));
  size_t last = kNpos;  // index of the previous unit within "YMD" or "HMS"
  bool in_time = false, any = false;
  while (i < n) {
    if (s[i] == 'T') {
      if (in_time) return false;
      in_time = true;
      any = false;
      last = kNpos;
      ++i;
      continue;
    }
    size_t start = i;
    while (i < n && IsDigit(s[i])) ++i;
    if (i == start || i == n) return false;
    size_t unit = Sv(in_time ? "HMS" : "YMD").find(s[i++]);
    if (unit == kNpos || (last != kNpos && unit != last + 1)) return false;
    last = unit;
    any = true;
  }
  return any;
}

// ---- IP addresses ----

bool CheckIpv4(Sv s) {
  if (s.size() > 15) return false;
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
    size_t start = i;
    int v = 0;
    while (i < s.size() && IsDigit(s[i]) && i - start < 3) v = v * 10 + (s[i++] - '0');
    size_t len = i - start;
    if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return false;
  }
  return i == s.size();
}

bool CheckIpv6(Sv s) {
  size_t n = s.size(), i = 0;
  if (n < 2 || n > 45) return false;
  int groups = 0;
  bool compressed = false;
  if (s[0] == ':') {
    if (s[1] != ':') return false;
    compressed = true;
    i = 2;
    if (i == n) return true;
  }
  while (true) {
    size_t start = i;
    while (i < n && IsHex(s[i]) && i - start <= 4) ++i;
    if (i < n && s[i] == '.') {  // embedded IPv4 must be the last piece
      if (!CheckIpv4(s.substr(start))) return false;
      groups += 2;
      break;
    }
    if (i == start || i - start > 4) return false;
    ++groups;
    if (i == n) break;
    if (s[i++] != ':' || i == n) return false;
    if (s[i] == ':') {
      if (compressed) return false;
      compressed = true;
      if (++i == n) break;
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

// ---- e-mail (RFC 5321 mailbox; RFC 6531 for idn-email) ----

bool CheckEmail(Sv s, bool idn) {
  if (s.size() < 3 || s.size() > 64 + 1 + (idn ? 253 * 4 : 253)) return false;
  size_t at;
  if (s[0] == '"') {
    size_t i = 1;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\') ++i;
      if (i >= s.size()) return false;
      unsigned char c = static_cast<unsigned char>(s[i++]);
      if (!((c >= 32 && c <= 126) || (idn && c >= 0x80))) return false;
    }
    if (i + 1 >= s.size() || s[i + 1] != '@') return false;
    at = i + 1;
  } else {
    at = s.find('@');
    if (at == kNpos || at == 0 || s[0] == '.' || s[at - 1] == '.') return false;
    for (size_t i = 0; i < at; ++i) {
      char c = s[i];
      if (c == '.' && s[i + 1] == '.') return false;
      if (!IsAlnum(c) && !IsOneOf(c, "!#$%&'*+-/=?^_`{|}~.") && !(idn && IsHigh(c))) return false;
    }
  }
  if (at > 64) return false;
  Sv domain = s.substr(at + 1);
  if (domain.empty()) return false;
  if (domain[0] != '[') return IsValidHostname(domain, idn);
  if (domain.back() != ']') return false;
  Sv lit = domain.substr(1, domain.size() - 2);
  if (lit.substr(0, 5) == "IPv6:") return CheckIpv6(lit.substr(5));
  return CheckIpv4(lit);
}

// ---- URIs and IRIs (RFC 3986 / RFC 3987) ----

// Every char is unreserved, pct-encoded, a sub-delim, in `extra`, or (for
// IRIs) a non-ASCII byte.
bool ScanChars(Sv s, Sv extra, bool iri) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) return false;
      i += 2;
    } else if (!IsUnreserved(c) && !IsSubDelim(c) && !IsOneOf(c, extra) && !(iri && IsHigh(c))) {
      return false;
    }
  }
  return true;
}

bool CheckAuthority(Sv a, bool iri) {
  size_t at = a.find('@');
  if (at != kNpos) {
    if (!ScanChars(a.substr(0, at), ":", iri)) return false;
    a = a.substr(at + 1);
  }
  Sv port;
  if (!a.empty() && a[0] == '[') {
    size_t close = a.find(']');
    if (close == kNpos) return false;
    Sv lit = a.substr(1, close - 1);
    Sv rest = a.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return false;
    port = rest.empty() ? rest : rest.substr(1);
    if (!lit.empty() && (lit[0] == 'v' || lit[0] == 'V')) {
      size_t dot = lit.find('.');
      if (dot == kNpos || dot < 2 || dot + 1 == lit.size()) return false;
      for (size_t i = 1; i < dot; ++i)
        if (!IsHex(lit[i])) return false;
      for (char c : lit.substr(dot + 1))
        if (!IsUnreserved(c) && !IsSubDelim(c) && c != ':') return false;
    } else if (!CheckIpv6(lit)) {
      return false;
    }
  } else {
    size_t colon = a.find(':');
    if (colon != kNpos) port = a.substr(colon + 1);
    if (!ScanChars(a.substr(0, colon), "", iri)) return false;
  }
  return AllDigits(port);
}

bool CheckUri(Sv s, bool absolute, bool iri) {
  size_t i = 0;
  while (i < s.size() && (IsAlnum(s[i]) || IsOneOf(s[i], "+-."))) ++i;
  bool has_scheme = i > 0 && i < s.size() && s[i] == ':' && IsAlpha(s[0]);
  if (absolute && !has_scheme) return false;
  Sv rest = has_scheme ? s.substr(i + 1) : s;
  size_t hash = rest.find('#');
  if (hash != kNpos) {
    if (!ScanChars(rest.substr(hash + 1), ":@/?", iri)) return false;
    rest = rest.substr(0, hash);
  }
  size_t question = rest.find('?');
  if (question != kNpos) {
    if (!ScanChars(rest.substr(question + 1), ":@/?", iri)) return false;
    rest = rest.substr(0, question);
  }
  if (rest.substr(0, 2) == "//") {
    size_t slash = rest.find('/', 2);
    if (!CheckAuthority(rest.substr(2, slash == kNpos ? kNpos : slash - 2), iri)) return false;
    rest = slash == kNpos ? Sv() : rest.substr(slash);
  } else if (!has_scheme && rest.substr(0, rest.find('/')).find(':') != kNpos) {
    return false;  // path-noscheme: no colon in the first segment
  }
  return ScanChars(rest, ":@/", iri);
}

// RFC 6570 level 4 syntax; the apostrophe is accepted in literals as the
// test suite expects.
bool CheckUriTemplate(Sv s) {
  size_t i = 0, n = s.size();
  auto pct = [&](size_t p) { return p + 2 < n && IsHex(s[p + 1]) && IsHex(s[p + 2]); };
  while (i < n) {
    char c = s[i];
    if (c == '%') {
      if (!pct(i)) return false;
      i += 3;
    } else if (c == '{') {
      if (++i < n && IsOneOf(s[i], "+#./;?&")) ++i;
      while (true) {  // one varspec per iteration
        bool need_char = true;
        while (i < n) {
          if (s[i] == '%') {
            if (!pct(i)) return false;
            i += 3;
          } else if (IsAlnum(s[i]) || s[i] == '_') {
            ++i;
          } else if (s[i] == '.' && !need_char) {
            need_char = true;
            ++i;
            continue;
          } else {
            break;
          }
          need_char = false;
        }
        if (need_char || i >= n) return false;
        if (s[i] == '*') {
          ++i;
        } else if (s[i] == ':') {
          size_t start = ++i;
          while (i < n && IsDigit(s[i]) && i - start < 5) ++i;
          if (i == start || i - start > 4 || s[start] == '0') return false;
        }
        if (i >= n) return false;
        if (s[i] == '}') break;
        if (s[i++] != ',') return false;
      }
      ++i;
    } else if (IsHigh(c) || c == 0x21 || (c >= 0x23 && c <= 0x24) || (c >= 0x26 && c <= 0x3B) ||
               c == 0x3D || (c >= 0x3F && c <= 0x5B) || c == 0x5D || c == 0x5F ||
               (c >= 0x61 && c <= 0x7A) || c == 0x7E) {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

// ---- JSON pointers and UUIDs ----

bool CheckJsonPointer(Sv s) {
  if (!s.empty() && s[0] != '/') return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == '~' && (i + 1 == s.size() || (s[++i] != '0' && s[i] != '1'))) return false;
  return true;
}

bool CheckRelativeJsonPointer(Sv s) {
  size_t i = 0;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i == 0 || (i > 1 && s[0] == '0')) return false;
  Sv rest = s.substr(i);
  return rest == "#" || CheckJsonPointer(rest);
}

bool CheckUuid(Sv s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

struct FormatEntry {
  Sv name;
  bool (*check)(Sv);
};

constexpr FormatEntry kFormats[] = {
    {"date-time", CheckDateTime},
    {"date", CheckDate},
    {"time", CheckTime},
    {"email", [](Sv s) { return CheckEmail(s, false); }},
    {"idn-email", [](Sv s) { return CheckEmail(s, true); }},
    {"hostname", [](Sv s) { return IsValidHostname(s, false); }},
    {"idn-hostname", [](Sv s) { return IsValidHostname(s, true); }},
    {"ipv4", CheckIpv4},
    {"ipv6", CheckIpv6},
    {"uri", [](Sv s) { return CheckUri(s, true, false); }},
    {"uri-reference", [](Sv s) { return CheckUri(s, false, false); }},
    {"iri", [](Sv s) { return CheckUri(s, true, true); }},
    {"iri-reference", [](Sv s) { return CheckUri(s, false, true); }},
    {"uri-template", CheckUriTemplate},
    {"json-pointer", CheckJsonPointer},
    {"relative-json-pointer", CheckRelativeJsonPointer},
    {"uuid", CheckUuid},
    {"duration", CheckDuration},
};

const FormatEntry* Lookup(Sv name) {
  for (const FormatEntry& e : kFormats)
    if (e.name == name) return &e;
  return nullptr;
}

}  // namespace

bool IsKnownFormat(std::string_view format) { return Lookup(format) != nullptr; }

FormatResult CheckFormat(std::string_view format, std::string_view value) {
  const FormatEntry* e = Lookup(format);
  if (e == nullptr) return FormatResult::kUnknown;
  return e->check(value) ? FormatResult::kValid : FormatResult::kInvalid;
}

}  // namespace schemareg
