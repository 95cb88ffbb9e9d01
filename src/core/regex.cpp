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
  std::string translated = TranslateEcmaToRe2(ecma);
  std::unique_ptr<RegexProgram> program = CompileRe2(ecma, translated);
  return std::unique_ptr<Pattern>(
      new Pattern(std::string(ecma), std::move(translated), std::move(program)));
}

bool Pattern::Search(std::string_view utf8_text) const { return program_->Search(utf8_text); }

}  // namespace schemareg
