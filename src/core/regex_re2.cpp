// The RE2 engine: every pattern that needs no lookaround or backreference.
#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/regex_engine.hpp"
#include "core/regex_translate.hpp"

namespace schemareg {
namespace {

// Per pattern: RE2 refuses programs over about two thirds of this and keeps
// its DFA cache within the rest, so one schema of many patterns stays bounded.
constexpr int64_t kMaxMem = 1 << 20;

class Re2Program : public RegexProgram {
 public:
  explicit Re2Program(std::unique_ptr<re2::RE2> re)
      : re_(std::move(re)),
        // The forward program, and the reverse one RE2 compiles for some
        // searches, at 16 bytes an instruction (at most: RE2 uses 8-12 on
        // programs with thousands), beside about 1 KiB for the RE2 object.
        bytes_(1024 + 2 * 16 * static_cast<size_t>(std::max(re_->ProgramSize(), 0))) {}

  bool Search(std::string_view utf8_text) const override {
    return re2::RE2::PartialMatch(re2::StringPiece(utf8_text.data(), utf8_text.size()), *re_);
  }

  bool backtracking() const override { return false; }

  size_t bytes() const override { return bytes_; }

 private:
  std::unique_ptr<re2::RE2> re_;
  size_t bytes_;
};

}  // namespace

std::unique_ptr<RegexProgram> CompileRe2(std::string_view source, const std::string& re2_text) {
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  options.set_log_errors(false);  // errors go to the caller, never to stderr
  options.set_max_mem(kMaxMem);
  auto re = std::make_unique<re2::RE2>(re2::StringPiece(re2_text.data(), re2_text.size()), options);
  if (!re->ok())
    RefusePattern(source, "cannot be compiled by the safe regex engine: " + re->error());
  return std::make_unique<Re2Program>(std::move(re));
}

}  // namespace schemareg
