// The PCRE2 engine: only the patterns RE2 cannot run (lookahead, lookbehind,
// backreferences). A backtracking engine can take exponential time, so every
// match runs under hard limits and ends, within about kTimeLimit, in a result
// or in schemareg::Error 54000 naming the pattern; never in a wrong answer, a
// crash or a hang. bench/regex_engines.cpp measures what they cost.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/regex_engine.hpp"
#include "core/regex_translate.hpp"

namespace schemareg {
namespace {

using Clock = std::chrono::steady_clock;

// At compile time: the translated text (pcre2_set_max_pattern_length; \s or
// '.' spell out as classes, so it is longer than the ECMA text), and the
// compiled program plus its JIT code, bounded as RE2's programs are (1 MiB).
constexpr size_t kMaxTextBytes = 64 * 1024;
constexpr size_t kMaxProgramBytes = 1 << 20;

// At match time (bench/regex_engines.cpp measures them; numbers from a
// 2-core x86-64 VM):
// * Match limit: PCRE2's count of backtracking steps, in the JIT too. 2M
//   steps stop ^(a+)+$ on 30 a's and a '!' after some 30-45 ms in the JIT,
//   80-100 ms in the interpreter, and leave room for ^(?!.*\bnative\b).* on
//   a 1 MB string (20 ms; it needs over 1M steps).
// * Depth and heap limits: the interpreter's backtracking frames (it runs
//   only where the JIT is unavailable): 50,000 nested backtracking points,
//   enough for a group under a star, (?:a|b)*, over 25,000 characters (two
//   points a character; some 7 MB of frames, 75 ms to fill here), and 16 MiB
//   of frames. JIT stack: 16 MiB, enough for that group over some 500,000
//   characters.
// * Time limit. Some work escapes the match limit: a repeat scanning the
//   string again from each start position, such as (?=a*[bc]) on "aaa...",
//   is quadratic, and (?=a*a*[bc]) cubic (over a second on 2,000 a's), with
//   no step counted. So each match also has a wall-clock budget, read in
//   PCRE2_AUTO_CALLOUT callouts, which come before every item of the
//   pattern: between two of them the engine does one item's work, at most
//   one pass over the string (about 1 ms on 1 MB).
constexpr uint32_t kMatchLimit = 2'000'000;
constexpr uint32_t kDepthLimit = 50'000;
constexpr uint32_t kHeapLimitKib = 16 * 1024;
constexpr size_t kJitStackStartBytes = 32 * 1024;
constexpr size_t kJitStackMaxBytes = 16 << 20;
constexpr Clock::duration kTimeLimit = std::chrono::milliseconds(200);
// What a match may take: kTimeLimit, but for tests of the other limits.
Clock::duration time_limit = kTimeLimit;
// A clock read costs some 40 ns, a callout some 20 ns.
constexpr uint32_t kCalloutsPerClockRead = 32;
// What the callout returns when the time is up (PCRE2 reserves this code for
// callouts; pcre2_match() returns it).
constexpr int kTimeUp = PCRE2_ERROR_CALLOUT;

// UTF mode, on UTF-8 subjects; invalid UTF-8 in a subject matches nothing
// instead of failing. No PCRE2_UCP: the translator spells \d, \w, \s and '.'
// as explicit classes, and \b then uses ASCII word characters, as in ECMA.
// ^ and $ are the ends of the subject (no PCRE2_MULTILINE; $ not before a
// final newline). An unset group's backreference matches the empty string,
// as in ECMA.
constexpr uint32_t kCompileOptions = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_UCP |
                                     PCRE2_NEVER_BACKSLASH_C | PCRE2_DOLLAR_ENDONLY |
                                     PCRE2_MATCH_UNSET_BACKREF | PCRE2_AUTO_CALLOUT;
// ECMA lets \u{D800} name a surrogate: it matches nothing in UTF-8 text.
constexpr uint32_t kExtraOptions = PCRE2_EXTRA_ALLOW_SURROGATE_ESCAPES;

std::string ErrorText(int code) {
  PCRE2_UCHAR buffer[256];
  if (pcre2_get_error_message(code, buffer, sizeof(buffer)) < 0) {
    return "PCRE2 error " + std::to_string(code);
  }
  return reinterpret_cast<const char*>(buffer);
}

// What every match shares. A backend runs one match at a time, so one match
// context, one JIT stack and one match data (where the interpreter keeps its
// frames between matches) serve every pattern, and a backend holds at most
// one of each however many patterns its schemas have. Made on first use and
// kept: the JIT stack and the interpreter's frames stay as large as the
// largest match made them (within the limits above). Giving them back after
// each long subject cost 8-18 ms a match on 100 kB (bench/regex_engines.cpp).
struct MatchState {
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* jit_stack = nullptr;
  pcre2_match_data* data = nullptr;
  Clock::time_point deadline;
  uint32_t callouts = 0;
};

// The clock is first read at the first check, not before each match: a short
// match reads none.
int CheckTime(pcre2_callout_block*, void* state_pointer) {
  auto* state = static_cast<MatchState*>(state_pointer);
  if (++state->callouts % kCalloutsPerClockRead != 0) return 0;
  Clock::time_point now = Clock::now();
  if (state->callouts == kCalloutsPerClockRead) state->deadline = now + time_limit;
  return now < state->deadline ? 0 : kTimeUp;
}

MatchState* shared = nullptr;

void ReleaseState() {
  if (shared == nullptr) return;
  pcre2_match_context_free(shared->context);
  pcre2_jit_stack_free(shared->jit_stack);
  pcre2_match_data_free(shared->data);
  delete shared;
  shared = nullptr;
}

MatchState& State() {
  if (shared != nullptr) return *shared;
  shared = new MatchState();
  shared->context = pcre2_match_context_create(nullptr);
  shared->jit_stack = pcre2_jit_stack_create(kJitStackStartBytes, kJitStackMaxBytes, nullptr);
  shared->data = pcre2_match_data_create(1, nullptr);  // a match, no captures
  if (shared->context == nullptr || shared->jit_stack == nullptr || shared->data == nullptr) {
    ReleaseState();
    throw Error(sqlstate::kOutOfMemory, "out of memory for the backtracking regex engine");
  }
  pcre2_set_match_limit(shared->context, kMatchLimit);
  pcre2_set_depth_limit(shared->context, kDepthLimit);
  pcre2_set_heap_limit(shared->context, kHeapLimitKib);
  pcre2_jit_stack_assign(shared->context, nullptr, shared->jit_stack);
  pcre2_set_callout(shared->context, CheckTime, shared);
  return *shared;
}

struct CodeFree {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};
struct CompileContextFree {
  void operator()(pcre2_compile_context* context) const { pcre2_compile_context_free(context); }
};

class Pcre2Program : public RegexProgram {
 public:
  Pcre2Program(std::string_view source, std::unique_ptr<pcre2_code, CodeFree> code, size_t bytes)
      : name_(TruncateUtf8(source, 200)), code_(std::move(code)), bytes_(bytes) {}

  bool Search(std::string_view utf8_text) const override {
    MatchState& state = State();
    state.callouts = 0;
    // PCRE2 10.42 takes no null subject, even an empty one.
    auto subject = reinterpret_cast<PCRE2_SPTR>(utf8_text.data() ? utf8_text.data() : "");
    int rc = pcre2_match(code_.get(), subject, utf8_text.size(), 0, 0, state.data, state.context);
    if (rc >= 0) return true;  // 0: a match, its offsets not kept
    if (rc == PCRE2_ERROR_NOMATCH) return false;
    Fail(rc, utf8_text.size());
  }

  bool backtracking() const override { return true; }

  // The compiled pattern and its JIT code.
  size_t bytes() const override { return bytes_; }

 private:
  [[noreturn]] void Fail(int rc, size_t bytes) const {
    std::string limit = "memory";
    std::string took;  // what matching the string took more than
    switch (rc) {
      case PCRE2_ERROR_MATCHLIMIT:
        limit = "match";
        took = std::to_string(kMatchLimit) + " backtracking steps";
        break;
      case kTimeUp:
        limit = "time";
        took = std::to_string(time_limit / std::chrono::milliseconds(1)) + " ms";
        break;
      case PCRE2_ERROR_DEPTHLIMIT:
        limit = "depth";
        took = std::to_string(kDepthLimit) + " nested backtracking points";
        break;
      case PCRE2_ERROR_HEAPLIMIT:
        took = std::to_string(kHeapLimitKib / 1024) + " MiB of backtracking frames";
        break;
      case PCRE2_ERROR_JIT_STACKLIMIT:
        took = std::to_string(kJitStackMaxBytes >> 20) + " MiB of JIT stack";
        break;
      case PCRE2_ERROR_NOMEMORY:
        took = "the memory the system gave";
        break;
      default:
        throw Error(sqlstate::kInternalError,
                    "pattern \"" + name_ + "\" could not be matched: " + ErrorText(rc));
    }
    throw Error(
        sqlstate::kProgramLimitExceeded,
        "pattern \"" + name_ + "\" exceeded its " + limit + " limit",
        "Matching a string of " + std::to_string(bytes) + " bytes took more than " + took + ".",
        "Lookahead, lookbehind and backreferences run on a backtracking engine with hard "
        "limits. Make the pattern less ambiguous (no nested or adjacent quantifiers "
        "that can match the same text), or write it without them to run it on RE2 in "
        "linear time.");
  }

  std::string name_;
  std::unique_ptr<pcre2_code, CodeFree> code_;
  size_t bytes_;
};

}  // namespace

std::unique_ptr<RegexProgram> CompilePcre2(std::string_view source, const std::string& pcre2_text,
                                           bool jit) {
  if (pcre2_text.size() > kMaxTextBytes) {
    RefusePattern(
        source,
        "is too long for the backtracking regex engine: " + std::to_string(pcre2_text.size()) +
            " bytes once translated (at most " + std::to_string(kMaxTextBytes) + ")");
  }
  std::unique_ptr<pcre2_compile_context, CompileContextFree> context(
      pcre2_compile_context_create(nullptr));
  if (!context) throw Error(sqlstate::kOutOfMemory, "out of memory compiling a pattern");
  pcre2_set_max_pattern_length(context.get(), kMaxTextBytes);
  pcre2_set_compile_extra_options(context.get(), kExtraOptions);
  int error = 0;
  PCRE2_SIZE offset = 0;
  std::unique_ptr<pcre2_code, CodeFree> code(
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pcre2_text.data()), pcre2_text.size(),
                    kCompileOptions, &error, &offset, context.get()));
  if (!code) {
    RefusePattern(source,
                  "cannot be compiled by the backtracking regex engine: " + ErrorText(error));
  }
  size_t size = 0;
  pcre2_pattern_info(code.get(), PCRE2_INFO_SIZE, &size);
  // Without the JIT (unsupported here, or out of memory) the interpreter
  // runs the pattern, under the same limits.
  if (jit && pcre2_jit_compile(code.get(), PCRE2_JIT_COMPLETE) == 0) {
    size_t jit_size = 0;
    pcre2_pattern_info(code.get(), PCRE2_INFO_JITSIZE, &jit_size);
    size += jit_size;
  }
  if (size > kMaxProgramBytes) {
    RefusePattern(source,
                  "is too large for the backtracking regex engine: " + std::to_string(size) +
                      " bytes compiled (at most " + std::to_string(kMaxProgramBytes) + ")");
  }
  return std::make_unique<Pcre2Program>(source, std::move(code), size);
}

std::chrono::milliseconds SetPcre2TimeLimit(std::chrono::milliseconds limit) {
  auto previous = std::chrono::duration_cast<std::chrono::milliseconds>(time_limit);
  time_limit = limit;
  return previous;
}

}  // namespace schemareg
