// RE2 against PCRE2 (JIT and interpreter) on the patterns schemareg sends to
// each, through the same RegexProgram objects Pattern uses, with the limits
// of core/regex_pcre2.cpp. Built by CMake (target regex_engines), never run by
// the tests: build/regex_engines [rounds]. Prints, per case and engine, the
// best time per search over `rounds` rounds (5), and the ratio to RE2.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/regex_engine.hpp"
#include "core/regex_translate.hpp"

namespace schemareg {
namespace {

using Clock = std::chrono::steady_clock;

struct Case {
  const char* name;
  std::string pattern;
  std::string re2_pattern;  // the same language without lookaround, "" if none
  std::string subject;
  int searches;  // per round
};

struct Timing {
  double ns = -1;       // best time per search; -1: not run
  std::string outcome;  // "match", "no match", or the error
};

// The best of `rounds` rounds of `searches` calls, in ns per call.
Timing Time(const std::function<bool()>& search, int searches, int rounds) {
  Timing t;
  for (int r = 0; r < rounds; ++r) {
    auto start = Clock::now();
    try {
      for (int i = 0; i < searches; ++i) t.outcome = search() ? "match" : "no match";
    } catch (const Error& e) {
      t.outcome = std::string(e.code()) + " " + e.what();
    }
    double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count() / searches;
    t.ns = t.ns < 0 ? ns : std::min(t.ns, ns);
  }
  return t;
}

std::string Show(double ns) {
  char buf[32];
  if (ns < 0) return "n/a";
  if (ns < 1e3)
    std::snprintf(buf, sizeof buf, "%.0f ns", ns);
  else if (ns < 1e6)
    std::snprintf(buf, sizeof buf, "%.1f us", ns / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.1f ms", ns / 1e6);
  return buf;
}

std::string Ratio(double ns, double base) {
  if (ns < 0 || base <= 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, " (%.1fx)", ns / base);
  return buf;
}

std::string Repeat(const std::string& unit, size_t bytes) {
  std::string s;
  while (s.size() < bytes) s += unit;
  s.resize(bytes);
  return s;
}

int Main(int argc, char** argv) {
  int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  std::string prose = Repeat("lorem ipsum dolor sit amet, natively consectetur ", 1000000);
  std::vector<Case> cases = {
      {"simple, RE2's own", "^rec-[0-9]+$", "^rec-[0-9]+$", "rec-12345678", 200000},
      {"lookahead, short", "^(?!@@)[\\w@]+$", "^(?:\\w[\\w@]*|@(?:\\w[\\w@]*)?)$",
       "user@example_42", 200000},
      {"lookahead, 1 MB", "^(?!@@)[\\w@]+$", "^(?:\\w[\\w@]*|@(?:\\w[\\w@]*)?)$",
       Repeat("a@", 1000000), 20},
      {"negative lookahead .*\\b, 1 MB", "^(?!.*\\bnative\\b).*", "", prose, 20},
      {"keyword exclusion", "^(?!(?:meta|local)$).*$", "", "metadata", 200000},
      {"backreference", "^(\\w+)=\\1$", "", "token_value=token_value", 200000},
      {"group under a star, 20 kB", "^(?=a)(?:a|b)*$", "^(?:a|b)*$", Repeat("ab", 20000), 50},
      {"(a+)+ on 30 a's and '!'", "^(a+)+$", "^(a+)+$", Repeat("a", 30) + "!", 1},
      {"(a+)+\\1 on 30 a's and '!'", "^(a+)+\\1$", "", Repeat("a", 30) + "!", 1},
      {"(?=(a*)*b) on 1 MB", "(?=(a*)*b)", "", Repeat("a", 1000000), 1},
      {"(?=a*a*[bc]) on 100 kB (cubic)", "(?=a*a*[bc])", "", Repeat("a", 100000), 1},
  };

  std::printf("| case | RE2 | PCRE2 JIT | PCRE2 interpreter | outcome (JIT) |\n");
  std::printf("|---|---|---|---|---|\n");
  for (const Case& c : cases) {
    Timing re2, jit, interp;
    std::string pcre2_text = TranslateEcmaToPcre2(c.pattern);
    if (!c.re2_pattern.empty()) {
      auto program = CompileRe2(c.re2_pattern, TranslateEcmaToRe2(c.re2_pattern));
      re2 = Time([&] { return program->Search(c.subject); }, c.searches, rounds);
    }
    auto with_jit = CompilePcre2(c.pattern, pcre2_text, true);
    jit = Time([&] { return with_jit->Search(c.subject); }, c.searches, rounds);
    auto without_jit = CompilePcre2(c.pattern, pcre2_text, false);
    interp = Time([&] { return without_jit->Search(c.subject); }, c.searches, rounds);
    std::printf("| %s `%s` | %s | %s%s | %s%s | %s |\n", c.name, c.pattern.c_str(),
                Show(re2.ns).c_str(), Show(jit.ns).c_str(), Ratio(jit.ns, re2.ns).c_str(),
                Show(interp.ns).c_str(), Ratio(interp.ns, re2.ns).c_str(),
                jit.outcome.substr(0, 70).c_str());
    if (!re2.outcome.empty() && re2.outcome != jit.outcome) {
      std::printf("|  RE2 outcome: %s | | | | |\n", re2.outcome.c_str());
    }
    if (interp.outcome != jit.outcome) {
      std::printf("|  interpreter outcome: %s | | | | |\n", interp.outcome.substr(0, 70).c_str());
    }
  }

  // Match data per call instead of one for every match (core/regex_pcre2.cpp).
  Timing alloc = Time(
      [] {
        pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
        pcre2_match_data_free(data);
        return data != nullptr;
      },
      1000000, rounds);
  std::printf("\npcre2_match_data_create(1) + pcre2_match_data_free per call: %s\n",
              Show(alloc.ns).c_str());
  return 0;
}

}  // namespace
}  // namespace schemareg

int main(int argc, char** argv) { return schemareg::Main(argc, argv); }
