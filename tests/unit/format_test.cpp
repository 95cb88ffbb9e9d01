#include "core/format.hpp"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace schemareg {
namespace {

constexpr FormatResult kValid = FormatResult::kValid;
constexpr FormatResult kInvalid = FormatResult::kInvalid;

FormatResult Check(std::string_view format, std::string_view value) {
  return CheckFormat(format, value);
}

TEST(FormatTest, DateTimeValid) {
  EXPECT_EQ(Check("date-time", "1963-06-19T08:30:06.283185Z"), kValid);
  EXPECT_EQ(Check("date-time", "1963-06-19T08:30:06Z"), kValid);
  EXPECT_EQ(Check("date-time", "1963-06-19t08:30:06.283185z"), kValid);
  EXPECT_EQ(Check("date-time", "1937-01-01T12:00:27.87+00:20"), kValid);
  EXPECT_EQ(Check("date-time", "1990-12-31T15:59:50.123-08:00"), kValid);
  EXPECT_EQ(Check("date-time", "1998-12-31T23:59:60Z"), kValid);
  EXPECT_EQ(Check("date-time", "1998-12-31T15:59:60.123-08:00"), kValid);
  EXPECT_EQ(Check("date-time", "2020-02-29T00:00:00Z"), kValid);
  EXPECT_EQ(Check("date-time", "1985-04-12T00:59:59.999999999999999Z"), kValid);
}

TEST(FormatTest, DateTimeInvalid) {
  EXPECT_EQ(Check("date-time", "1998-12-31T23:59:61Z"), kInvalid);
  EXPECT_EQ(Check("date-time", "1998-12-31T23:58:60Z"), kInvalid);
  EXPECT_EQ(Check("date-time", "1990-12-31T24:00:00Z"), kInvalid);
  EXPECT_EQ(Check("date-time", "1990-02-31T15:59:59.123-08:00"), kInvalid);
  EXPECT_EQ(Check("date-time", "2021-02-29T00:00:00Z"), kInvalid);
  EXPECT_EQ(Check("date-time", "1990-12-31T15:59:59-24:00"), kInvalid);
  EXPECT_EQ(Check("date-time", "1963-06-19T08:30:06.28123+01:00Z"), kInvalid);
  EXPECT_EQ(Check("date-time", "1963-06-19 08:30:06Z"), kInvalid);
  EXPECT_EQ(Check("date-time", "1963-06-19T08:30:06"), kInvalid);
  EXPECT_EQ(Check("date-time", "1963-06-19T08:30:06.Z"), kInvalid);
  EXPECT_EQ(Check("date-time", "1985-04-12T23:20:50+01"), kInvalid);
  EXPECT_EQ(Check("date-time", "1985-04-12T23:20:50Z\n"), kInvalid);
  EXPECT_EQ(Check("date-time", "+11963-06-19T08:30:06Z"), kInvalid);
  EXPECT_EQ(Check("date-time", ""), kInvalid);
}

TEST(FormatTest, Date) {
  EXPECT_EQ(Check("date", "2020-02-29"), kValid);
  EXPECT_EQ(Check("date", "0400-02-29"), kValid);
  EXPECT_EQ(Check("date", "2020-04-30"), kValid);
  EXPECT_EQ(Check("date", "0001-01-01"), kValid);
  EXPECT_EQ(Check("date", "2021-02-29"), kInvalid);
  EXPECT_EQ(Check("date", "2100-02-29"), kInvalid);
  EXPECT_EQ(Check("date", "2020-04-31"), kInvalid);
  EXPECT_EQ(Check("date", "2020-13-01"), kInvalid);
  EXPECT_EQ(Check("date", "2020-00-10"), kInvalid);
  EXPECT_EQ(Check("date", "2020-01-00"), kInvalid);
  EXPECT_EQ(Check("date", "1998-1-20"), kInvalid);
  EXPECT_EQ(Check("date", "20230328"), kInvalid);
  EXPECT_EQ(Check("date", "2020-01-01Z"), kInvalid);
  EXPECT_EQ(Check("date", ""), kInvalid);
}

TEST(FormatTest, Time) {
  EXPECT_EQ(Check("time", "08:30:06Z"), kValid);
  EXPECT_EQ(Check("time", "23:59:60Z"), kValid);
  EXPECT_EQ(Check("time", "23:59:60+00:00"), kValid);
  EXPECT_EQ(Check("time", "01:29:60+01:30"), kValid);
  EXPECT_EQ(Check("time", "00:29:60-23:30"), kValid);
  EXPECT_EQ(Check("time", "23:20:50.52z"), kValid);
  EXPECT_EQ(Check("time", "12:34:56-00:00"), kValid);
  EXPECT_EQ(Check("time", "22:59:60Z"), kInvalid);
  EXPECT_EQ(Check("time", "23:59:60+01:00"), kInvalid);
  EXPECT_EQ(Check("time", "00:00:61Z"), kInvalid);
  EXPECT_EQ(Check("time", "12:00:00"), kInvalid);
  EXPECT_EQ(Check("time", "01:02:03Z+00:30"), kInvalid);
  EXPECT_EQ(Check("time", "08:30:06-8:000"), kInvalid);
  EXPECT_EQ(Check("time", "01:01:01,1111Z"), kInvalid);
}

TEST(FormatTest, Duration) {
  EXPECT_EQ(Check("duration", "P4DT12H30M5S"), kValid);
  EXPECT_EQ(Check("duration", "P2W"), kValid);
  EXPECT_EQ(Check("duration", "PT36H"), kValid);
  EXPECT_EQ(Check("duration", "P1Y2M3DT4H5M6S"), kValid);
  EXPECT_EQ(Check("duration", "P1M"), kValid);
  EXPECT_EQ(Check("duration", "P"), kInvalid);
  EXPECT_EQ(Check("duration", "PT"), kInvalid);
  EXPECT_EQ(Check("duration", "P1YT"), kInvalid);
  EXPECT_EQ(Check("duration", "PT1D"), kInvalid);
  EXPECT_EQ(Check("duration", "P2D1Y"), kInvalid);
  EXPECT_EQ(Check("duration", "P1Y2D"), kInvalid);
  EXPECT_EQ(Check("duration", "P1Y2W"), kInvalid);
  EXPECT_EQ(Check("duration", "PT0.5S"), kInvalid);
  EXPECT_EQ(Check("duration", "-P1D"), kInvalid);
}

TEST(FormatTest, Email) {
  EXPECT_EQ(Check("email", "joe.bloggs@example.com"), kValid);
  EXPECT_EQ(Check("email", "te~st@example.com"), kValid);
  EXPECT_EQ(Check("email", "\"joe bloggs\"@example.com"), kValid);
  EXPECT_EQ(Check("email", "\"a\\\"b@c\"@example.com"), kValid);
  EXPECT_EQ(Check("email", "joe@[192.168.0.1]"), kValid);
  EXPECT_EQ(Check("email", "joe@[IPv6:::1]"), kValid);
  EXPECT_EQ(Check("email", "2962"), kInvalid);
  EXPECT_EQ(Check("email", ".test@example.com"), kInvalid);
  EXPECT_EQ(Check("email", "test.@example.com"), kInvalid);
  EXPECT_EQ(Check("email", "te..st@example.com"), kInvalid);
  EXPECT_EQ(Check("email", "@example.com"), kInvalid);
  EXPECT_EQ(Check("email", "joe.bloggs@"), kInvalid);
  EXPECT_EQ(Check("email", "joe bloggs@example.com"), kInvalid);
  EXPECT_EQ(Check("email", "joe@[300.1.1.1]"), kInvalid);
  EXPECT_EQ(Check("email", "δοκιμή@example.com"), kInvalid);
  EXPECT_EQ(Check("email", std::string(65, 'a') + "@example.com"), kInvalid);
}

TEST(FormatTest, IdnEmail) {
  EXPECT_EQ(Check("idn-email", "실례@실례.테스트"), kValid);
  EXPECT_EQ(Check("idn-email", "δοκιμή@example.com"), kValid);
  EXPECT_EQ(Check("idn-email", "\"δοκιμή\"@example.com"), kValid);
  EXPECT_EQ(Check("idn-email", std::string(64, 'a') + "@example.com"), kValid);
  EXPECT_EQ(Check("idn-email", "2962"), kInvalid);
  EXPECT_EQ(Check("idn-email", "user＠example.com"), kInvalid);
}

TEST(FormatTest, Hostname) {
  EXPECT_EQ(Check("hostname", "www.example.com"), kValid);
  EXPECT_EQ(Check("hostname", "1host"), kValid);
  EXPECT_EQ(Check("hostname", "a--b.com"), kValid);
  EXPECT_EQ(Check("hostname", std::string(63, 'a') + ".com"), kValid);
  EXPECT_EQ(Check("hostname", "xn--9n2bp8q.xn--9t4b11yi5a"), kValid);
  EXPECT_EQ(Check("hostname", ""), kInvalid);
  EXPECT_EQ(Check("hostname", "."), kInvalid);
  EXPECT_EQ(Check("hostname", "example."), kInvalid);
  EXPECT_EQ(Check("hostname", "-hostname"), kInvalid);
  EXPECT_EQ(Check("hostname", "hostname-"), kInvalid);
  EXPECT_EQ(Check("hostname", "host_name"), kInvalid);
  EXPECT_EQ(Check("hostname", std::string(64, 'a') + ".com"), kInvalid);
  std::string label(63, 'a');
  EXPECT_EQ(Check("hostname", label + "." + label + "." + label + "." + label), kInvalid);
  EXPECT_EQ(Check("hostname", "xn--X"), kInvalid);
  EXPECT_EQ(Check("hostname", "xn--hello-txk"), kInvalid);  // starts with a combining mark
  EXPECT_EQ(Check("hostname", "XN--aa---o47jg78q"), kInvalid);
  EXPECT_EQ(Check("hostname", "\xE2\x84\xAA.example.com"), kInvalid);  // KELVIN SIGN
}

TEST(FormatTest, IdnHostname) {
  EXPECT_EQ(Check("idn-hostname", "실례.테스트"), kValid);
  EXPECT_EQ(Check("idn-hostname", "a。b"), kValid);
  EXPECT_EQ(Check("idn-hostname", "l·l"), kValid);
  EXPECT_EQ(Check("idn-hostname", "α͵β"), kValid);
  EXPECT_EQ(Check("idn-hostname", "א׳ב"), kValid);
  EXPECT_EQ(Check("idn-hostname", "・ぁ"), kValid);
  EXPECT_EQ(Check("idn-hostname", "xn--ihqwcrb4cv8a8dqg056pqjye"), kValid);
  EXPECT_EQ(Check("idn-hostname", "〮실례.테스트"), kInvalid);
  EXPECT_EQ(Check("idn-hostname", "a·l"), kInvalid);
  EXPECT_EQ(Check("idn-hostname", "-hello"), kInvalid);
  EXPECT_EQ(Check("idn-hostname", "a..b"), kInvalid);
  EXPECT_EQ(Check("idn-hostname", "example。"), kInvalid);
  EXPECT_EQ(Check("idn-hostname", "aא"), kInvalid);  // bidi rule
  EXPECT_EQ(Check("idn-hostname", "xn--example-"), kInvalid);
  EXPECT_EQ(Check("idn-hostname", std::string(64, 'a')), kInvalid);
}

TEST(FormatTest, Ipv4) {
  EXPECT_EQ(Check("ipv4", "192.168.0.1"), kValid);
  EXPECT_EQ(Check("ipv4", "0.0.0.0"), kValid);
  EXPECT_EQ(Check("ipv4", "255.255.255.255"), kValid);
  EXPECT_EQ(Check("ipv4", "087.10.0.1"), kInvalid);
  EXPECT_EQ(Check("ipv4", "256.1.1.1"), kInvalid);
  EXPECT_EQ(Check("ipv4", "127.0.0.0.1"), kInvalid);
  EXPECT_EQ(Check("ipv4", "127.1"), kInvalid);
  EXPECT_EQ(Check("ipv4", "0x7f000001"), kInvalid);
  EXPECT_EQ(Check("ipv4", "192.168.0.1\n"), kInvalid);
  EXPECT_EQ(Check("ipv4", "::ffff:192.168.0.1"), kInvalid);
  EXPECT_EQ(Check("ipv4", ""), kInvalid);
}

TEST(FormatTest, Ipv6) {
  EXPECT_EQ(Check("ipv6", "::1"), kValid);
  EXPECT_EQ(Check("ipv6", "::"), kValid);
  EXPECT_EQ(Check("ipv6", "1::"), kValid);
  EXPECT_EQ(Check("ipv6", "::ffff:1.2.3.4"), kValid);
  EXPECT_EQ(Check("ipv6", "1:2:3:4:5:6:7:8"), kValid);
  EXPECT_EQ(Check("ipv6", "1000:1000:1000:1000:1000:1000:255.255.255.255"), kValid);
  EXPECT_EQ(Check("ipv6", "12345::"), kInvalid);
  EXPECT_EQ(Check("ipv6", "1::d6::42"), kInvalid);
  EXPECT_EQ(Check("ipv6", "1:2:3:4:5:::8"), kInvalid);
  EXPECT_EQ(Check("ipv6", ":2:3:4:5:6:7:8"), kInvalid);
  EXPECT_EQ(Check("ipv6", "1:2:3:4:5:6:7"), kInvalid);
  EXPECT_EQ(Check("ipv6", "1:2:3:4:5:6:7:8:9"), kInvalid);
  EXPECT_EQ(Check("ipv6", "::ffff:192.168.0.01"), kInvalid);
  EXPECT_EQ(Check("ipv6", "fe80::a%eth1"), kInvalid);
  EXPECT_EQ(Check("ipv6", "[::1]"), kInvalid);
  EXPECT_EQ(Check("ipv6", "127.0.0.1"), kInvalid);
}

TEST(FormatTest, Uri) {
  EXPECT_EQ(Check("uri", "http://foo.bar/?baz=qux#quux"), kValid);
  EXPECT_EQ(Check("uri", "ldap://[2001:db8::7]/c=GB?objectClass?one"), kValid);
  EXPECT_EQ(Check("uri", "mailto:John.Doe@example.com"), kValid);
  EXPECT_EQ(Check("uri", "urn:oasis:names:specification:docbook:dtd:xml:4.1.2"), kValid);
  EXPECT_EQ(Check("uri", "http://-.~_!$&'()*+,;=:%40:80%2f::::::@example.com"), kValid);
  EXPECT_EQ(Check("uri", "http://087.10.0.1/"), kValid);
  EXPECT_EQ(Check("uri", "http://[v1.fe]/"), kValid);
  EXPECT_EQ(Check("uri", "//foo.bar/?baz=qux#quux"), kInvalid);
  EXPECT_EQ(Check("uri", "abc"), kInvalid);
  EXPECT_EQ(Check("uri", "http:// shouldfail.com"), kInvalid);
  EXPECT_EQ(Check("uri", "bar,baz:foo"), kInvalid);
  EXPECT_EQ(Check("uri", "https://example.org/foobar\xC2\xAE.txt"), kInvalid);
  EXPECT_EQ(Check("uri", "http://example.com/%6G"), kInvalid);
  EXPECT_EQ(Check("uri", "http://example.com/%"), kInvalid);
  EXPECT_EQ(Check("uri", "http://example.com:abc/path"), kInvalid);
  EXPECT_EQ(Check("uri", "http://[::ffff:01.2.3.4]"), kInvalid);
  EXPECT_EQ(Check("uri", "https://[@example.org/test.txt"), kInvalid);
}

TEST(FormatTest, UriReference) {
  EXPECT_EQ(Check("uri-reference", ""), kValid);
  EXPECT_EQ(Check("uri-reference", "//foo.bar/?baz=qux#quux"), kValid);
  EXPECT_EQ(Check("uri-reference", "/abc"), kValid);
  EXPECT_EQ(Check("uri-reference", "#fragment"), kValid);
  EXPECT_EQ(Check("uri-reference", "?query=1"), kValid);
  EXPECT_EQ(Check("uri-reference", "./this:that"), kValid);
  EXPECT_EQ(Check("uri-reference", "\\\\WINDOWS\\fileshare"), kInvalid);
  EXPECT_EQ(Check("uri-reference", "#frag\\ment"), kInvalid);
  EXPECT_EQ(Check("uri-reference", "1:b"), kInvalid);
  EXPECT_EQ(Check("uri-reference", "//a@b@example.com/"), kInvalid);
  EXPECT_EQ(Check("uri-reference", "/[::1]"), kInvalid);
}

TEST(FormatTest, IriAndIriReference) {
  EXPECT_EQ(Check("iri", "http://ƒøø.ßår/?∂éœ=πîx#πîüx"), kValid);
  EXPECT_EQ(Check("iri", "http://[2001:db8::1]"), kValid);
  EXPECT_EQ(Check("iri", "âππ"), kInvalid);
  EXPECT_EQ(Check("iri", "http://2001:0db8:85a3:0000:0000:8a2e:0370:7334"), kInvalid);
  EXPECT_EQ(Check("iri", "http://ƒøø.ßår/\n"), kInvalid);
  EXPECT_EQ(Check("iri-reference", "âππ"), kValid);
  EXPECT_EQ(Check("iri-reference", "#ƒrägmênt"), kValid);
  EXPECT_EQ(Check("iri-reference", "#ƒräg\\mênt"), kInvalid);
}

TEST(FormatTest, UriTemplate) {
  EXPECT_EQ(Check("uri-template", "http://example.com/dictionary/{term:1}/{term}"), kValid);
  EXPECT_EQ(Check("uri-template", ""), kValid);
  EXPECT_EQ(Check("uri-template", "{+var}{#x,y}{.a.b}{/v*}{;v}{?v}{&v}"), kValid);
  EXPECT_EQ(Check("uri-template", "{%41}{v:9999}"), kValid);
  EXPECT_EQ(Check("uri-template", "http://example.com/dictionary/{term:1}/{term"), kInvalid);
  EXPECT_EQ(Check("uri-template", "{}"), kInvalid);
  EXPECT_EQ(Check("uri-template", "{a,,b}"), kInvalid);
  EXPECT_EQ(Check("uri-template", "{v:0}"), kInvalid);
  EXPECT_EQ(Check("uri-template", "{v:10000}"), kInvalid);
  EXPECT_EQ(Check("uri-template", "foo}bar"), kInvalid);
  EXPECT_EQ(Check("uri-template", "a b"), kInvalid);
  EXPECT_EQ(Check("uri-template", "{a..b}"), kInvalid);
}

TEST(FormatTest, JsonPointer) {
  EXPECT_EQ(Check("json-pointer", ""), kValid);
  EXPECT_EQ(Check("json-pointer", "/"), kValid);
  EXPECT_EQ(Check("json-pointer", "/foo/bar~0/baz~1/%a"), kValid);
  EXPECT_EQ(Check("json-pointer", "/foo//bar"), kValid);
  EXPECT_EQ(Check("json-pointer", "/foo/bar~"), kInvalid);
  EXPECT_EQ(Check("json-pointer", "/~2"), kInvalid);
  EXPECT_EQ(Check("json-pointer", "#/"), kInvalid);
  EXPECT_EQ(Check("json-pointer", "a/a"), kInvalid);
}

TEST(FormatTest, RelativeJsonPointer) {
  EXPECT_EQ(Check("relative-json-pointer", "1"), kValid);
  EXPECT_EQ(Check("relative-json-pointer", "0/foo/bar"), kValid);
  EXPECT_EQ(Check("relative-json-pointer", "0#"), kValid);
  EXPECT_EQ(Check("relative-json-pointer", "120/foo/bar"), kValid);
  EXPECT_EQ(Check("relative-json-pointer", ""), kInvalid);
  EXPECT_EQ(Check("relative-json-pointer", "/foo/bar"), kInvalid);
  EXPECT_EQ(Check("relative-json-pointer", "-1/foo"), kInvalid);
  EXPECT_EQ(Check("relative-json-pointer", "01/a"), kInvalid);
  EXPECT_EQ(Check("relative-json-pointer", "0##"), kInvalid);
  EXPECT_EQ(Check("relative-json-pointer", "1#/foo"), kInvalid);
}

TEST(FormatTest, Uuid) {
  EXPECT_EQ(Check("uuid", "2EB8AA08-AA98-11EA-B4AA-73B441D16380"), kValid);
  EXPECT_EQ(Check("uuid", "00000000-0000-0000-0000-000000000000"), kValid);
  EXPECT_EQ(Check("uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d1638"), kInvalid);
  EXPECT_EQ(Check("uuid", "2eb8aa08aa9811eab4aa73b441d16380"), kInvalid);
  EXPECT_EQ(Check("uuid", "2eb8aa08-aa98-11ea-b4ga-73b441d16380"), kInvalid);
  EXPECT_EQ(Check("uuid", "2eb8aa0-8aa98-11e-ab4aa7-3b441d16380"), kInvalid);
}

TEST(FormatTest, UnknownFormats) {
  EXPECT_EQ(Check("regex", "^a+$"), FormatResult::kUnknown);
  EXPECT_EQ(Check("no-such-format", "x"), FormatResult::kUnknown);
  EXPECT_EQ(Check("", "x"), FormatResult::kUnknown);
  EXPECT_EQ(Check("DATE", "2020-01-01"), FormatResult::kUnknown);
  EXPECT_FALSE(IsKnownFormat("regex"));
  EXPECT_FALSE(IsKnownFormat("color"));
  for (const char* f :
       {"date-time", "date", "time", "email", "idn-email", "hostname", "idn-hostname", "ipv4",
        "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uri-template", "json-pointer",
        "relative-json-pointer", "uuid", "duration"}) {
    EXPECT_TRUE(IsKnownFormat(f)) << f;
  }
}

TEST(FormatTest, NonAsciiDigitsRejected) {
  EXPECT_EQ(Check("date", "1963-06-1\xE0\xA7\xAA"), kInvalid);  // Bengali four
  EXPECT_EQ(Check("ipv4", "1\xE0\xA7\xA8.0.0.1"), kInvalid);
  EXPECT_EQ(Check("duration", "P\xE0\xA7\xA8Y"), kInvalid);
}

// Inputs of tens of megabytes are rejected (or accepted) without deep
// recursion (quadratic work on them would not end within ctest's timeout).
TEST(FormatTest, HugeInputIsFast) {
  const std::string huge(50'000'000, 'a');
  EXPECT_EQ(Check("date-time", huge), kInvalid);
  EXPECT_EQ(Check("hostname", huge), kInvalid);
  EXPECT_EQ(Check("idn-hostname", huge), kInvalid);
  EXPECT_EQ(Check("uri", huge), kInvalid);
  EXPECT_EQ(Check("email", huge), kInvalid);
  EXPECT_EQ(Check("ipv6", huge), kInvalid);
  EXPECT_EQ(Check("uuid", huge), kInvalid);
  EXPECT_EQ(Check("json-pointer", huge), kInvalid);
  EXPECT_EQ(Check("uri-reference", huge), kValid);  // a long relative path
  EXPECT_EQ(Check("iri-reference", huge), kValid);
  EXPECT_EQ(Check("uri-template", huge), kValid);
  EXPECT_EQ(Check("relative-json-pointer", huge), kInvalid);
  EXPECT_EQ(Check("duration", huge), kInvalid);
}

TEST(FormatTest, HugeStructuredInputs) {
  const std::string uri = "http://example.com/" + std::string(50'000'000, 'a');
  EXPECT_EQ(Check("uri", uri), kValid);
  EXPECT_EQ(Check("uri", uri + " "), kInvalid);
  const std::string frac = "1963-06-19T08:30:06." + std::string(10'000'000, '1');
  EXPECT_EQ(Check("date-time", frac + "Z"), kValid);
  EXPECT_EQ(Check("date-time", frac), kInvalid);
  EXPECT_EQ(Check("uri-template", std::string(10'000'000, '{')), kInvalid);
  EXPECT_EQ(Check("json-pointer", "/" + std::string(10'000'000, '~')), kInvalid);
  std::string labels;
  for (int i = 0; i < 1'000'000; ++i) labels += "ab.";
  EXPECT_EQ(Check("hostname", labels + "c"), kInvalid);
}

}  // namespace
}  // namespace schemareg
