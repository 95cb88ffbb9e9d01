// The format vocabulary's evaluation: "format" asserts when the options and
// the dialect say so.
#pragma once

#include <string>

#include "core/schema.hpp"
#include "core/vocabularies/validation.hpp"

namespace schemareg::format {

template <typename Ev>
bool CheckString(Ev& ev, const SchemaNode& n, std::string_view s) {
  const ValidateOptions& options = ev.options();
  if (n.format.empty() || !options.assert_formats ||
      (n.format_annotation_only && !options.assert_annotation_formats) ||
      evaluator_detail::FormatOk(n.format, s)) {
    return true;
  }
  ev.Fail("format", "\"" + TruncateUtf8(s, 60) + "\" is not a valid " + n.format);
  return false;
}

}  // namespace schemareg::format
