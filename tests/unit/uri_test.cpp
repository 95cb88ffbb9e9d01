#include "core/uri.hpp"

#include <string>
#include <utility>

#include <gtest/gtest.h>

namespace schemareg {
namespace {

constexpr const char* kRfcBase = "http://a/b/c/d;p?q";

TEST(ResolveUriTest, Rfc3986NormalExamples) {
  // RFC 3986 section 5.4.1.
  const std::pair<const char*, const char*> kCases[] = {
      {"g:h", "g:h"},
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y#s"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
  };
  for (const auto& [ref, expected] : kCases) {
    EXPECT_EQ(ResolveUri(kRfcBase, ref), expected) << "ref \"" << ref << "\"";
  }
}

TEST(ResolveUriTest, Rfc3986AbnormalExamples) {
  // RFC 3986 section 5.4.2.
  const std::pair<const char*, const char*> kCases[] = {
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g#s/./x"},
      {"g#s/../x", "http://a/b/c/g#s/../x"},
      {"http:g", "http:g"},  // strict parsers keep the scheme
  };
  for (const auto& [ref, expected] : kCases) {
    EXPECT_EQ(ResolveUri(kRfcBase, ref), expected) << "ref \"" << ref << "\"";
  }
}

TEST(ResolveUriTest, JsonSchemaStyleIds) {
  EXPECT_EQ(ResolveUri("http://example.com/root.json", "other.json"),
            "http://example.com/other.json");
  EXPECT_EQ(ResolveUri("http://example.com/root.json", "#foo"), "http://example.com/root.json#foo");
  EXPECT_EQ(ResolveUri("http://example.com/a/b.json", "#/definitions/x"),
            "http://example.com/a/b.json#/definitions/x");
  // An authority with an empty path merges as if the path were "/".
  EXPECT_EQ(ResolveUri("http://example.com", "x.json"), "http://example.com/x.json");
}

TEST(ResolveUriTest, UrnBases) {
  EXPECT_EQ(ResolveUri("urn:example:root", "#foo"), "urn:example:root#foo");
  EXPECT_EQ(ResolveUri("urn:example:root", ""), "urn:example:root");
  EXPECT_EQ(ResolveUri("urn:example:root", "urn:other:x#/a"), "urn:other:x#/a");
  EXPECT_EQ(ResolveUri("urn:uuid:deadbeef-1234-ffff-ffff-4321feebdaed", "#/definitions/bar"),
            "urn:uuid:deadbeef-1234-ffff-ffff-4321feebdaed#/definitions/bar");
  // A relative path against a base path with no "/" replaces the whole path.
  EXPECT_EQ(ResolveUri("urn:example:root", "other"), "urn:other");
}

TEST(ResolveUriTest, EmptyBase) {
  EXPECT_EQ(ResolveUri("", ""), "");
  EXPECT_EQ(ResolveUri("", "#foo"), "#foo");
  EXPECT_EQ(ResolveUri("", "#/definitions/a"), "#/definitions/a");
  EXPECT_EQ(ResolveUri("", "x.json"), "x.json");
  EXPECT_EQ(ResolveUri("", "http://example.com/x.json#a"), "http://example.com/x.json#a");
}

TEST(SplitFragmentTest, SplitsAtFirstHash) {
  std::string without, fragment = "stale";
  SplitFragment("http://x/y.json", &without, &fragment);
  EXPECT_EQ(without, "http://x/y.json");
  EXPECT_EQ(fragment, "");
  SplitFragment("http://x/y.json#/a/b", &without, &fragment);
  EXPECT_EQ(without, "http://x/y.json");
  EXPECT_EQ(fragment, "/a/b");
  SplitFragment("#", &without, &fragment);
  EXPECT_EQ(without, "");
  EXPECT_EQ(fragment, "");
  SplitFragment("a#b#c", &without, &fragment);
  EXPECT_EQ(without, "a");
  EXPECT_EQ(fragment, "b#c");
}

TEST(PercentDecodeTest, DecodesEscapes) {
  EXPECT_EQ(PercentDecode("%25"), "%");
  EXPECT_EQ(PercentDecode("%7e"), "~");
  EXPECT_EQ(PercentDecode("%7E"), "~");
  EXPECT_EQ(PercentDecode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(PercentDecode("%C3%A9"), "\xC3\xA9");
  EXPECT_EQ(PercentDecode("plain"), "plain");
}

TEST(PercentDecodeTest, KeepsBadEscapes) {
  EXPECT_EQ(PercentDecode("%"), "%");
  EXPECT_EQ(PercentDecode("%2"), "%2");
  EXPECT_EQ(PercentDecode("a%"), "a%");
  EXPECT_EQ(PercentDecode("%zz"), "%zz");
  EXPECT_EQ(PercentDecode("%g1x"), "%g1x");
  EXPECT_EQ(PercentDecode("%%25"), "%%");
  EXPECT_EQ(PercentDecode("100%"), "100%");
}

}  // namespace
}  // namespace schemareg
