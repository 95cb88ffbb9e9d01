// applicator::PropertyCursor: finding members' names among "properties",
// in jsonb's order (one merged pass) and in any other (a binary search).
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/vocabularies/applicator.hpp"

namespace schemareg {
namespace {

using Properties = applicator::PropertyCursor::Properties;

// Names "p0" ... "p<count-1>", every other one a property, sorted by KeyLess.
std::vector<std::string> Names(int count) {
  std::vector<std::string> names;
  for (int i = 0; i < count; i++) names.push_back("p" + std::to_string(i));
  std::sort(names.begin(), names.end(), KeyLess);
  return names;
}

Properties EveryOther(const std::vector<std::string>& names) {
  Properties properties;
  for (size_t i = 0; i < names.size(); i += 2) properties.emplace_back(names[i], NodeId(i));
  return properties;
}

// Seeks each name and checks the answer against a binary search.
void ExpectSameAsBinarySearch(const Properties& properties, const std::vector<std::string>& order) {
  applicator::PropertyCursor cursor(properties);
  for (const std::string& name : order) {
    auto expected =
        std::lower_bound(properties.begin(), properties.end(), name,
                         [](const auto& p, const std::string& k) { return KeyLess(p.first, k); });
    EXPECT_EQ(cursor.Seek(name), expected) << name;
  }
}

TEST(PropertyCursorTest, MembersInKeyOrder) {
  std::vector<std::string> names = Names(300);
  ExpectSameAsBinarySearch(EveryOther(names), names);
  // Long runs of members that are no property: more than a few steps.
  std::vector<std::string> sparse;
  for (size_t i = 0; i < names.size(); i += 37) sparse.push_back(names[i]);
  ExpectSameAsBinarySearch(EveryOther(names), sparse);
}

TEST(PropertyCursorTest, MembersInAnyOrder) {
  std::vector<std::string> names = Names(300);
  std::vector<std::string> shuffled = names;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  ExpectSameAsBinarySearch(EveryOther(names), shuffled);
  std::vector<std::string> reversed(names.rbegin(), names.rend());
  ExpectSameAsBinarySearch(EveryOther(names), reversed);
  ExpectSameAsBinarySearch(Properties{}, {"a", "b"});
}

}  // namespace
}  // namespace schemareg
