// libFuzzer target: the "format" checks. Input: the format's name on the
// first line, the string to check after it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/format.hpp"
#include "fuzz.hpp"

using namespace schemareg;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [format, value] = fuzz::SplitFirst(fuzz::Text(data, size), '\n');
  FormatResult result = CheckFormat(format, value);
  if ((result != FormatResult::kUnknown) != IsKnownFormat(format)) {
    fuzz::Unexpected("format",
                     "CheckFormat and IsKnownFormat disagree on \"" + std::string(format) + "\"");
  }
  return 0;
}
