#include "core/backend.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace schemareg {
namespace {

TEST(BackendTest, BuiltinIsFoundAndItsStepsAreRepeatable) {
  Backend& builtin = FindBackend("builtin");
  EXPECT_EQ(builtin.name(), "builtin");
  EXPECT_NO_THROW(builtin.Create("lab/sensor:1", "{}"));
  EXPECT_NO_THROW(builtin.Create("lab/sensor:1", "{}"));
  EXPECT_NO_THROW(builtin.Delete("lab/sensor:1"));
  EXPECT_NO_THROW(builtin.Delete("lab/sensor:1"));
}

TEST(BackendTest, UnknownBackendIs22023) {
  try {
    FindBackend("remote");
    FAIL() << "FindBackend accepted an unknown name";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "22023");
    EXPECT_STREQ(e.what(), "unknown schema backend \"remote\"");
    EXPECT_EQ(e.hint(), "The available backends are builtin and faulty (for tests).");
  }
}

// The test backend fails exactly the steps it is told to, with SQLSTATE 58000.
TEST(BackendTest, FaultyFailsTheInjectedStepsOnly) {
  Backend& faulty = FindBackend("faulty");
  SetInjectedFaults({});
  EXPECT_NO_THROW(faulty.Create("a:1", "{}"));
  EXPECT_NO_THROW(faulty.Delete("a:1"));
  SetInjectedFaults({true, false});
  try {
    faulty.Create("a:1", "{}");
    FAIL() << "the injected create failure did not happen";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "58000");
    EXPECT_STREQ(e.what(), "backend \"faulty\" failed to create schema \"a:1\"");
  }
  EXPECT_NO_THROW(faulty.Delete("a:1"));
  SetInjectedFaults({false, true});
  EXPECT_NO_THROW(faulty.Create("a:1", "{}"));
  EXPECT_THROW(faulty.Delete("a:1"), Error);
  SetInjectedFaults({});
}

}  // namespace
}  // namespace schemareg
