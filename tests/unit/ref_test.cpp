#include "core/ref.hpp"

#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace schemareg {
namespace {

// Parses `text` expecting failure; returns the Error for inspection.
Error ParseRefError(const std::string& text) {
  try {
    ParseRef(text);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "ParseRef(\"" << text << "\") did not throw";
  return Error("", "");
}

Error CheckNameError(const std::string& name) {
  try {
    CheckName(name);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "CheckName(\"" << name << "\") did not throw";
  return Error("", "");
}

TEST(ParseRefTest, NameAloneMeansNewestVersion) {
  SchemaRef ref = ParseRef("a");
  EXPECT_EQ(ref.name, "a");
  EXPECT_EQ(ref.version, 0);
}

TEST(ParseRefTest, NameAndVersion) {
  SchemaRef ref = ParseRef("lab/sensor:3");
  EXPECT_EQ(ref.name, "lab/sensor");
  EXPECT_EQ(ref.version, 3);
}

TEST(ParseRefTest, AllNameCharactersAndLargestVersion) {
  SchemaRef ref = ParseRef("a.b-c_d/e:999999999");
  EXPECT_EQ(ref.name, "a.b-c_d/e");
  EXPECT_EQ(ref.version, 999999999);
  EXPECT_EQ(ParseRef("A9/Z_0:1").name, "A9/Z_0");
}

TEST(ParseRefTest, NameOfMaximumLengthIsAccepted) {
  std::string name(kMaxNameLength, 'n');
  EXPECT_EQ(ParseRef(name).name, name);
  EXPECT_EQ(ParseRef(name + ":7").version, 7);
}

TEST(ParseRefTest, MalformedReferencesThrow22023WithReason) {
  const std::pair<std::string, const char*> kCases[] = {
      {"", "The name is empty."},
      {"a//b", "A segment of the name is empty."},
      {"/a", "A segment of the name is empty."},
      {"a/", "A segment of the name is empty."},
      {"a b", "The name contains the character ' '."},
      {"a:b:1", "It has more than one ':'."},
      {"x:0", "The version must be a positive whole number."},
      {"x:01", "The version must be a positive whole number."},
      {"x:abc", "The version must be a positive whole number."},
      {"x:", "The version must be a positive whole number."},
      {"x:-1", "The version must be a positive whole number."},
      {"x:+1", "The version must be a positive whole number."},
      {":1", "The name is empty."},
      {"x:1:2", "It has more than one ':'."},
      {"x:1234567890", "The version must be a positive whole number."},
      {std::string(kMaxNameLength + 1, 'n'), "The name is longer than 200 characters."},
  };
  for (const auto& [text, detail] : kCases) {
    Error e = ParseRefError(text);
    EXPECT_EQ(e.code(), "22023") << text;
    EXPECT_EQ(e.detail(), detail) << text;
    EXPECT_EQ(std::string(e.what()), "malformed schema reference \"" + text + "\"") << text;
    EXPECT_FALSE(e.hint().empty()) << text;
  }
}

TEST(ParseRefTest, MessageQuotesAtMost250BytesAndMarksTheCut) {
  std::string text(300, 'n');
  Error e = ParseRefError(text);
  EXPECT_EQ(std::string(e.what()), "malformed schema reference \"" + text.substr(0, 250) + "...\"");
}

// True when `s` is well-formed UTF-8 (no cut or stray continuation bytes).
bool IsWellFormedUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t length = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (length == 0 || i + length > s.size()) return false;
    for (size_t k = 1; k < length; k++) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

TEST(ParseRefTest, MessageTruncationKeepsUtf8Whole) {
  // The message goes to ereport: a cut multibyte character is an encoding error there.
  std::string text = std::string(249, 'a') + "\xC3\xA9";
  Error e = ParseRefError(text);
  EXPECT_TRUE(IsWellFormedUtf8(e.what()));
}

TEST(CheckNameTest, AcceptsValidNames) {
  EXPECT_NO_THROW(CheckName("a"));
  EXPECT_NO_THROW(CheckName("lab/sensor"));
  EXPECT_NO_THROW(CheckName("a.b-c_d/e/F9"));
  EXPECT_NO_THROW(CheckName(std::string(kMaxNameLength, 'x')));
}

TEST(CheckNameTest, RejectsInvalidNames) {
  const std::pair<std::string, const char*> kCases[] = {
      {"", "The name is empty."},
      {"a:1", "The name contains the character ':'."},
      {"a//b", "A segment of the name is empty."},
      {"/a", "A segment of the name is empty."},
      {"a/", "A segment of the name is empty."},
      {"a\tb", "The name contains the character '\t'."},
      {"caf\xC3\xA9", "The name contains the character '\xC3\xA9'."},
      {std::string(kMaxNameLength + 1, 'x'), "The name is longer than 200 characters."},
  };
  for (const auto& [name, detail] : kCases) {
    Error e = CheckNameError(name);
    EXPECT_EQ(e.code(), "22023") << name;
    EXPECT_EQ(e.detail(), detail) << name;
  }
}

}  // namespace
}  // namespace schemareg
