#include "core/ref.hpp"

#include "core/error.hpp"
#include "core/json.hpp"

namespace schemareg {

namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

[[noreturn]] void Malformed(std::string_view text, const std::string& why) {
  // A definition written as a string literal reaches the reference forms of
  // validation_errors and validate_record: say how to reach the others.
  size_t start = text.find_first_not_of(" \t\r\n");
  bool looks_like_json =
      start != std::string_view::npos && (text[start] == '{' || text == "true" || text == "false");
  throw Error(sqlstate::kInvalidParameterValue,
              "malformed schema reference \"" + TruncateUtf8(text, 250) + "\"", why,
              looks_like_json
                  ? "To check a record against a definition that is not registered, pass the "
                    "definition as jsonb: validation_errors('{...}'::jsonb, record), "
                    "validate('{...}', record)."
                  : "A reference is name:version (lab/sensor:3) or a name alone for its newest "
                    "version; a name is segments of letters, digits, '_', '.' and '-' joined by "
                    "'/'.");
}

// Checks `name`, reporting errors against the whole reference `text`.
void ValidateName(std::string_view name, std::string_view text) {
  if (name.empty()) Malformed(text, "The name is empty.");
  if (name.size() > kMaxNameLength) {
    Malformed(text, "The name is longer than " + std::to_string(kMaxNameLength) + " characters.");
  }
  bool segment_empty = true;
  for (size_t i = 0; i < name.size(); i++) {
    char c = name[i];
    if (c == '/') {
      if (segment_empty) Malformed(text, "A segment of the name is empty.");
      segment_empty = true;
    } else if (IsNameChar(c)) {
      segment_empty = false;
    } else {
      // Name the whole UTF-8 sequence, not its first byte.
      size_t length = 1;
      while (i + length < name.size() && (name[i + length] & 0xC0) == 0x80) length++;
      Malformed(text,
                "The name contains the character '" + std::string(name.substr(i, length)) + "'.");
    }
  }
  if (segment_empty) Malformed(text, "A segment of the name is empty.");
}

}  // namespace

void CheckName(std::string_view name) { ValidateName(name, name); }

SchemaRef ParseRef(std::string_view text) {
  SchemaRef ref;
  size_t colon = text.rfind(':');
  std::string_view name = colon == std::string_view::npos ? text : text.substr(0, colon);
  if (colon != std::string_view::npos) {
    std::string_view version = text.substr(colon + 1);
    if (version.empty() || version.size() > 9 || version[0] == '0' ||
        version.find_first_not_of("0123456789") != std::string_view::npos) {
      Malformed(text, "The version must be a positive whole number.");
    }
    ref.version = std::stoi(std::string(version));
  }
  if (name.find(':') != std::string_view::npos) Malformed(text, "It has more than one ':'.");
  ValidateName(name, text);
  ref.name = std::string(name);
  return ref;
}

}  // namespace schemareg
