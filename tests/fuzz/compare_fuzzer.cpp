// libFuzzer target: compare() of two definitions. Input: the old definition's
// JSON text on the first line, the new one's after it. Comparing the other
// way round must swap every change's backward and forward flags.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "core/diff.hpp"
#include "fuzz.hpp"

using namespace schemareg;

namespace {

// Each change's path and flags, sorted; `swap` exchanges the flags.
std::vector<std::tuple<std::string, bool, bool>> Flags(const std::vector<SchemaChange>& changes,
                                                       bool swap) {
  std::vector<std::tuple<std::string, bool, bool>> out;
  for (const SchemaChange& c : changes) {
    out.emplace_back(c.path, swap ? c.forward : c.backward, swap ? c.backward : c.forward);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view old_text, new_text;
  std::tie(old_text, new_text) = fuzz::SplitFirst(fuzz::Text(data, size), '\n');
  Json old_schema, new_schema;
  if (!fuzz::Expect("parse", [&] {
        old_schema = ParseJson(old_text, 1000);
        new_schema = ParseJson(new_text, 1000);
      })) {
    return 0;
  }
  std::vector<SchemaChange> forward, backward, same;
  bool compared = fuzz::Expect("compare", [&] {
    forward = CompareSchemas(old_schema, new_schema);
    backward = CompareSchemas(new_schema, old_schema);
  });
  fuzz::Expect("compare itself", [&] { same = CompareSchemas(old_schema, old_schema); });
  if (!same.empty()) {
    fuzz::Unexpected("compare", "a definition differs from itself at " + same[0].path);
  }
  if (compared && Flags(forward, false) != Flags(backward, true)) {
    fuzz::Unexpected("compare", "old against new is not new against old with the flags swapped");
  }
  return 0;
}
