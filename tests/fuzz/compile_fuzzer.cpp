// libFuzzer target: a definition's text through the steps create_schema takes
// (parse, dialect, depth, metaschema check, compile), then compiled without
// the metaschema check, as bundles and the cache compile definitions; and
// check_definition's core, which must list nothing for what the checked
// compile accepts and something for what it refuses.
// Input: the definition's JSON text.
#include <cstddef>
#include <cstdint>

#include "core/definition.hpp"
#include "core/definition_check.hpp"
#include "fuzz.hpp"

using namespace schemareg;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::Text(data, size);
  CompileOptions options;
  bool accepted = fuzz::Expect("checked compile",
                               [&] { PrepareDefinition(text, fuzz::Documents(), options, true); });
  DefinitionCheck check;
  try {
    check = CheckDefinition(text, fuzz::Documents(), {}, options, "");
  } catch (const std::exception& e) {
    fuzz::Unexpected("check_definition", std::string("unexpected exception: ") + e.what());
  }
  if (accepted != (check.issues.empty() && check.to_fetch.empty())) {
    fuzz::Unexpected("check_definition", accepted ? "lists problems in an accepted definition"
                                                  : "lists nothing in a refused definition");
  }
  options.default_dialect = Dialect::kDraft4;
  fuzz::Expect("unchecked compile",
               [&] { PrepareDefinition(text, fuzz::Documents(), options, false); });
  return 0;
}
