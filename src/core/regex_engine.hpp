// The engines behind Pattern (core/regex.hpp), each compiling the text that
// core/regex_translate.hpp spelled for it. Internal to the regex files, the
// unit tests and bench/regex_engines.cpp.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace schemareg {

// One compiled program of one engine.
class RegexProgram {
 public:
  virtual ~RegexProgram() = default;
  // Unanchored search of the UTF-8 text.
  virtual bool Search(std::string_view utf8_text) const = 0;
  // Whether the engine backtracks (and so runs under hard limits).
  virtual bool backtracking() const = 0;
};

// RE2: linear time, never recursing on the subject. Throws schemareg::Error
// (22023, naming `source`) when RE2 cannot compile `re2_text`.
std::unique_ptr<RegexProgram> CompileRe2(std::string_view source, const std::string& re2_text);

}  // namespace schemareg
