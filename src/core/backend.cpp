#include "core/backend.hpp"

#include "core/error.hpp"

namespace schemareg {

namespace {

// Schemas live in the registry table; each backend process compiles them on
// first use. The definition was compiled before the row was written, so
// neither step has anything left to do.
class BuiltinBackend final : public Backend {
 public:
  std::string_view name() const override { return "builtin"; }
  void Create(const std::string&, std::string_view) override {}
  void Delete(const std::string&) override {}
};

InjectedFaults injected;

[[noreturn]] void Fail(const char* step, const std::string& ref) {
  throw Error("58000", std::string("backend \"faulty\" failed to ") + step + " schema \"" + ref + "\"",
              "The failure was injected by schemareg.fail_backend_steps.",
              "Run schemareg.reconcile() once the setting is off.");
}

// For tests: behaves as builtin, except that the steps named by
// schemareg.fail_backend_steps fail, as a remote service might.
class FaultyBackend final : public Backend {
 public:
  std::string_view name() const override { return "faulty"; }
  void Create(const std::string& ref, std::string_view) override {
    if (injected.create) Fail("create", ref);
  }
  void Delete(const std::string& ref) override {
    if (injected.remove) Fail("delete", ref);
  }
};

}  // namespace

Backend& FindBackend(std::string_view name) {
  static BuiltinBackend builtin;
  static FaultyBackend faulty;
  if (name == builtin.name()) return builtin;
  if (name == faulty.name()) return faulty;
  throw Error(sqlstate::kInvalidParameterValue,
              "unknown schema backend \"" + std::string(name) + "\"", "",
              "The available backends are builtin and faulty (for tests).");
}

void SetInjectedFaults(InjectedFaults faults) { injected = faults; }

}  // namespace schemareg
