#include "core/regex.hpp"
#include "core/regex_translate.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/regex_engine.hpp"

namespace schemareg {
namespace {

constexpr const char* kSpaceBody =
    "\\x{9}-\\x{d}\\x{20}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}-\\x{2029}\\x{202f}"
    "\\x{205f}\\x{3000}\\x{feff}";

std::string Tr(std::string_view ecma) { return TranslateEcmaToRe2(ecma); }
std::string TrPcre2(std::string_view ecma) { return TranslateEcmaToPcre2(ecma); }

// The pattern on PCRE2: an empty lookahead, always true, sends it there.
std::unique_ptr<Pattern> OnPcre2(std::string_view ecma) {
  auto pattern = Pattern::Compile("(?=)" + std::string(ecma));
  EXPECT_TRUE(pattern->uses_backtracking()) << ecma;
  return pattern;
}

// Whether the pattern matches, asserting that both engines say the same: the
// ECMA-262 semantics below hold on RE2 and on PCRE2.
bool Matches(std::string_view ecma, std::string_view text) {
  bool result = Pattern::Compile(ecma)->Search(text);
  EXPECT_EQ(OnPcre2(ecma)->Search(text), result) << "PCRE2 differs on /" << ecma << "/";
  return result;
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

TEST(RegexTranslate, Re2RefusesWhatNeedsBacktracking) {
  try {
    Tr("(?=a)b");
    ADD_FAILURE() << "lookahead translated for RE2";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "22023");
    EXPECT_STREQ(e.what(),
                 "pattern \"(?=a)b\" uses lookahead, which the safe regex engine does not support");
  }
  for (const char* ecma : {"(?!a)b", "(?<=a)b", "(?<!a)b", "(a)\\1", "(?<n>a)\\k<n>"}) {
    EXPECT_THROW(Tr(ecma), Error) << ecma;
  }
}

TEST(RegexReject, UnsupportedOnBothEngines) {
  ExpectRejected("\\p{Alphabetic}", "uses the Unicode property \\p{Alphabetic}");
  ExpectRejected("(?=a)\\p{Alphabetic}", "uses the Unicode property \\p{Alphabetic}");
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

// --- PCRE2: what RE2 cannot run -------------------------------------------

// Asserts that Search() throws 54000 for the limit, naming the pattern, and
// ends well within a second.
void ExpectLimit(const RegexProgram& program, std::string_view source, std::string_view text,
                 std::string_view limit) {
  try {
    program.Search(text);
    ADD_FAILURE() << "no limit hit: " << source;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "54000") << source;
    EXPECT_EQ(std::string(e.what()), "pattern \"" + std::string(source) + "\" exceeded its " +
                                         std::string(limit) + " limit");
    EXPECT_NE(e.detail().find(std::to_string(text.size()) + " bytes"), std::string::npos)
        << e.detail();
    EXPECT_NE(e.hint().find("RE2"), std::string::npos) << e.hint();
  }
}

void ExpectLimit(std::string_view ecma, std::string_view text, std::string_view limit) {
  auto pattern = Pattern::Compile(ecma);
  ASSERT_TRUE(pattern->uses_backtracking()) << ecma;
  ExpectLimit(*CompilePcre2(ecma, TrPcre2(ecma)), ecma, text, limit);
}

TEST(RegexEngine, Re2RunsEveryPatternItCan) {
  for (const char* ecma : {"^rec-[0-9]+$", "\\bfoo\\b", "^(a|b)*$", "(?<year>\\d{4})-(?:\\d\\d)",
                           "[\\s\\S]", "\\p{L}+", "^\\u{1F432}*$", "a{2,3}?"}) {
    auto pattern = Pattern::Compile(ecma);
    EXPECT_FALSE(pattern->uses_backtracking()) << ecma;
    EXPECT_EQ(pattern->translated(), Tr(ecma)) << ecma;
  }
}

TEST(RegexEngine, LookaroundAndBackreferencesRunOnPcre2) {
  for (const char* ecma : {"(?=a)b", "(?!a)b", "(?<=a)b", "(?<!a)b", "(a)\\1", "(?<n>a)\\k<n>",
                           "^(?!@@)[\\w@]+$", "^(?!.*\\bnative\\b).*", "^(?!(?:meta|local)$).*$"}) {
    auto pattern = Pattern::Compile(ecma);
    EXPECT_TRUE(pattern->uses_backtracking()) << ecma;
    EXPECT_EQ(pattern->source(), ecma);
    EXPECT_EQ(pattern->translated(), TrPcre2(ecma)) << ecma;
  }
}

TEST(RegexTranslatePcre2, ClassEscapesAreExplicitAsciiClasses) {
  const std::string digit = "\\x{30}-\\x{39}";
  const std::string word = "\\x{30}-\\x{39}\\x{41}-\\x{5a}\\x{5f}\\x{61}-\\x{7a}";
  EXPECT_EQ(TrPcre2("\\d\\D"), "[" + digit + "][^" + digit + "]");
  EXPECT_EQ(TrPcre2("\\w\\W"), "[" + word + "][^" + word + "]");
  EXPECT_EQ(TrPcre2("[\\w@-]"), "[" + word + "@\\-]");
  EXPECT_EQ(TrPcre2("[\\D]"), "[\\x{0}-\\x{2f}\\x{3a}-\\x{10ffff}]");
  EXPECT_EQ(TrPcre2("\\s"), std::string("[") + kSpaceBody + "]");
  EXPECT_EQ(TrPcre2("\\b.\\B$"), "\\b[^\\n\\r\\x{2028}\\x{2029}]\\B$");
}

TEST(RegexTranslatePcre2, LookaroundGroupsAndBackreferences) {
  EXPECT_EQ(TrPcre2("(?=a)(?!b)(?<=c)(?<!d)"), "(?=a)(?!b)(?<=c)(?<!d)");
  // Every group is numbered; names become numbers, even used before their group.
  EXPECT_EQ(TrPcre2("(?<year>a)(b)\\k<year>\\2"), "(a)(b)\\g{1}\\g{2}");
  // A group not begun yet, or still open, has no capture: the empty string.
  EXPECT_EQ(TrPcre2("\\k<x>(?:y)(?<x>a)"), "(?:)(?:y)(a)");
  EXPECT_EQ(TrPcre2("(a\\1)(?<n>b\\k<n>)\\3(c)"), "(a(?:))(b(?:))(?:)(c)");
  EXPECT_EQ(TrPcre2("(?<é>a)(?<$b>b)\\k<$b>\\k<é>"), "(a)(b)\\g{2}\\g{1}");
  EXPECT_EQ(TrPcre2("(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)\\10"), "(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)\\g{10}");
  EXPECT_EQ(TrPcre2("(a)\\1+"), "(a)\\g{1}+");
  // \p{Script=...} is Script, as in ECMA; PCRE2's bare \p{Greek} is Script_Extensions.
  EXPECT_EQ(TrPcre2("\\p{Script=Greek}\\p{L}\\P{digit}"), "\\p{sc:Greek}\\p{L}\\P{Nd}");
}

TEST(RegexLookaround, RealWorldPatterns) {
  EXPECT_TRUE(Matches("^(?!@@)[\\w@]+$", "@user"));
  EXPECT_TRUE(Matches("^(?!@@)[\\w@]+$", "user@example_42"));
  EXPECT_FALSE(Matches("^(?!@@)[\\w@]+$", "@@user"));
  EXPECT_FALSE(Matches("^(?!@@)[\\w@]+$", ""));
  EXPECT_FALSE(Matches("^(?!@@)[\\w@]+$", "é"));
  EXPECT_FALSE(Matches("^(?!.*\\bnative\\b).*", "a native b"));
  EXPECT_FALSE(Matches("^(?!.*\\bnative\\b).*", "native"));
  EXPECT_TRUE(Matches("^(?!.*\\bnative\\b).*", "nativeness"));
  EXPECT_TRUE(Matches("^(?!.*\\bnative\\b).*", "éanative"));
  EXPECT_FALSE(Matches("^(?!.*\\bnative\\b).*", "énativeé"));  // é is no word character
  EXPECT_TRUE(Matches("^(?!.*\\bnative\\b).*", ""));
  EXPECT_FALSE(Matches("^(?!(?:meta|local)$).*$", "meta"));
  EXPECT_FALSE(Matches("^(?!(?:meta|local)$).*$", "local"));
  EXPECT_TRUE(Matches("^(?!(?:meta|local)$).*$", "metadata"));
  EXPECT_TRUE(Matches("^(?!(?:meta|local)$).*$", ""));
  EXPECT_FALSE(Matches("^(?!(?:meta|local)$).*$", "x\n"));  // '.' stops at the line feed
}

TEST(RegexLookaround, PositiveAndNegativeLookahead) {
  const char* password = "^(?=.*\\d)(?=.*[a-z]).{8,}$";
  EXPECT_TRUE(Matches(password, "abcdefg1"));
  EXPECT_TRUE(Matches(password, "1234567a"));
  EXPECT_FALSE(Matches(password, "abcdefgh"));
  EXPECT_FALSE(Matches(password, "abc1"));
  EXPECT_FALSE(Matches(password, "abcdefg\u0661"));  // ARABIC-INDIC DIGIT ONE is no \d
  EXPECT_TRUE(Matches("q(?!u)", "qatar"));
  EXPECT_FALSE(Matches("q(?!u)", "queen"));
  EXPECT_TRUE(Matches("q(?=u)", "queen"));
  EXPECT_TRUE(Matches("(?=)", ""));
  EXPECT_FALSE(Matches("(?!)", "anything"));
  // Lookahead is atomic: the capture is not retried with a shorter text.
  EXPECT_TRUE(Matches("(?=(a+))a*b\\1", "baaabac"));
  EXPECT_FALSE(Matches("(?=(a+))a*b\\1", "baaabc"));
}

TEST(RegexLookaround, PositiveAndNegativeLookbehind) {
  EXPECT_TRUE(Matches("(?<=\\$)\\d+", "cost $42"));
  EXPECT_FALSE(Matches("(?<=\\$)\\d+", "cost 42"));
  EXPECT_TRUE(Matches("(?<!\\$)\\b\\d+", "cost 42"));
  EXPECT_FALSE(Matches("(?<!\\$)\\b\\d+", "cost $42"));
  EXPECT_TRUE(Matches("^\\w+(?<!_)$", "abc"));
  EXPECT_FALSE(Matches("^\\w+(?<!_)$", "abc_"));
  EXPECT_TRUE(Matches("(?<=🐲)x", "🐲x"));  // a code point, not a byte
  EXPECT_FALSE(Matches("(?<=é)x", "ex"));
  EXPECT_TRUE(Matches("(?<=^|,)b", "a,b"));
}

TEST(RegexLookaround, NotQuantifiable) {
  ExpectRejected("(?=a)*", "nothing to repeat");
  ExpectRejected("a(?<!a)+", "nothing to repeat");
  ExpectRejected("(?=a", "missing ')'");
  ExpectRejected("(?<a", "invalid group name");
}

TEST(RegexBackreference, NumberedAndNamed) {
  EXPECT_TRUE(Matches("^(\\w+) \\1$", "hey hey"));
  EXPECT_FALSE(Matches("^(\\w+) \\1$", "hey you"));
  EXPECT_FALSE(Matches("^(a)\\1$", "aA"));  // case-sensitive
  EXPECT_TRUE(Matches("^(?<q>['\"]).*\\k<q>$", "'a'"));
  EXPECT_FALSE(Matches("^(?<q>['\"]).*\\k<q>$", "'a\""));
  EXPECT_TRUE(Matches("^(?<é>.)\\k<é>$", "🐲🐲"));
  EXPECT_FALSE(Matches("^(?<é>.)\\k<é>$", "🐲🐉"));
  EXPECT_TRUE(Matches("^(?<$x>a)\\k<$x>$", "aa"));
  EXPECT_TRUE(Matches("^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10$", "abcdefghijj"));
  EXPECT_FALSE(Matches("^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10$", "abcdefghija0"));
}

TEST(RegexBackreference, UnsetGroupMatchesEmpty) {
  // ECMA: a group that did not take part, or comes later, matches "".
  EXPECT_TRUE(Matches("^(?:(a)|b)\\1$", "b"));
  EXPECT_TRUE(Matches("^(?:(a)|b)\\1$", "aa"));
  EXPECT_FALSE(Matches("^(?:(a)|b)\\1$", "ab"));
  EXPECT_TRUE(Matches("^\\1(a)$", "a"));
  EXPECT_TRUE(Matches("^\\k<n>(?<n>x)$", "x"));
}

TEST(RegexBackreference, ToAGroupOpenOrNotBegunMatchesEmptyOnRe2) {
  // ECMA sets a capture when its group ends and clears it at each iteration
  // of a quantified atom around the group: such references need no PCRE2.
  for (const char* ecma : {"^(a\\1)+$", "^\\1(a)$", "^(?:\\1(a))+$", "^(?<n>x\\k<n>)+$"}) {
    EXPECT_FALSE(Pattern::Compile(ecma)->uses_backtracking()) << ecma;
  }
  EXPECT_EQ(Tr("^(a\\1)+$"), "^(a(?:))+$");
  EXPECT_TRUE(Matches("^(a\\1)+$", "aa"));
  EXPECT_TRUE(Matches("^(\\1.){2}$", "ab"));
  EXPECT_FALSE(Matches("^(\\1.){2}$", "aba"));
  EXPECT_TRUE(Matches("^(?:\\1(a))+$", "aaa"));
  EXPECT_TRUE(Matches("^(?<n>x\\k<n>)+$", "xx"));
}

TEST(RegexBackreference, InvalidReferences) {
  ExpectRejected("(a)\\2", "backreference to group 2, which does not exist");
  ExpectRejected("\\1", "backreference to group 1, which does not exist");
  ExpectRejected("(?<y>a)\\k<x>", "backreference to the unknown group name \"x\"");
  ExpectRejected("\\k<1>", "invalid group name");
  ExpectRejected("(a)[\\1]", "invalid escape \"\\1\"");
  ExpectRejected("(a)\\k", "invalid escape \"\\k\"");
  ExpectRejected("(?<=a+)b", "cannot be compiled by the backtracking regex engine");
  ExpectRejected("(a)(?<=\\1)b", "uses a backreference inside lookbehind");
  ExpectRejected("(?<=\\k<x>(?<x>a))b", "uses a backreference inside lookbehind");
}

TEST(RegexPcre2, SubjectsOfAnyBytes) {
  auto pattern = OnPcre2("a");
  // Invalid UTF-8 (jsonb has none) matches nothing and fails nothing.
  EXPECT_TRUE(pattern->Search(std::string("\xff") + "a"));
  EXPECT_FALSE(pattern->Search("\xff\xfe"));
  EXPECT_FALSE(pattern->Search(std::string_view()));
  EXPECT_TRUE(OnPcre2("^$")->Search(std::string_view()));
  EXPECT_FALSE(OnPcre2("\\uD800")->Search("\u00e9"));  // a lone surrogate compiles
  EXPECT_TRUE(OnPcre2("^a\\0b$")->Search(std::string_view("a\0b", 3)));
}

TEST(RegexPcre2, LongSubjectsWithinTheLimits) {
  // Linear patterns on 1,000,000 characters, JIT and interpreter alike.
  std::string text(1000000, 'a');
  for (bool jit : {true, false}) {
    auto program = CompilePcre2("", TrPcre2("^(?!@@)[\\w@]+$"), jit);
    EXPECT_TRUE(program->Search(text));
    EXPECT_FALSE(program->Search(text + " "));
  }
  std::string prose;
  while (prose.size() < 1000000) prose += "the nativeness of words ";
  EXPECT_TRUE(Pattern::Compile("^(?!.*\\bnative\\b).*")->Search(prose));
  EXPECT_FALSE(Pattern::Compile("^(?!.*\\bnative\\b).*")->Search(prose + "native"));
  EXPECT_TRUE(Pattern::Compile("^(?=a)(?:a|b)*$")->Search(std::string(100000, 'a')));
}

TEST(RegexLimits, ExponentialBacktrackingIs54000) {
  std::string thirty(30, 'a');
  ExpectLimit("^(a+)+\\1$", thirty + "!", "match");
  ExpectLimit("^(?=(a+)+[bc])", thirty, "match");
  ExpectLimit("(?=(a*)*b)", std::string(1000000, 'a'), "match");
  ExpectLimit("^(\\w+\\s?)*(?<=x)$", "An input string that takes a long time!", "match");
  // The interpreter, where the JIT is unavailable, under the same limits.
  ExpectLimit(*CompilePcre2("^(a+)+\\1$", TrPcre2("^(a+)+\\1$"), false), "^(a+)+\\1$", thirty + "!",
              "match");
}

TEST(RegexLimits, WorkTheMatchLimitDoesNotCountHitsTheTimeLimit) {
  // Each start position scans the rest of the string again: cubic, and
  // PCRE2 counts no backtracking step for it.
  ExpectLimit("(?=a*a*[bc])", std::string(100000, 'a'), "time");
  ExpectLimit(*CompilePcre2("(?=a*[bc])", TrPcre2("(?=a*[bc])"), false), "(?=a*[bc])",
              std::string(1000000, 'a'), "time");
}

TEST(RegexLimits, DeepBacktrackingHitsTheMemoryLimits) {
  // Without the time limit, which a loaded machine could reach first.
  auto previous = SetPcre2TimeLimit(std::chrono::hours(1));
  std::string text(1000000, 'a');
  const char* ecma = "^(?=a)(?:a|b)*$";  // a backtracking point per character
  ExpectLimit(ecma, text, "memory");     // the JIT stack
  ExpectLimit(*CompilePcre2(ecma, TrPcre2(ecma), false), ecma, text.substr(0, 60000), "depth");
  EXPECT_TRUE(Pattern::Compile("^(?:a|b)*$")->Search(text));  // RE2 needs no backtracking
  SetPcre2TimeLimit(previous);
}

TEST(RegexLimits, TheMessageNamesALongPatternTruncated) {
  std::string ecma = "^(a+)+\\1";
  for (int i = 0; i < 60; ++i) ecma += "[xy]?";  // no required character to look for first
  ecma += "$";
  try {
    Pattern::Compile(ecma)->Search(std::string(30, 'a') + "!");
    ADD_FAILURE() << "no limit hit";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "54000");
    EXPECT_EQ(std::string(e.what()),
              "pattern \"" + ecma.substr(0, 200) + "...\" exceeded its match limit");
  }
}

TEST(RegexLimits, PatternTooLargeForPcre2Is22023) {
  std::string spaces;
  for (int i = 0; i < 1000; ++i) spaces += "\\S";  // each some 100 bytes once translated
  std::string deep = "(?=a)" + std::string(300, '(') + "a" + std::string(300, ')');
  for (const std::string& ecma :
       {"(?=a)[" + spaces + "]", std::string("(?=a)(?:(?:ab){1000}){30}"), deep}) {
    try {
      Pattern::Compile(ecma);
      ADD_FAILURE() << "accepted: " << ecma.substr(0, 50);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "22023");
      EXPECT_EQ(std::string(e.what()).rfind("pattern \"" + ecma.substr(0, 20), 0), 0u);
      EXPECT_NE(std::string(e.what()).find(" the backtracking regex engine"), std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace schemareg
