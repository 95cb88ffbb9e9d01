#include "core/idna.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/ascii.hpp"

namespace schemareg {
namespace {

using Sv = std::string_view;
constexpr size_t kNpos = Sv::npos;

bool IsDigit(char c) { return IsAsciiDigit(c); }
bool IsAlpha(char c) { return IsAsciiAlpha(c); }
bool IsAlnum(char c) { return IsAsciiAlnum(c); }
bool LowerEq(char a, char b) {
  return (IsAlpha(a) ? (a | 0x20) : a) == (IsAlpha(b) ? (b | 0x20) : b);
}

// Without Unicode tables we approximate: combining marks, bidi classes and
// disallowed code points come from short range lists covering common scripts.
struct Range {
  char32_t lo, hi;
};

template <size_t N>
bool InRanges(char32_t c, const Range (&r)[N]) {
  for (const Range& x : r)
    if (c >= x.lo && c <= x.hi) return true;
  return false;
}

bool IsMark(char32_t c) {
  static const Range kMarks[] = {
      {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2},
      {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A}, {0x064B, 0x065F}, {0x0670, 0x0670},
      {0x06D6, 0x06DC}, {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0711, 0x0711},
      {0x0730, 0x074A}, {0x07A6, 0x07B0}, {0x07EB, 0x07F3}, {0x0816, 0x082D}, {0x0859, 0x085B},
      {0x08D3, 0x08E1}, {0x08E3, 0x08FF}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E},
      {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x20D0, 0x20FF}, {0x302A, 0x302F}, {0x3099, 0x309A},
      {0xFE20, 0xFE2F}};
  if (c >= 0x0900 && c <= 0x0DFF) {  // Brahmic blocks share one layout of signs
    unsigned o = c & 0x7F;
    return o <= 0x03 || o == 0x3C || (o >= 0x3E && o <= 0x4D) || (o >= 0x51 && o <= 0x57) ||
           o == 0x62 || o == 0x63;
  }
  return InRanges(c, kMarks);
}

bool IsVirama(char32_t c) {
  static const Range kVirama[] = {
      {0x0DCA, 0x0DCA}, {0x0E3A, 0x0E3A}, {0x0F84, 0x0F84}, {0x1039, 0x103A}, {0x1714, 0x1714},
      {0x1734, 0x1734}, {0x17D2, 0x17D2}, {0x1A60, 0x1A60}, {0x1B44, 0x1B44}, {0x1BAA, 0x1BAB},
      {0x1BF2, 0x1BF3}, {0x2D7F, 0x2D7F}, {0xA806, 0xA806}, {0xA8C4, 0xA8C4}, {0xA953, 0xA953},
      {0xA9C0, 0xA9C0}, {0xAAF6, 0xAAF6}, {0xABED, 0xABED}};
  return (c >= 0x0900 && c <= 0x0D7F && (c & 0x7F) == 0x4D) || InRanges(c, kVirama);
}

bool IsDisallowed(char32_t c) {
  static const Range kBad[] = {
      {0x0080, 0x00B6}, {0x00B8, 0x00BF}, {0x00D7, 0x00D7}, {0x00F7, 0x00F7},
      {0x0640, 0x0640}, {0x07FA, 0x07FA}, {0x2000, 0x200B}, {0x200E, 0x2BFF},
      {0x3000, 0x3004}, {0x3008, 0x3020}, {0x302E, 0x302F}, {0x3031, 0x3035},
      {0x303B, 0x303B}, {0xD800, 0xF8FF}, {0xFE00, 0xFE0F}, {0xFF00, 0xFFFF}};
  if (c < 0x80) return !(IsAlnum(static_cast<char>(c)) || c == '-');
  return InRanges(c, kBad);
}

bool IsArabicJoining(char32_t c) {  // treated as dual-joining
  static const Range kJoin[] = {{0x0620, 0x064A}, {0x066E, 0x066F}, {0x0671, 0x06D3},
                                {0x06D5, 0x06D5}, {0x06EE, 0x06EF}, {0x06FA, 0x06FC},
                                {0x06FF, 0x06FF}, {0x0710, 0x072F}, {0x074D, 0x077F},
                                {0x07CA, 0x07EA}, {0x0840, 0x0858}, {0x08A0, 0x08C9}};
  return InRanges(c, kJoin);
}

bool IsKanaOrHan(char32_t c) {
  static const Range kJapanese[] = {{0x2E80, 0x2FDF}, {0x3005, 0x3005}, {0x3007, 0x3007},
                                    {0x3021, 0x3029}, {0x3038, 0x303B}, {0x3040, 0x30FA},
                                    {0x30FC, 0x30FF}, {0x31F0, 0x31FF}, {0x3400, 0x4DBF},
                                    {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}, {0x20000, 0x3FFFF}};
  return InRanges(c, kJapanese);
}

enum class Bidi { kL, kR, kAL, kAN, kEN, kES, kON, kBN, kNSM };

Bidi BidiClass(char32_t c) {
  static const Range kAn[] = {{0x0600, 0x0605},  {0x0660, 0x0669}, {0x066B, 0x066C},
                              {0x06DD, 0x06DD},  {0x0890, 0x0891}, {0x08E2, 0x08E2},
                              {0x10E60, 0x10E7E}};
  static const Range kEn[] = {{0x30, 0x39},     {0xB2, 0xB3},     {0xB9, 0xB9},
                              {0x06F0, 0x06F9}, {0x2070, 0x2089}, {0xFF10, 0xFF19}};
  static const Range kR[] = {
      {0x0590, 0x05FF}, {0x07C0, 0x085F}, {0xFB1D, 0xFB4F}, {0x10800, 0x10FFF}, {0x1E800, 0x1EFFF}};
  static const Range kAl[] = {
      {0x0600, 0x07BF}, {0x0860, 0x08FF}, {0xFB50, 0xFDFF}, {0xFE70, 0xFEFF}};
  static const Range kOn[] = {{0x21, 0x2C},     {0x2E, 0x2F},     {0x3A, 0x40},
                              {0x5B, 0x60},     {0x7B, 0x7E},     {0xA1, 0xBF},
                              {0x0375, 0x0375}, {0x2010, 0x2027}, {0x3001, 0x3004},
                              {0x3008, 0x3020}, {0x30FB, 0x30FB}};
  if (c == '-') return Bidi::kES;
  if (c == 0x200C || c == 0x200D) return Bidi::kBN;
  if (InRanges(c, kEn)) return Bidi::kEN;
  if (InRanges(c, kAn)) return Bidi::kAN;
  if (IsMark(c)) return Bidi::kNSM;
  if (InRanges(c, kR)) return Bidi::kR;
  if (InRanges(c, kAl)) return Bidi::kAL;
  if (InRanges(c, kOn)) return Bidi::kON;
  return Bidi::kL;
}

// Bidi state across a whole domain name: the RFC 5893 rule applies to every
// label once any label is right-to-left.
struct BidiState {
  bool any_rtl = false;
  bool any_fail = false;
};

constexpr size_t kMaxLabelCps = 63;

// RFC 5893 section 2 for one label.
void CheckBidiLabel(const char32_t* cp, size_t n, BidiState* st) {
  bool has_en = false, has_an = false, ok = true;
  Bidi first = BidiClass(cp[0]), end = first;
  bool rtl = first == Bidi::kR || first == Bidi::kAL;
  if (!rtl && first != Bidi::kL) ok = false;
  for (size_t i = 0; i < n; ++i) {
    Bidi b = BidiClass(cp[i]);
    if (b == Bidi::kR || b == Bidi::kAL || b == Bidi::kAN) st->any_rtl = true;
    has_en |= b == Bidi::kEN;
    has_an |= b == Bidi::kAN;
    if (b != Bidi::kNSM) end = b;
    if (!rtl && (b == Bidi::kR || b == Bidi::kAL || b == Bidi::kAN)) ok = false;
    if (rtl && b == Bidi::kL) ok = false;
  }
  if (rtl && !(end == Bidi::kR || end == Bidi::kAL || end == Bidi::kEN || end == Bidi::kAN))
    ok = false;
  if (rtl && has_en && has_an) ok = false;
  if (!rtl && !(end == Bidi::kL || end == Bidi::kEN)) ok = false;
  if (!ok) st->any_fail = true;
}

// RFC 5891 4.2 / RFC 5892 contextual rules for a decoded U-label.
bool CheckULabel(const char32_t* cp, size_t n, BidiState* st) {
  if (n == 0 || cp[0] == '-' || cp[n - 1] == '-' || IsMark(cp[0])) return false;
  if (n >= 4 && cp[2] == '-' && cp[3] == '-') return false;
  bool arabic_digit = false, extended_digit = false, kana_or_han = false, katakana_dot = false;
  for (size_t i = 0; i < n; ++i) {
    char32_t c = cp[i], prev = i > 0 ? cp[i - 1] : 0, next = i + 1 < n ? cp[i + 1] : 0;
    if (c == 0xB7) {
      if (prev != 'l' || next != 'l') return false;
    } else if (c == 0x375) {
      if (!((next >= 0x370 && next <= 0x3FF) || (next >= 0x1F00 && next <= 0x1FFF))) return false;
    } else if (c == 0x5F3 || c == 0x5F4) {
      if (prev < 0x590 || prev > 0x5FF) return false;
    } else if (c == 0x200D) {
      if (!IsVirama(prev)) return false;
    } else if (c == 0x200C) {
      if (!IsVirama(prev)) {  // else (L|D) T* ZWNJ T* (R|D)
        size_t b = i, a = i + 1;
        while (b > 0 && IsMark(cp[b - 1])) --b;
        while (a < n && IsMark(cp[a])) ++a;
        if (b == 0 || a == n || !IsArabicJoining(cp[b - 1]) || !IsArabicJoining(cp[a]))
          return false;
      }
    } else if (IsDisallowed(c)) {
      return false;
    }
    arabic_digit |= c >= 0x660 && c <= 0x669;
    extended_digit |= c >= 0x6F0 && c <= 0x6F9;
    katakana_dot |= c == 0x30FB;
    kana_or_han |= IsKanaOrHan(c);
  }
  if ((arabic_digit && extended_digit) || (katakana_dot && !kana_or_han)) return false;
  CheckBidiLabel(cp, n, st);
  return true;
}

constexpr uint32_t kBase = 36, kTMin = 1, kTMax = 26;

uint32_t Adapt(uint32_t delta, uint32_t points, bool first) {
  delta = first ? delta / 700 : delta / 2;
  delta += delta / points;
  uint32_t k = 0;
  while (delta > ((kBase - kTMin) * kTMax) / 2) {
    delta /= kBase - kTMin;
    k += kBase;
  }
  return k + (kBase - kTMin + 1) * delta / (delta + 38);
}

uint32_t Threshold(uint32_t k, uint32_t bias) {
  return k <= bias ? kTMin : k >= bias + kTMax ? kTMax : k - bias;
}

// RFC 3492 decoding into at most kMaxLabelCps code points.
bool PunyDecode(Sv in, char32_t* out, size_t* out_len) {
  size_t b = in.rfind('-'), len = 0, pos = 0;
  if (b != kNpos) {
    if (b > kMaxLabelCps) return false;
    for (; len < b; ++len) out[len] = static_cast<unsigned char>(in[len]);
    pos = b + 1;
  }
  uint64_t n = 128, i = 0, bias = 72;
  while (pos < in.size()) {
    uint64_t old_i = i, w = 1;
    for (uint32_t k = kBase;; k += kBase) {
      if (pos >= in.size()) return false;
      char c = in[pos++];
      uint32_t digit = IsDigit(c) ? c - '0' + 26 : IsAlpha(c) ? (c | 0x20) - 'a' : kBase;
      if (digit >= kBase) return false;
      i += digit * w;  // the bounds below keep i and w far from overflow
      uint32_t t = Threshold(k, static_cast<uint32_t>(bias));
      if (i > (1ull << 40)) return false;
      if (digit < t) break;
      w *= kBase - t;
      if (w > (1ull << 40)) return false;
    }
    if (len >= kMaxLabelCps) return false;
    bias = Adapt(static_cast<uint32_t>(i - old_i), static_cast<uint32_t>(len + 1), old_i == 0);
    n += i / (len + 1);
    i %= len + 1;
    if (n > 0x10FFFF || n < 0x80 || (n >= 0xD800 && n <= 0xDFFF)) return false;
    for (size_t j = len; j > i; --j) out[j] = out[j - 1];
    out[i++] = static_cast<char32_t>(n);
    ++len;
  }
  *out_len = len;
  return true;
}

// RFC 3492 encoding; returns the encoded length, or > cap when too long.
size_t PunyEncode(const char32_t* in, size_t len, char* out, size_t cap) {
  size_t o = 0, basic = 0;
  auto put = [&](char c) {
    if (o < cap) out[o] = c;
    ++o;
  };
  for (size_t j = 0; j < len; ++j) {
    if (in[j] < 0x80) {
      put(static_cast<char>(in[j]));
      ++basic;
    }
  }
  if (basic > 0) put('-');
  uint32_t n = 128, delta = 0, bias = 72;
  for (size_t h = basic; h < len && o <= cap;) {
    char32_t m = 0x10FFFF;
    for (size_t j = 0; j < len; ++j)
      if (in[j] >= n && in[j] < m) m = in[j];
    delta += (m - n) * static_cast<uint32_t>(h + 1);
    n = m;
    for (size_t j = 0; j < len; ++j) {
      if (in[j] < n) ++delta;
      if (in[j] != n) continue;
      uint32_t q = delta;
      for (uint32_t k = kBase;; k += kBase) {
        uint32_t t = Threshold(k, bias);
        if (q < t) break;
        uint32_t d = t + (q - t) % (kBase - t);
        put(static_cast<char>(d < 26 ? 'a' + d : '0' + d - 26));
        q = (q - t) / (kBase - t);
      }
      put(static_cast<char>(q < 26 ? 'a' + q : '0' + q - 26));
      bias = Adapt(delta, static_cast<uint32_t>(h + 1), h == basic);
      delta = 0;
      ++h;
    }
    ++delta;
    ++n;
  }
  return o;
}

// An ASCII LDH label; "xn--" labels must be canonical Punycode of a valid
// U-label. `idn` also rejects other labels with "--" in positions 3 and 4.
bool CheckAsciiLabel(Sv label, bool idn, BidiState* st) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
    return false;
  for (char c : label)
    if (!IsAlnum(c) && c != '-') return false;
  if (label.size() < 4 || label[2] != '-' || label[3] != '-') {
    if (!IsAlpha(label[0])) st->any_fail = true;  // bidi: an LTR label starts with L
    return true;
  }
  if (!LowerEq(label[0], 'x') || !LowerEq(label[1], 'n')) return !idn;
  char32_t cp[kMaxLabelCps + 1];
  size_t n = 0;
  Sv puny = label.substr(4);
  if (!PunyDecode(puny, cp, &n) || n == 0) return false;
  bool any_high = false;
  for (size_t i = 0; i < n; ++i) any_high |= cp[i] >= 0x80;
  char enc[64];
  size_t len = PunyEncode(cp, n, enc, sizeof enc);
  if (!any_high || len != puny.size()) return false;
  for (size_t i = 0; i < len; ++i)
    if (!LowerEq(enc[i], puny[i])) return false;
  return CheckULabel(cp, n, st);
}

// Decodes one UTF-8 sequence at s[*i]; 0xFFFFFFFF on malformed input.
char32_t NextCp(Sv s, size_t* i) {
  unsigned char c = static_cast<unsigned char>(s[(*i)++]);
  if (c < 0x80) return c;
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
  if (extra < 0 || c > 0xF4 || *i + extra > s.size()) return 0xFFFFFFFF;
  char32_t cp = c & (0x3F >> extra);
  for (int k = 0; k < extra; ++k) {
    unsigned char d = static_cast<unsigned char>(s[(*i)++]);
    if ((d & 0xC0) != 0x80) return 0xFFFFFFFF;
    cp = (cp << 6) | (d & 0x3F);
  }
  // Beyond U+10FFFF, surrogates and overlong forms are malformed: the punycode
  // encoder would never finish on a code point past the Unicode range.
  static const char32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp < kSmallest[extra]) return 0xFFFFFFFF;
  return cp;
}

bool IsIdnDot(char32_t c) { return c == '.' || c == 0x3002 || c == 0xFF0E || c == 0xFF61; }

}  // namespace

// hostname (RFC 1123, A-labels checked) and idn-hostname (U-labels allowed,
// label separators of UTS 46 accepted, length measured in A-label form).
bool IsValidHostname(std::string_view s, bool idn) {
  if (s.empty() || s.size() > (idn ? 253 * 4 : 253)) return false;
  BidiState st;
  size_t total = 0, i = 0, labels = 0;
  while (true) {
    size_t start = i, end = kNpos;
    bool ascii = true;
    char32_t cp[kMaxLabelCps + 1];
    size_t n = 0;
    while (i < s.size() && n <= kMaxLabelCps) {
      size_t before = i;
      char32_t c = NextCp(s, &i);
      if (c == 0xFFFFFFFF) return false;
      if (c == '.' || (idn && IsIdnDot(c))) {
        end = before;
        break;
      }
      if (c >= 0x80) ascii = false;
      cp[n++] = c;
    }
    bool at_end = end == kNpos;
    if (at_end) end = i;
    if (!idn && !ascii) return false;
    if (n == 0 || n > kMaxLabelCps) return false;
    if (ascii) {
      if (!CheckAsciiLabel(s.substr(start, end - start), idn, &st)) return false;
      total += n;
    } else {
      char enc[64];
      size_t len = PunyEncode(cp, n, enc, sizeof enc);
      if (len + 4 > 63 || !CheckULabel(cp, n, &st)) return false;
      total += len + 4;
    }
    ++labels;
    if (at_end) break;
  }
  total += labels - 1;
  return total <= 253 && !(st.any_rtl && st.any_fail);
}

}  // namespace schemareg
