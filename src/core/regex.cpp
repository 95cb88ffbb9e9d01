#include "core/regex.hpp"

#include <utility>

#include "core/regex_engine.hpp"
#include "core/regex_translate.hpp"

namespace schemareg {

Pattern::Pattern(std::string source, std::string translated, std::unique_ptr<RegexProgram> program)
    : source_(std::move(source)),
      translated_(std::move(translated)),
      program_(std::move(program)) {}

Pattern::~Pattern() = default;

std::unique_ptr<Pattern> Pattern::Compile(std::string_view ecma) {
  Translation translation = TranslateEcma(ecma, RegexEngine::kRe2);
  std::unique_ptr<RegexProgram> program;
  if (translation.backtracking_feature.empty()) {
    program = CompileRe2(ecma, translation.text);
  } else {
    translation = TranslateEcma(ecma, RegexEngine::kPcre2);
    program = CompilePcre2(ecma, translation.text);
  }
  return std::unique_ptr<Pattern>(
      new Pattern(std::string(ecma), std::move(translation.text), std::move(program)));
}

bool Pattern::Search(std::string_view utf8_text) const { return program_->Search(utf8_text); }

bool Pattern::uses_backtracking() const { return program_->backtracking(); }

size_t Pattern::bytes() const { return program_->bytes() + source_.size() + translated_.size(); }

}  // namespace schemareg
