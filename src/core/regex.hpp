// ECMA-262 regular expressions ("pattern", "patternProperties") run on RE2.
// RE2 is linear-time and never recurses on the subject, so a hostile pattern
// or a huge string cannot exhaust the backend's stack.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}  // namespace re2

namespace schemareg {

// Translates an ECMA-262 pattern (Unicode mode, plus the harmless Annex B
// leniencies such as a literal '{') to RE2 syntax. Throws schemareg::Error with
// code sqlstate::kInvalidParameterValue when the pattern is not valid ECMA-262
// or uses a feature RE2 cannot run (lookaround, backreferences); the message
// names the pattern and the feature.
std::string TranslateEcmaToRe2(std::string_view ecma);

// A compiled pattern. Search() has JSON Schema semantics: unanchored search.
class Pattern {
 public:
  // Throws schemareg::Error (22023) when translation or RE2 compilation fails.
  static std::unique_ptr<Pattern> Compile(std::string_view ecma);

  ~Pattern();
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  // True when the pattern matches anywhere in the (UTF-8) text.
  bool Search(std::string_view utf8_text) const;

  // The original ECMA text.
  const std::string& source() const { return source_; }
  // The RE2 text it was translated to.
  const std::string& translated() const { return translated_; }

 private:
  Pattern(std::string source, std::string translated, std::unique_ptr<re2::RE2> re);

  std::string source_;
  std::string translated_;
  std::unique_ptr<re2::RE2> re_;
};

}  // namespace schemareg
