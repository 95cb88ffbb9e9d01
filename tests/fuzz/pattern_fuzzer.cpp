// libFuzzer target: ECMA-262 patterns compiled (translated to RE2) and
// searched. Input: the pattern, then NUL-separated subjects to search; the
// pattern is also searched for in itself.
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <memory>

#include "core/regex.hpp"
#include "fuzz.hpp"

using namespace schemareg;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view pattern_text, subjects;
  std::tie(pattern_text, subjects) = fuzz::SplitFirst(fuzz::Text(data, size), '\0');
  std::unique_ptr<Pattern> pattern;
  if (!fuzz::Expect("compile", [&] { pattern = Pattern::Compile(pattern_text); })) return 0;
  pattern->Search(pattern_text);
  while (!subjects.empty()) {
    auto [subject, rest] = fuzz::SplitFirst(subjects, '\0');
    pattern->Search(subject);
    subjects = rest;
  }
  return 0;
}
