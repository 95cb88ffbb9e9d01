// Times the core's JSON model on large and small objects: parsing, member
// lookup, and compiling a definition with 40,000 "definitions". Not a test
// and not part of make bench; run it before and after changing the model:
//   cmake --build build/cmake --target json_objects_bench && build/cmake/json_objects_bench
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/schema.hpp"
#include "core/validator.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// {"definitions": {"d0": {...}, ...}, "$ref": "#/definitions/d0"}: each
// definition refers to the next one, so compiling resolves every name.
std::string ManyDefinitions(int n, bool chained) {
  std::string text = R"({"definitions": {)";
  for (int i = 0; i < n; i++) {
    if (i > 0) text += ',';
    text += "\"d" + std::to_string(i) + "\": ";
    if (chained && i + 1 < n) {
      text += R"({"$ref": "#/definitions/d)" + std::to_string(i + 1) + "\"}";
    } else {
      text += R"({"type": "integer"})";
    }
  }
  text += R"(}, "$ref": "#/definitions/d0"})";
  return text;
}

std::string ManyMembers(int n) {
  std::string text = "{";
  for (int i = 0; i < n; i++) {
    if (i > 0) text += ',';
    text += "\"key" + std::to_string(i) + "\": " + std::to_string(i);
  }
  return text + "}";
}

// An array of small objects, as records and definitions mostly are.
std::string SmallObjects(int n) {
  std::string text = "[";
  for (int i = 0; i < n; i++) {
    if (i > 0) text += ',';
    text += R"({"id": )" + std::to_string(i) +
            R"(, "name": "n", "tags": ["a", "b"], "price": 1.5, "ok": true, "x": null})";
  }
  return text + "]";
}

template <typename F>
double Best(int runs, F&& f) {
  double best = 1e9;
  for (int i = 0; i < runs; i++) {
    auto start = Clock::now();
    f();
    best = std::min(best, Seconds(start));
  }
  return best;
}

}  // namespace

int main() {
  using namespace schemareg;
  for (bool chained : {false, true}) {
    std::string text = ManyDefinitions(40000, chained);
    Json definition = ParseJson(text, 100);
    double compile = Best(3, [&] { CompileSchema(definition, {}, CompileOptions{}); });
    std::printf("compile 40,000 definitions%s: %.3f s\n", chained ? " (chained $refs)" : "",
                compile);
  }

  std::string big = ManyMembers(40000);
  double parse_big = Best(5, [&] { ParseJson(big, 10); });
  Json object = ParseJson(big, 10);
  size_t found = 0;
  double find_all = Best(3, [&] {
    for (int i = 0; i < 40000; i++) found += object.Find("key" + std::to_string(i)) != nullptr;
  });
  std::printf("parse one object of 40,000 members: %.2f ms\n", parse_big * 1e3);
  std::printf("find each of its 40,000 keys: %.2f ms (%zu found)\n", find_all * 1e3, found / 3);

  std::string small = SmallObjects(200000);
  double parse_small = Best(5, [&] { ParseJson(small, 10); });
  Json array = ParseJson(small, 10);
  const char* keys[] = {"id", "name", "tags", "price", "ok", "x", "missing"};
  size_t hits = 0;
  double find_small = Best(5, [&] {
    for (const Json& item : array.items()) {
      for (const char* k : keys) hits += item.Find(k) != nullptr;
    }
  });
  std::printf("parse 200,000 objects of 6 members (%zu bytes): %.1f ms\n", small.size(),
              parse_small * 1e3);
  std::printf("find 7 keys in each of them: %.1f ms (%zu hits)\n", find_small * 1e3, hits / 5);
  return 0;
}
