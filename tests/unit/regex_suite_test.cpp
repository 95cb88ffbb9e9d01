// The JSON-Schema-Test-Suite's optional regex cases (ecmascript-regex.json,
// non-bmp-regex.json), validated on both engines: each schema as written
// (RE2) and with "(?=)", an always-true lookahead, before each pattern (PCRE2).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "core/definition.hpp"
#include "core/json.hpp"
#include "core/regex.hpp"
#include "core/schema.hpp"
#include "core/validator.hpp"

namespace schemareg {
namespace {

namespace fs = std::filesystem;

// The suite beside the source tree (the Debian package's has no such cases).
fs::path SuiteFile(const char* name) {
  return fs::path(SCHEMAREG_SOURCE_DIR) / ".." / "shared" / "json-schema-test-suite" / "tests" /
         "draft7" / "optional" / name;
}

// The schema with "(?=)" before its patterns, which sends them to PCRE2.
Json OnPcre2(const Json& schema) {
  if (!schema.is_object()) return schema;
  Json out = Json::Object();
  for (const Json::Member& member : schema.members()) {
    if (member.first == "pattern" && member.second.is_string()) {
      out.Set(member.first, Json::String("(?=)" + member.second.as_string()));
    } else if (member.first == "patternProperties" && member.second.is_object()) {
      Json properties = Json::Object();
      for (const Json::Member& property : member.second.members()) {
        properties.Set("(?=)" + property.first, property.second);
      }
      out.Set(member.first, std::move(properties));
    } else {
      out.Set(member.first, member.second);
    }
  }
  return out;
}

// Runs every case of the file on both engines; returns how many ran.
int RunFile(const char* name) {
  std::ifstream in(SuiteFile(name));
  if (!in) return 0;
  std::stringstream text;
  text << in.rdbuf();
  int cases = 0;
  Json groups = ParseJson(text.str(), 100);
  for (const Json& group : groups.items()) {
    const std::string& description = group.Find("description")->as_string();
    const Json& schema = *group.Find("schema");
    for (const Json& variant : {schema, OnPcre2(schema)}) {
      std::unique_ptr<CompiledSchema> compiled =
          PrepareDefinition(ToJsonText(variant), {}, CompileOptions{}, true);
      for (const Json& test : group.Find("tests")->items()) {
        EXPECT_EQ(IsValid(*compiled, *test.Find("data"), ValidateOptions{}),
                  test.Find("valid")->as_bool())
            << name << ": " << description << ": " << test.Find("description")->as_string()
            << " with " << ToJsonText(variant);
        ++cases;
      }
    }
  }
  return cases;
}

TEST(RegexSuite, OptionalRegexCasesOnBothEngines) {
  if (!fs::exists(SuiteFile("ecmascript-regex.json"))) {
    GTEST_SKIP() << "no JSON-Schema-Test-Suite at " << SuiteFile("").string();
  }
  // Each pattern of the suite runs on RE2 as written.
  EXPECT_FALSE(Pattern::Compile("^\\p{digit}+$")->uses_backtracking());
  EXPECT_TRUE(Pattern::Compile("(?=)^\\p{digit}+$")->uses_backtracking());
  EXPECT_GT(RunFile("ecmascript-regex.json"), 100);
  EXPECT_GT(RunFile("non-bmp-regex.json"), 10);
}

}  // namespace
}  // namespace schemareg
