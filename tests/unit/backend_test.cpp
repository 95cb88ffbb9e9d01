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
    EXPECT_EQ(e.hint(), "The available backend is builtin.");
  }
}

}  // namespace
}  // namespace schemareg
