#include "core/idna.hpp"

#include <string>

#include <gtest/gtest.h>

namespace schemareg {
namespace {

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(IdnaTest, AsciiLabels) {
  EXPECT_TRUE(IsValidHostname("example.com", false));
  EXPECT_TRUE(IsValidHostname("ab--cd", false));
  // Only idn-hostname reserves "--" in positions 3 and 4 for A-labels.
  EXPECT_FALSE(IsValidHostname("ab--cd", true));
  EXPECT_FALSE(IsValidHostname("a_b", false));
  EXPECT_FALSE(IsValidHostname("a..b", false));
}

TEST(IdnaTest, ALabelsAreDecodedAndMustBeCanonical) {
  EXPECT_TRUE(IsValidHostname("xn--bcher-kva.example", false));
  EXPECT_TRUE(IsValidHostname("XN--BCHER-KVA.example", false));
  EXPECT_TRUE(IsValidHostname("xn--bcher-kva.example", true));
  // Decodes to plain ASCII, so it is not an A-label.
  EXPECT_FALSE(IsValidHostname("xn--abc-", false));
  EXPECT_FALSE(IsValidHostname("xn--", false));
  EXPECT_FALSE(IsValidHostname("xn--bcher-kv!", false));
}

TEST(IdnaTest, ULabelsOnlyForIdn) {
  EXPECT_FALSE(IsValidHostname("b\u00FCcher.example", false));
  EXPECT_TRUE(IsValidHostname("b\u00FCcher.example", true));
}

TEST(IdnaTest, Uts46DotsOnlyForIdn) {
  for (const char* dot : {"\u3002", "\uFF0E", "\uFF61"}) {
    std::string name = std::string("a") + dot + "b";
    EXPECT_TRUE(IsValidHostname(name, true)) << name;
    EXPECT_FALSE(IsValidHostname(name, false)) << name;
  }
}

TEST(IdnaTest, MalformedUtf8) {
  EXPECT_FALSE(IsValidHostname("a\xC3", true));
  EXPECT_FALSE(IsValidHostname("\xC0\xAF", true));
  EXPECT_FALSE(IsValidHostname("\xFF", true));
}

// Past U+10FFFF the punycode encoder used to loop forever: now malformed input.
TEST(IdnaTest, CodePointsBeyondUnicodeSurrogatesAndOverlongFormsAreMalformed) {
  EXPECT_FALSE(IsValidHostname("a\xF4\x90\x80\x80", true));
  EXPECT_FALSE(IsValidHostname("a\xED\xA0\x80", true));
  EXPECT_FALSE(IsValidHostname("a\xE0\x80\xAF", true));
  EXPECT_FALSE(IsValidHostname("\xF4\x90\x80\x80.example", true));
}

TEST(IdnaTest, LengthsMeasuredInALabelForm) {
  // 57 x U+00FC encodes to a 63-character A-label, 58 to 64.
  std::string u57 = Repeat("\u00FC", 57);
  EXPECT_TRUE(IsValidHostname(u57, true));
  EXPECT_FALSE(IsValidHostname(Repeat("\u00FC", 58), true));
  std::string three = u57 + "." + u57 + "." + u57 + ".";
  EXPECT_TRUE(IsValidHostname(three + std::string(61, 'a'), true));
  EXPECT_FALSE(IsValidHostname(three + std::string(62, 'a'), true));
}

TEST(IdnaTest, ContextualRules) {
  EXPECT_TRUE(IsValidHostname("l\u00B7l", true));  // MIDDLE DOT between l's
  EXPECT_FALSE(IsValidHostname("a\u00B7l", true));
  EXPECT_TRUE(IsValidHostname("\u0915\u094D\u200D", true));  // ZWJ after virama
  EXPECT_FALSE(IsValidHostname("a\u200Db", true));
  EXPECT_TRUE(IsValidHostname("\u0628\u200C\u0628", true));  // ZWNJ between joiners
  // Either Arabic-Indic digit set alone is fine; mixing them is not (nor would bidi allow it).
  EXPECT_TRUE(IsValidHostname("\u0628\u0660", true));
  EXPECT_TRUE(IsValidHostname("\u0628\u06F0", true));
  EXPECT_FALSE(IsValidHostname("\u0660\u06F0", true));
  EXPECT_FALSE(IsValidHostname("\u0300a", true));      // leading combining mark
  EXPECT_TRUE(IsValidHostname("\u30FB\u3041", true));  // KATAKANA MIDDLE DOT + kana
  EXPECT_FALSE(IsValidHostname("a\u30FBb", true));
}

TEST(IdnaTest, BidiRuleAppliesToWholeNameOnceAnyLabelIsRtl) {
  EXPECT_TRUE(IsValidHostname("\u05D0", true));
  EXPECT_FALSE(IsValidHostname("a\u05D0", true));
  EXPECT_TRUE(IsValidHostname("1a.example", true));
  EXPECT_FALSE(IsValidHostname("1a.\u05D0", true));
}

}  // namespace
}  // namespace schemareg
