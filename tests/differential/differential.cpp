// Differential test: schemareg's engine (src/core) and valijson 1.0 on
//  (a) every required case of the JSON-Schema-Test-Suite, drafts 4, 6 and 7
//      (remote references served from the suite's remotes/ to both engines);
//  (b) generated records: mutations of each case's valid data (mutations.hpp).
// A disagreement fails, unless the suite settles it in schemareg's favour
// (counted as "valijson wrong"), or, for a generated record, it is listed with
// its reason in known_differences.txt. Schemas valijson cannot load are skipped.
//
// Usage: differential [--suite DIR] [--known FILE] [--mutants N] [--verbose]
// --mutants: generated records per valid case (default 8); --verbose: list
// each record that a known difference covers.
// The suite defaults to ../shared/json-schema-test-suite beside the source
// tree, else /usr/share/json-schema-test-suite; without either it is skipped.
#include "mutations.hpp"  // first: it brings RapidJSON in through valijson's adapter

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/error/en.h>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "core/definition.hpp"
#include "core/dialect.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"
#include "core/validator.hpp"

namespace differential {
namespace {

namespace fs = std::filesystem;
using schemareg::Dialect;

constexpr size_t kDefaultMutantsPerCase = 8;
constexpr uint64_t kSeed = 0x5eed20240503ULL;
constexpr std::string_view kRemoteBase = "http://localhost:1234/";
constexpr unsigned kParseFlags =
    rapidjson::kParseFullPrecisionFlag | rapidjson::kParseIterativeFlag;

struct Draft {
  const char* name;
  Dialect dialect;
  valijson::SchemaParser::Version valijson_version;  // valijson 1.0 has no draft 6: 7 reads it
};
constexpr Draft kDrafts[] = {
    {"draft4", Dialect::kDraft4, valijson::SchemaParser::kDraft4},
    {"draft6", Dialect::kDraft6, valijson::SchemaParser::kDraft7},
    {"draft7", Dialect::kDraft7, valijson::SchemaParser::kDraft7},
};

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Shorten(const std::string& text, size_t max = 400) {
  return text.size() <= max ? text : text.substr(0, max) + "...";
}

// Documents either engine may reference: the drafts' metaschemas (the texts
// schemareg ships) and the suite's remotes/, served at http://localhost:1234/.
class Documents {
 public:
  explicit Documents(fs::path remotes) : remotes_(std::move(remotes)) {}

  // The JSON text of the document at `uri` (any fragment ignored), if known.
  std::optional<std::string> Text(std::string uri) const {
    uri = uri.substr(0, uri.find('#'));
    Dialect dialect;
    if (schemareg::FindDialect(uri, &dialect)) {
      return std::string(schemareg::MetaschemaText(dialect));
    }
    if (uri.compare(0, kRemoteBase.size(), kRemoteBase) != 0) return std::nullopt;
    fs::path path = remotes_ / uri.substr(kRemoteBase.size());
    if (uri.find("..") != std::string::npos || !fs::is_regular_file(path)) return std::nullopt;
    return ReadFile(path);
  }

 private:
  fs::path remotes_;
};

// One engine's hold on a schema: compiled, or why not.
template <typename Schema>
struct Loaded {
  std::unique_ptr<Schema> schema;
  std::string error;
};

Loaded<schemareg::CompiledSchema> LoadOurs(const std::string& text, Dialect dialect,
                                           const Documents& documents) {
  schemareg::CompileOptions options;
  options.default_dialect = dialect;
  schemareg::DocumentSource source;
  for (;;) {
    try {
      return {schemareg::PrepareDefinition(text, source, options, /*check_metaschema=*/true), ""};
    } catch (const schemareg::MissingDocument& missing) {
      std::optional<std::string> doc = documents.Text(missing.uri());
      if (!doc || source.count(missing.uri()) != 0) {
        return {nullptr, "needs " + missing.uri() + ", which the suite does not have"};
      }
      source.emplace(missing.uri(), std::move(*doc));
    } catch (const schemareg::Error& e) {
      return {nullptr, e.code() + " " + e.what()};
    }
  }
}

Loaded<valijson::Schema> LoadValijson(const rapidjson::Value& definition,
                                      valijson::SchemaParser::Version version,
                                      const Documents& documents) {
  rapidjson::Document doc;
  doc.CopyFrom(definition, doc.GetAllocator());
  auto fetch = [&documents](const std::string& uri) -> const rapidjson::Document* {
    std::optional<std::string> text = documents.Text(uri);
    if (!text) return nullptr;
    auto fetched = std::make_unique<rapidjson::Document>();
    fetched->Parse<kParseFlags>(text->data(), text->size());
    return fetched->HasParseError() ? nullptr : fetched.release();
  };
  auto release = [](const rapidjson::Document* fetched) { delete fetched; };
  auto schema = std::make_unique<valijson::Schema>();
  try {
    valijson::SchemaParser parser(version);
    valijson::adapters::RapidJsonAdapter adapter(doc);
    parser.populateSchema(adapter, *schema, fetch, release);
  } catch (const std::exception& e) {
    return {nullptr, e.what()};
  }
  return {std::move(schema), ""};
}

// The verdict of one engine on one record; nullopt with `error` when it threw.
struct Answer {
  std::optional<bool> valid;
  std::string error;
};

Answer AskOurs(const schemareg::CompiledSchema& schema, const std::string& record) {
  try {
    schemareg::Json json = schemareg::ParseJson(record, 10000);
    schemareg::ValidateOptions options;  // formats are assertions, as the extension's default
    bool valid = schemareg::IsValid(schema, json, options);
    // The evaluator's other mode must give the same verdict.
    if (valid != schemareg::CollectErrors(schema, json, options).empty()) {
      return {std::nullopt, std::string("IsValid says ") + (valid ? "valid" : "invalid") +
                                " but CollectErrors disagrees"};
    }
    return {valid, ""};
  } catch (const schemareg::Error& e) {
    return {std::nullopt, e.code() + " " + e.what()};
  }
}

Answer AskValijson(const valijson::Schema& schema, const std::string& record) {
  try {
    rapidjson::Document doc;
    doc.Parse<kParseFlags>(record.data(), record.size());
    if (doc.HasParseError()) {
      return {std::nullopt,
              std::string("RapidJSON: ") + rapidjson::GetParseError_En(doc.GetParseError())};
    }
    valijson::Validator validator(valijson::Validator::kStrongTypes);
    valijson::adapters::RapidJsonAdapter adapter(doc);
    return {validator.validate(schema, adapter, nullptr), ""};
  } catch (const std::exception& e) {
    return {std::nullopt, e.what()};
  }
}

const char* Word(bool valid) { return valid ? "valid" : "invalid"; }

// Whether `text` matches `glob`, where '*' stands for any run of characters.
bool GlobMatch(std::string_view glob, std::string_view text) {
  size_t star = std::string_view::npos, resume = 0, g = 0, t = 0;
  while (t < text.size()) {
    if (g < glob.size() && glob[g] == '*') {
      star = g++;
      resume = t;
    } else if (g < glob.size() && glob[g] == text[t]) {
      g++;
      t++;
    } else if (star != std::string_view::npos) {
      g = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') g++;
  return g == glob.size();
}

// known_differences.txt: "schema file | description | reason" a line; the
// file ("draft7/format.json") and the description ("group :: test ::
// mutation") are globs.
struct KnownDifference {
  std::string file, description, reason;
  size_t line = 0;
  size_t seen = 0;
};

std::vector<KnownDifference> LoadKnownDifferences(const fs::path& path) {
  std::vector<KnownDifference> known;
  std::optional<std::string> text = ReadFile(path);
  if (!text) {
    std::cout << "note: no " << path.string() << ": no known differences\n";
    return known;
  }
  std::istringstream lines(*text);
  std::string line;
  for (size_t number = 1; std::getline(lines, line); number++) {
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    size_t bar1 = line.find(" | ");
    size_t bar2 = bar1 == std::string::npos ? bar1 : line.find(" | ", bar1 + 3);
    if (bar2 == std::string::npos || line.find_first_not_of(" \t", bar2 + 3) == std::string::npos) {
      throw std::runtime_error(path.string() + ":" + std::to_string(number) +
                               ": expected 'schema file | description | reason'");
    }
    known.push_back({line.substr(first, bar1 - first), line.substr(bar1 + 3, bar2 - bar1 - 3),
                     line.substr(bar2 + 3), number});
  }
  return known;
}

// One schema of the suite, as both engines hold it.
struct Group {
  std::string file;  // "draft7/type.json"
  std::string description;
  std::string schema_text;
  Loaded<schemareg::CompiledSchema> ours;
  Loaded<valijson::Schema> theirs;
};

// One record to judge: a suite case (with the suite's verdict) or a mutant.
struct Case {
  std::string test;
  std::string mutation;  // empty for the suite's own case
  std::string record;
  std::optional<bool> expected;
};

class Judge {
 public:
  Judge(std::vector<KnownDifference> known, bool verbose)
      : known_(std::move(known)), verbose_(verbose) {}

  void SkipSchema(const Group& group, size_t cases) {
    skipped_ += cases;
    cases_ += cases;
    skipped_schemas_.push_back(group.file + " | " + group.description + ": " +
                               Shorten(group.theirs.error, 200));
  }

  void Run(const Group& group, const Case& c) {
    cases_++;
    std::string key = Key(group, c);
    std::string name = group.file + " | " + key;
    Answer ours = group.ours.schema
                      ? AskOurs(*group.ours.schema, c.record)
                      : Answer{std::nullopt, "refuses the schema: " + group.ours.error};
    Answer theirs = AskValijson(*group.theirs.schema, c.record);
    if (!theirs.valid) {
      skipped_++;
      skipped_cases_[group.file + " | " + group.description + ": " + theirs.error]++;
      return;
    }
    if (ours.valid == theirs.valid) {
      agree_++;
      return;
    }
    if (c.expected && ours.valid == c.expected) {
      valijson_wrong_++;
      valijson_wrong_cases_.push_back(name + ": schemareg " + Word(*ours.valid) + ", valijson " +
                                      Word(*theirs.valid));
      return;
    }
    // A listed difference covers verdicts only: an error of schemareg's always fails.
    if (!c.expected && ours.valid) {
      if (KnownDifference* k = FindKnown(group.file, key)) {
        known_seen_++;
        k->seen++;
        if (verbose_) std::cout << "known: " << name << " (line " << k->line << ")\n";
        return;
      }
    }
    failed_++;
    std::ostringstream detail;
    detail << "FAIL " << name << "\n  schema:   " << Shorten(group.schema_text)
           << "\n  record:   " << Shorten(c.record)
           << "\n  schemareg: " << (ours.valid ? Word(*ours.valid) : "error: " + ours.error)
           << "\n  valijson:  " << Word(*theirs.valid);
    if (c.expected) detail << "\n  suite:     " << Word(*c.expected);
    failures_.push_back(detail.str());
  }

  // Prints the details and the summary line; true when nothing failed.
  bool Report() const {
    for (const std::string& f : failures_) std::cout << f << "\n";
    for (const std::string& v : valijson_wrong_cases_) std::cout << "valijson wrong: " << v << "\n";
    for (const std::string& s : skipped_schemas_) {
      std::cout << "skipped schema (valijson cannot load it): " << s << "\n";
    }
    for (const auto& [where, count] : skipped_cases_) {
      std::cout << "skipped " << count << " records (valijson throws while validating): " << where
                << "\n";
    }
    for (const KnownDifference& k : known_) {
      std::cout << (k.seen ? "known difference" : "note: known difference not seen") << " (line "
                << k.line << ", " << k.seen << " records): " << k.file << " | " << k.description
                << ": " << k.reason << "\n";
    }
    std::cout << "note: " << skipped_schemas_.size() << " schemas valijson cannot load\n";
    std::cout << "differential: " << cases_ << " cases, " << agree_ << " agree, " << valijson_wrong_
              << " valijson wrong (suite agrees with us), " << known_seen_ << " known differences, "
              << skipped_ << " skipped, " << failed_ << " failed\n";
    return failed_ == 0;
  }

 private:
  // "group :: test :: mutation", as known_differences.txt names a record.
  static std::string Key(const Group& group, const Case& c) {
    return group.description + " :: " + c.test + (c.mutation.empty() ? "" : " :: " + c.mutation);
  }

  KnownDifference* FindKnown(const std::string& file, const std::string& key) {
    for (KnownDifference& k : known_) {
      if (GlobMatch(k.file, file) && GlobMatch(k.description, key)) return &k;
    }
    return nullptr;
  }

  std::vector<KnownDifference> known_;
  bool verbose_;
  size_t cases_ = 0, agree_ = 0, valijson_wrong_ = 0, known_seen_ = 0, skipped_ = 0, failed_ = 0;
  std::vector<std::string> failures_, valijson_wrong_cases_, skipped_schemas_;
  std::map<std::string, size_t> skipped_cases_;  // "file | group: error" -> records
};

// The suite's cases of one group and, for each valid one, its mutants.
std::vector<Case> CasesOf(const std::string& file, const std::string& group,
                          const rapidjson::Value& tests, size_t mutants) {
  std::vector<Case> cases;
  for (const rapidjson::Value& test : tests.GetArray()) {
    std::string description = test["description"].GetString();
    bool valid = test["valid"].GetBool();
    cases.push_back({description, "", ToText(test["data"]), valid});
    if (!valid) continue;
    uint64_t seed = kSeed ^ Fnv1a(file + "\n" + group + "\n" + description);
    for (Mutant& m : Mutate(test["data"], seed, mutants)) {
      cases.push_back({description, std::move(m.description), std::move(m.text), std::nullopt});
    }
  }
  return cases;
}

void RunFile(const Draft& draft, const fs::path& path, const Documents& documents, size_t mutants,
             Judge& judge) {
  std::string file = std::string(draft.name) + "/" + path.filename().string();
  std::optional<std::string> text = ReadFile(path);
  rapidjson::Document doc;
  if (text) doc.Parse<kParseFlags>(text->data(), text->size());
  if (!text || doc.HasParseError() || !doc.IsArray()) {
    throw std::runtime_error("cannot read the suite file " + path.string());
  }
  for (const rapidjson::Value& g : doc.GetArray()) {
    Group group{file, g["description"].GetString(), ToText(g["schema"]), {}, {}};
    group.theirs = LoadValijson(g["schema"], draft.valijson_version, documents);
    std::vector<Case> cases = CasesOf(file, group.description, g["tests"], mutants);
    if (!group.theirs.schema) {
      judge.SkipSchema(group, cases.size());
      continue;
    }
    group.ours = LoadOurs(group.schema_text, draft.dialect, documents);
    for (const Case& c : cases) judge.Run(group, c);
  }
}

// The suite beside the source tree, else the Debian package's.
std::optional<fs::path> FindSuite() {
  const fs::path places[] = {
      fs::path(SCHEMAREG_SOURCE_DIR) / ".." / "shared" / "json-schema-test-suite",
      "/usr/share/json-schema-test-suite",
  };
  for (const fs::path& p : places) {
    if (fs::is_directory(p / "tests")) return fs::canonical(p);
  }
  return std::nullopt;
}

int Main(int argc, char** argv) {
  std::optional<std::string> suite_arg;
  fs::path known_path =
      fs::path(SCHEMAREG_SOURCE_DIR) / "tests" / "differential" / "known_differences.txt";
  bool verbose = false;
  size_t mutants = kDefaultMutantsPerCase;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    if (arg == "--suite" && i + 1 < argc) {
      suite_arg = argv[++i];
    } else if (arg == "--known" && i + 1 < argc) {
      known_path = argv[++i];
    } else if (arg == "--mutants" && i + 1 < argc) {
      mutants = std::stoul(argv[++i]);
    } else if (arg == "--verbose") {
      verbose = true;
    } else {
      std::cerr << "usage: " << argv[0]
                << " [--suite DIR] [--known FILE] [--mutants N] [--verbose]\n";
      return 2;
    }
  }
  if (suite_arg && !fs::is_directory(fs::path(*suite_arg) / "tests")) {
    std::cerr << "differential: " << *suite_arg << " has no tests/ folder\n";
    return 2;
  }
  std::optional<fs::path> suite = suite_arg ? fs::path(*suite_arg) : FindSuite();
  if (!suite) {
    std::cout
        << "note: no JSON-Schema-Test-Suite found (--suite, ../shared/json-schema-test-suite, "
           "/usr/share/json-schema-test-suite)\ndifferential: skipped\n";
    return 0;
  }
  std::cout << "note: suite " << suite->string() << "\n";
  Documents documents(*suite / "remotes");
  Judge judge(LoadKnownDifferences(known_path), verbose);
  for (const Draft& draft : kDrafts) {
    fs::path dir = *suite / "tests" / draft.name;
    if (!fs::is_directory(dir)) {
      std::cout << "note: " << draft.name << ": no tests/" << draft.name
                << " in the suite, skipped\n";
      continue;
    }
    std::vector<fs::path> files;
    for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
      // Required tests only: optional/ is a folder.
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) RunFile(draft, f, documents, mutants, judge);
  }
  return judge.Report() ? 0 : 1;
}

}  // namespace
}  // namespace differential

int main(int argc, char** argv) {
  try {
    return differential::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cout << "differential: error: " << e.what() << "\n";
    return 1;
  }
}
