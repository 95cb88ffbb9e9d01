// libFuzzer target: a definition's text through the steps create_schema takes
// (parse, dialect, depth, metaschema check, compile), then compiled without
// the metaschema check, as bundles and the cache compile definitions.
// Input: the definition's JSON text.
#include <cstddef>
#include <cstdint>

#include "core/definition.hpp"
#include "fuzz.hpp"

using namespace schemareg;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::Text(data, size);
  CompileOptions options;
  fuzz::Expect("checked compile",
               [&] { PrepareDefinition(text, fuzz::Documents(), options, true); });
  options.default_dialect = Dialect::kDraft4;
  fuzz::Expect("unchecked compile",
               [&] { PrepareDefinition(text, fuzz::Documents(), options, false); });
  return 0;
}
