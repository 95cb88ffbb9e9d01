// ECMA-262 regular expressions ("pattern", "patternProperties"), compiled
// once per schema and searched per value. The ECMA parser and translator is
// core/regex_translate.hpp; the engine behind each Pattern core/regex_engine.hpp.
// RE2 is linear-time and never recurses on the subject, so a hostile pattern
// or a huge string cannot exhaust the backend's stack.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace schemareg {

class RegexProgram;

// A compiled pattern. Search() has JSON Schema semantics: unanchored search.
class Pattern {
 public:
  // Throws schemareg::Error (22023) when translation or compilation fails.
  static std::unique_ptr<Pattern> Compile(std::string_view ecma);

  ~Pattern();
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  // True when the pattern matches anywhere in the (UTF-8) text.
  bool Search(std::string_view utf8_text) const;

  // The original ECMA text.
  const std::string& source() const { return source_; }
  // The text it was translated to, in the syntax of its engine.
  const std::string& translated() const { return translated_; }

 private:
  Pattern(std::string source, std::string translated, std::unique_ptr<RegexProgram> program);

  std::string source_;
  std::string translated_;
  std::unique_ptr<RegexProgram> program_;
};

}  // namespace schemareg
