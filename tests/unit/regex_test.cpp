#include "core/regex.hpp"
#include "core/regex_translate.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace schemareg {
namespace {

constexpr const char* kSpaceBody =
    "\\x{9}-\\x{d}\\x{20}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}-\\x{2029}\\x{202f}"
    "\\x{205f}\\x{3000}\\x{feff}";

std::string Tr(std::string_view ecma) { return TranslateEcmaToRe2(ecma); }

bool Matches(std::string_view ecma, std::string_view text) {
  return Pattern::Compile(ecma)->Search(text);
}

// Asserts Compile() rejects the pattern with 22023, naming it and `fragment`.
void ExpectRejected(std::string_view ecma, std::string_view fragment) {
  try {
    Pattern::Compile(ecma);
    ADD_FAILURE() << "accepted: " << ecma;
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_EQ(e.code(), "22023") << ecma;
    EXPECT_NE(message.find("pattern \"" + std::string(ecma) + "\""), std::string::npos) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

TEST(RegexTranslate, ClassEscapesPassThroughAsAscii) {
  EXPECT_EQ(Tr("\\d\\D\\w\\W"), "\\d\\D\\w\\W");
  EXPECT_EQ(Tr("[\\d\\w-]"), "[\\d\\w\\-]");
}

TEST(RegexTranslate, SpaceBecomesExplicitUnicodeClass) {
  EXPECT_EQ(Tr("\\s"), std::string("[") + kSpaceBody + "]");
  EXPECT_EQ(Tr("\\S"), std::string("[^") + kSpaceBody + "]");
  EXPECT_EQ(Tr("[a\\s]"), std::string("[a") + kSpaceBody + "]");
  EXPECT_EQ(Tr("[\\S]"),
            "[\\x{0}-\\x{8}\\x{e}-\\x{1f}\\x{21}-\\x{9f}\\x{a1}-\\x{167f}\\x{1681}-\\x{1fff}"
            "\\x{200b}-\\x{2027}\\x{202a}-\\x{202e}\\x{2030}-\\x{205e}\\x{2060}-\\x{2fff}"
            "\\x{3001}-\\x{fefe}\\x{ff00}-\\x{10ffff}]");
}

TEST(RegexTranslate, CharacterEscapes) {
  EXPECT_EQ(Tr("\\u00e9"), "\\x{e9}");
  EXPECT_EQ(Tr("\\u{1F432}"), "\\x{1f432}");
  EXPECT_EQ(Tr("\\uD83D\\uDC32"), "\\x{1f432}");  // a surrogate pair is one code point
  EXPECT_EQ(Tr("\\x41\\x7e"), "\\x{41}\\x{7e}");
  EXPECT_EQ(Tr("\\cC\\cj"), "\\x{3}\\x{a}");
  EXPECT_EQ(Tr("\\t\\n\\v\\f\\r"), "\\x{9}\\x{a}\\x{b}\\x{c}\\x{d}");
  EXPECT_EQ(Tr("\\0"), "\\x{0}");
  EXPECT_EQ(Tr("[\\b]"), "[\\x{8}]");
}

TEST(RegexTranslate, IdentityEscapesAndLiterals) {
  EXPECT_EQ(Tr("\\/"), "/");
  EXPECT_EQ(Tr("a/b"), "a/b");
  EXPECT_EQ(Tr("\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\"),
            "\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\");
  EXPECT_EQ(Tr("\\-\\#\\ "), "\\-# ");
  EXPECT_EQ(Tr("]}"), "\\]\\}");
  EXPECT_EQ(Tr("🐲é"), "🐲é");
  EXPECT_EQ(Tr("[[:alpha:]]"), "[\\[:alpha:]\\]");
}

TEST(RegexTranslate, AssertionsAndDot) {
  EXPECT_EQ(Tr("^\\bx\\B$"), "^\\bx\\B$");
  EXPECT_EQ(Tr("."), "[^\\n\\r\\x{2028}\\x{2029}]");
  EXPECT_EQ(Tr("[.]"), "[\\.]");
}

TEST(RegexTranslate, EmptyAndFullClasses) {
  EXPECT_EQ(Tr("[^]"), "[\\x{0}-\\x{10ffff}]");
  EXPECT_EQ(Tr("[]"), "[^\\x{0}-\\x{10ffff}]");
  EXPECT_EQ(Tr("[^a-z]"), "[^a-z]");
  EXPECT_EQ(Tr("[\\d-z]"), "[\\d\\-z]");  // Annex B: a set cannot bound a range
  EXPECT_EQ(Tr("[\\s-a]").substr(0, 7), "[\\x{9}-");
  EXPECT_EQ(Tr("[\\w-a-c]"), "[\\w\\-a\\-c]");
  EXPECT_EQ(Tr("[a-\\d]"), "[a\\-\\d]");
  EXPECT_EQ(Tr("[\\u0041-\\u{5A}]"), "[\\x{41}-\\x{5a}]");
}

TEST(RegexTranslate, Quantifiers) {
  EXPECT_EQ(Tr("a{2}b{2,}c{2,3}"), "a{2}b{2,}c{2,3}");
  EXPECT_EQ(Tr("a{2}?b{2,}?c{02,3}?"), "a{2}?b{2,}?c{2,3}?");
  EXPECT_EQ(Tr("a*?b+?c??"), "a*?b+?c??");
  EXPECT_EQ(Tr("(a)*(?:b)+"), "(a)*(?:b)+");
}

TEST(RegexTranslate, BraceThatIsNoQuantifierIsLiteral) {
  EXPECT_EQ(Tr("a{"), "a\\{");
  EXPECT_EQ(Tr("a{,3}"), "a\\{,3\\}");
  EXPECT_EQ(Tr("x{1"), "x\\{1");
  EXPECT_EQ(Tr("{a}"), "\\{a\\}");
  EXPECT_TRUE(Matches("^a{,3}$", "a{,3}"));
}

TEST(RegexTranslate, Groups) {
  EXPECT_EQ(Tr("(?:ab)|(c)"), "(?:ab)|(c)");
  EXPECT_EQ(Tr("(?<year>\\d{4})-(?<m_2>\\d\\d)"), "(?P<year>\\d{4})\\-(?P<m_2>\\d\\d)");
  EXPECT_EQ(Tr("(?<$x>a)(?<é>b)"), "(a)(b)");  // names RE2 cannot take
}

TEST(RegexTranslate, UnicodeProperties) {
  EXPECT_EQ(Tr("\\p{Letter}\\p{Lu}\\P{digit}"), "\\p{L}\\p{Lu}\\P{Nd}");
  EXPECT_EQ(Tr("\\p{gc=Decimal_Number}\\p{Script=Greek}\\p{sc=Latin}"),
            "\\p{Nd}\\p{Greek}\\p{Latin}");
  EXPECT_EQ(Tr("\\p{ASCII}"), "[\\x{0}-\\x{7f}]");
  EXPECT_EQ(Tr("[\\P{ASCII}]"), "[\\x{80}-\\x{10ffff}]");
}

TEST(RegexSearch, IsUnanchored) {
  EXPECT_TRUE(Matches("a+", "xxaayy"));
  EXPECT_TRUE(Matches("f.*o", "foo"));
  EXPECT_FALSE(Matches("X_", "a_x_3"));
  EXPECT_TRUE(Matches("[0-9]{2,}", "a31b"));
  EXPECT_FALSE(Matches("[0-9]{2,}", "answer 1"));
}

TEST(RegexSearch, Anchors) {
  EXPECT_TRUE(Matches("^a*$", "aaa"));
  EXPECT_TRUE(Matches("^a*$", ""));
  EXPECT_FALSE(Matches("^a*$", "abc"));
  EXPECT_TRUE(Matches("^abc$", "abc"));
  EXPECT_FALSE(Matches("^abc$", "abc\n"));  // ECMA $ is the very end
  EXPECT_FALSE(Matches("^abc$", "x\nabc"));
}

TEST(RegexSearch, DotExcludesLineTerminatorsOnly) {
  EXPECT_FALSE(Matches("^.$", "\n"));
  EXPECT_FALSE(Matches("^.$", "\r"));
  EXPECT_FALSE(Matches("^.$", "\u2028"));
  EXPECT_FALSE(Matches("^.$", "\u2029"));
  EXPECT_TRUE(Matches("^.$", "é"));
  EXPECT_TRUE(Matches("^.$", "🐲"));
  EXPECT_TRUE(Matches("^.$", "\v"));
  EXPECT_TRUE(Matches("^[^]$", "\n"));
  EXPECT_TRUE(Matches("^[^a]$", "\n"));
  EXPECT_FALSE(Matches("[]", "abc"));
  EXPECT_FALSE(Matches("a[]", "a"));
  EXPECT_TRUE(Matches("^[\\d-z]$", "-"));
  EXPECT_FALSE(Matches("^[\\d-z]$", "c"));
  EXPECT_FALSE(Matches("^[\\s-a]$", "P"));  // no range from '-' to 'a'
  EXPECT_TRUE(Matches("^[\\s-a]+$", " -a"));
}

TEST(RegexSearch, UnicodeCodePoints) {
  EXPECT_TRUE(Matches("^🐲*$", "🐲🐲"));
  EXPECT_FALSE(Matches("^🐲*$", "🐉"));
  EXPECT_TRUE(Matches("^\\u{1F432}$", "🐲"));
  EXPECT_TRUE(Matches("^\\uD83D\\uDC32$", "🐲"));
  EXPECT_TRUE(Matches("^[🐉🐲]{2}$", "🐲🐉"));
  EXPECT_TRUE(Matches("^\\u00e9$", "é"));
  EXPECT_TRUE(Matches("\\p{Letter}cole", "l'école"));
  EXPECT_FALSE(Matches("\\p{Letter}cole", "L'ÉCOLE"));
  EXPECT_TRUE(Matches("^\\p{digit}+$", "\u09ea\u09e8"));
  EXPECT_TRUE(Matches("^\\p{Script=Greek}+$", "αβγ"));
}

TEST(RegexSearch, WordAndDigitAreAscii) {
  EXPECT_TRUE(Matches("^\\w$", "a"));
  EXPECT_FALSE(Matches("^\\w$", "é"));
  EXPECT_TRUE(Matches("^\\W$", "é"));
  EXPECT_FALSE(Matches("\\wcole", "l'école"));
  EXPECT_TRUE(Matches("^\\d$", "0"));
  EXPECT_FALSE(Matches("^\\d$", "\u07c0"));
  EXPECT_TRUE(Matches("^\\D$", "\u07c0"));
  EXPECT_FALSE(Matches("^\\d+$", "\u09ea\u09e8"));
  EXPECT_FALSE(Matches("[a-z]cole", "l'école"));
  EXPECT_TRUE(Matches("\\bfoo\\b", "a foo."));
  EXPECT_FALSE(Matches("\\bfoo\\b", "afoo"));
  EXPECT_TRUE(Matches("\\Boo", "afoo"));
}

TEST(RegexSearch, SpaceIsEcmaUnicodeSet) {
  for (const char* space : {" ", "\t", "\v", "\f", "\n", "\u00a0", "\ufeff", "\u2029", "\u2003"}) {
    EXPECT_TRUE(Matches("^\\s$", space)) << space;
    EXPECT_FALSE(Matches("^\\S$", space)) << space;
    EXPECT_TRUE(Matches("^[\\s]$", space)) << space;
    EXPECT_FALSE(Matches("^[\\S]$", space)) << space;
    EXPECT_FALSE(Matches("^[^\\s]$", space)) << space;
  }
  for (const char* other : {"\x01", "\u2013", "a", "🐲"}) {
    EXPECT_FALSE(Matches("^\\s$", other)) << other;
    EXPECT_TRUE(Matches("^\\S$", other)) << other;
    EXPECT_TRUE(Matches("^[\\S]$", other)) << other;
  }
}

TEST(RegexSearch, ControlAndOtherEscapes) {
  EXPECT_TRUE(Matches("^\\cC$", "\x03"));
  EXPECT_TRUE(Matches("^\\cc$", "\x03"));
  EXPECT_FALSE(Matches("^\\cC$", "\\cC"));
  EXPECT_TRUE(Matches("^\\t$", "\t"));
  EXPECT_FALSE(Matches("^\\t$", "\\t"));
  EXPECT_TRUE(Matches("^\\0$", std::string_view("\0", 1)));
  EXPECT_TRUE(Matches("^[\\b]$", "\b"));
  EXPECT_TRUE(Matches("^\\x41\\/$", "A/"));
  EXPECT_TRUE(Matches("^a\\.b$", "a.b"));
  EXPECT_FALSE(Matches("^a\\.b$", "axb"));
}

TEST(RegexSearch, QuantifiersAndGroups) {
  EXPECT_TRUE(Matches("^a{2,3}$", "aaa"));
  EXPECT_FALSE(Matches("^a{2,3}$", "aaaa"));
  EXPECT_TRUE(Matches("^a{2,}?$", "aaaa"));
  EXPECT_FALSE(Matches("^a{2}$", "a"));
  EXPECT_TRUE(Matches("^(?<year>\\d{4})-(?:\\d\\d)$", "2024-05"));
  EXPECT_TRUE(Matches("^(?<$x>a)+$", "aa"));
}

TEST(RegexSearch, SourceAndTranslationAreKept) {
  auto pattern = Pattern::Compile("^\\d+.$");
  EXPECT_EQ(pattern->source(), "^\\d+.$");
  EXPECT_EQ(pattern->translated(), "^\\d+[^\\n\\r\\x{2028}\\x{2029}]$");
}

TEST(RegexReject, LookaroundAndBackreferences) {
  try {
    Pattern::Compile("(?=a)b");
    ADD_FAILURE() << "lookahead accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "22023");
    EXPECT_STREQ(e.what(),
                 "pattern \"(?=a)b\" uses lookahead, which the safe regex engine does not support");
  }
  ExpectRejected("(?!a)b", "uses lookahead");
  ExpectRejected("(?<=a)b", "uses lookbehind");
  ExpectRejected("(?<!a)b", "uses lookbehind");
  ExpectRejected("(a)\\1", "uses a backreference");
  ExpectRejected("(?<n>a)\\k<n>", "uses a backreference");
  ExpectRejected("\\p{Alphabetic}", "uses the Unicode property \\p{Alphabetic}");
  ExpectRejected("\\p{LC}", "uses the Unicode property \\p{LC}");
}

TEST(RegexReject, InvalidSyntax) {
  ExpectRejected("(a", "missing ')'");
  ExpectRejected("a)", "unmatched ')'");
  ExpectRejected("[a", "missing ']'");
  ExpectRejected("[a-", "missing ']'");
  ExpectRejected("*a", "nothing to repeat");
  ExpectRejected("a|?", "nothing to repeat");
  ExpectRejected("a**", "nothing to repeat");
  ExpectRejected("a{2}{3}", "nothing to repeat");
  ExpectRejected("{2}", "nothing to repeat");
  ExpectRejected("^*", "nothing to repeat");
  ExpectRejected("\\b+", "nothing to repeat");
  ExpectRejected("a{3,2}", "numbers out of order");
  ExpectRejected("[z-a]", "range out of order");
  ExpectRejected("a\\", "\\ at end of pattern");
  ExpectRejected("\\a", "invalid escape \"\\a\"");
  ExpectRejected("\\k", "invalid escape \"\\k\"");
  ExpectRejected("\\u12", "invalid \\u escape");
  ExpectRejected("\\u{110000}", "out of range");
  ExpectRejected("\\x1", "invalid \\x escape");
  ExpectRejected("\\c1", "invalid \\c escape");
  ExpectRejected("\\01", "octal escapes");
  ExpectRejected("(?i)a", "invalid group");
  ExpectRejected("(?<1a>x)", "invalid group name");
  ExpectRejected("(?<>x)", "invalid group name");
  ExpectRejected("(?<a>x)(?<a>y)", "duplicate group name");
  ExpectRejected("\\p{Letter", "invalid property escape");
  ExpectRejected("a\xff", "invalid UTF-8");
  EXPECT_THROW(Tr("(?=a)"), Error);
}

TEST(RegexReject, RepetitionCountOverRe2Limit) {
  EXPECT_EQ(Tr("a{1000}"), "a{1000}");
  ExpectRejected("a{1001}", "uses a repetition count over 1000");
  ExpectRejected("a{1,1001}", "uses a repetition count over 1000");
  ExpectRejected("a{99999999999999999999}", "uses a repetition count over 1000");
}

TEST(RegexReject, Re2CompileFailure) {
  EXPECT_EQ(Tr("(a{1000}){1000}"), "(a{1000}){1000}");  // valid ECMA-262, too big for RE2
  ExpectRejected("(a{1000}){1000}",
                 "cannot be compiled by the safe regex engine: invalid repetition size");
  ExpectRejected("(\\p{L}{1000})",
                 "cannot be compiled by the safe regex engine: pattern too large");
  ExpectRejected("\\p{Script=Grek}", "cannot be compiled");
}

TEST(RegexSafety, HugeInputNeitherRecursesNorBacktracks) {
  auto pattern = Pattern::Compile("^(a|b)*$");
  std::string text(1000000, 'a');
  EXPECT_TRUE(pattern->Search(text));
  text += 'c';
  EXPECT_FALSE(pattern->Search(text));
  EXPECT_FALSE(Pattern::Compile("^(a+)+$")->Search(text));
}

TEST(RegexSafety, DeepNestingIsRejectedNotOverflowed) {
  std::string ok = std::string(1000, '(') + "a" + std::string(1000, ')');
  EXPECT_TRUE(Pattern::Compile(ok)->Search("xa"));
  std::string deep = std::string(100000, '(') + "a" + std::string(100000, ')');
  try {
    Pattern::Compile(deep);
    ADD_FAILURE() << "deep nesting accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "22023");
    EXPECT_NE(std::string(e.what()).find("more than 1000 nested groups"), std::string::npos);
  }
}

}  // namespace
}  // namespace schemareg
