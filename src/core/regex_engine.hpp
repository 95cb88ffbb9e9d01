// The engines behind Pattern (core/regex.hpp), each compiling the text that
// core/regex_translate.hpp spelled for it. Internal to the regex files, the
// unit tests and bench/regex_engines.cpp.
#pragma once

#include <chrono>
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
  // The memory the compiled program holds, as its engine accounts it.
  virtual size_t bytes() const = 0;
};

// RE2: linear time, never recursing on the subject. Throws schemareg::Error
// (22023, naming `source`) when RE2 cannot compile `re2_text`.
std::unique_ptr<RegexProgram> CompileRe2(std::string_view source, const std::string& re2_text);

// PCRE2 (core/regex_pcre2.cpp), for the patterns RE2 cannot run. Its Search()
// throws schemareg::Error 54000, naming `source`, when a match exceeds one of
// its hard limits (backtracking steps, memory, time), and XX000 on any other
// failure of PCRE2. Compile throws 22023 when PCRE2 cannot compile
// `pcre2_text` or it is too large. `jit` false runs PCRE2's interpreter
// (the benchmark compares them); otherwise its JIT, where available.
std::unique_ptr<RegexProgram> CompilePcre2(std::string_view source, const std::string& pcre2_text,
                                           bool jit = true);

// Sets what a PCRE2 match may take (200 ms) and returns the previous limit:
// for the unit tests of its other limits, which must not depend on the
// machine's load.
std::chrono::milliseconds SetPcre2TimeLimit(std::chrono::milliseconds limit);

}  // namespace schemareg
