// ECMA-262 regular expressions ("pattern", "patternProperties"), compiled
// once per schema and searched per value. The ECMA parser and translator is
// core/regex_translate.hpp; the engines behind Pattern core/regex_engine.hpp.
// Every pattern RE2 can run runs on RE2: linear time, no recursion on the
// subject, so a hostile pattern or a huge string cannot exhaust the backend.
// Only patterns with lookahead, lookbehind or backreferences run on PCRE2,
// a backtracking engine, under hard limits (core/regex_pcre2.cpp).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace schemareg {

class RegexProgram;

// The most memory the compiled patterns of one schema may hold: a definition
// of many large patterns (13,000 of ".{999}" are 2 GB) is refused with 54000.
inline constexpr size_t kMaxSchemaPatternBytes = 64 << 20;

// A compiled pattern. Search() has JSON Schema semantics: unanchored search.
class Pattern {
 public:
  // Throws schemareg::Error (22023) when the pattern is not valid ECMA-262,
  // uses what schemareg does not support, or is too large for its engine.
  static std::unique_ptr<Pattern> Compile(std::string_view ecma);

  ~Pattern();
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  // True when the pattern matches anywhere in the (UTF-8) text. On PCRE2,
  // throws schemareg::Error 54000 (naming the pattern) when the match
  // exceeds a hard limit: never a wrong answer.
  bool Search(std::string_view utf8_text) const;

  // Whether the pattern runs on the backtracking engine (PCRE2).
  bool uses_backtracking() const;

  // The memory its compiled program holds (what a schema's patterns may
  // hold in all is capped: kMaxSchemaPatternBytes).
  size_t bytes() const;

  // The original ECMA text.
  const std::string& source() const { return source_; }
  // The text it was translated to, in the syntax of its engine (RE2 or PCRE2).
  const std::string& translated() const { return translated_; }

 private:
  Pattern(std::string source, std::string translated, std::unique_ptr<RegexProgram> program);

  std::string source_;
  std::string translated_;
  std::unique_ptr<RegexProgram> program_;
};

}  // namespace schemareg
