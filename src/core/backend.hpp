// Backends hold registered schemas: the lifecycle's create and delete steps
// run through one. `builtin` keeps schemas in the registry itself.
#pragma once

#include <string>
#include <string_view>

namespace schemareg {

class Backend {
 public:
  virtual ~Backend() = default;

  // The identifier stored in schemas.backend.
  virtual std::string_view name() const = 0;

  // Makes a checked definition available as `ref` (name:version). Throws
  // Error when it cannot; calling it again after a success is harmless.
  virtual void Create(const std::string& ref, std::string_view definition_text) = 0;

  // Removes what Create made. Deleting what is not there is not an error.
  virtual void Delete(const std::string& ref) = 0;
};

// The backend registered under `name`; throws Error 22023 naming the known ones.
Backend& FindBackend(std::string_view name);

// Which steps of the `faulty` test backend fail (schemareg.fail_backend_steps).
struct InjectedFaults {
  bool create = false;
  bool remove = false;
};
void SetInjectedFaults(InjectedFaults faults);

}  // namespace schemareg
