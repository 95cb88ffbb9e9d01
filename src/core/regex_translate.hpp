// ECMA-262 patterns ("pattern", "patternProperties") parsed once and spelled
// in the syntax of the engine that runs them (core/regex_engine.hpp).
#pragma once

#include <string>
#include <string_view>

namespace schemareg {

// Throws schemareg::Error (22023) whose message names the pattern (truncated)
// followed by `what`, e.g. "is not a valid ECMA-262 regular expression: ...".
[[noreturn]] void RefusePattern(std::string_view pattern, const std::string& what);

// The engines a pattern is spelled for (core/regex_engine.hpp).
enum class RegexEngine { kRe2, kPcre2 };

struct Translation {
  std::string text;
  // The first feature only a backtracking engine runs ("lookahead",
  // "lookbehind", "a backreference"); empty when RE2 can run the pattern.
  // Spelled for RE2, the text of such a pattern is moot.
  std::string backtracking_feature;
};

// Parses an ECMA-262 pattern (Unicode mode, plus the harmless Annex B
// leniencies such as a literal '{') and spells it for `engine`. Throws
// schemareg::Error (22023) naming the pattern when it is not valid ECMA-262
// or uses what neither engine supports (some \p{...}, counts over 1000,
// more than 1000 nested groups). For PCRE2, \d, \w, \s and '.' become
// explicit classes and every group a numbered one (\k<name> becomes \g{N}).
Translation TranslateEcma(std::string_view ecma, RegexEngine engine);

// Translates an ECMA-262 pattern (Unicode mode, plus the harmless Annex B
// leniencies such as a literal '{') to RE2 syntax. Throws schemareg::Error with
// code sqlstate::kInvalidParameterValue when the pattern is not valid ECMA-262
// or uses a feature RE2 cannot run (lookaround, backreferences); the message
// names the pattern and the feature.
std::string TranslateEcmaToRe2(std::string_view ecma);

// Translates any valid ECMA-262 pattern to PCRE2 syntax, for the options
// CompilePcre2 (core/regex_engine.hpp) compiles with.
std::string TranslateEcmaToPcre2(std::string_view ecma);

}  // namespace schemareg
