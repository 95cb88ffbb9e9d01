// ECMA-262 patterns ("pattern", "patternProperties") parsed once and spelled
// in the syntax of the engine that runs them (core/regex_engine.hpp).
#pragma once

#include <string>
#include <string_view>

namespace schemareg {

// Throws schemareg::Error (22023) whose message names the pattern (truncated)
// followed by `what`, e.g. "is not a valid ECMA-262 regular expression: ...".
[[noreturn]] void RefusePattern(std::string_view pattern, const std::string& what);

// Translates an ECMA-262 pattern (Unicode mode, plus the harmless Annex B
// leniencies such as a literal '{') to RE2 syntax. Throws schemareg::Error with
// code sqlstate::kInvalidParameterValue when the pattern is not valid ECMA-262
// or uses a feature RE2 cannot run (lookaround, backreferences); the message
// names the pattern and the feature.
std::string TranslateEcmaToRe2(std::string_view ecma);

}  // namespace schemareg
