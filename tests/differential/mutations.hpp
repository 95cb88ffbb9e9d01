// Generated records for the differential test: small mutations of a valid
// record (a number moved by one or made a fraction, a value of another type,
// a member or an item dropped, added or copied, a string emptied or extended,
// null), chosen deterministically from a seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// valijson's adapter makes RapidJSON's assertions throw; it must come before
// any RapidJSON header, so every file here takes RapidJSON through it.
#include <valijson/adapters/rapidjson_adapter.hpp>
#include <rapidjson/document.h>

namespace differential {

// JSON text of a value (numbers as RapidJSON holds them: 1.0 stays 1.0).
std::string ToText(const rapidjson::Value& value);

struct Mutant {
  std::string description;  // "<JSON Pointer>: <what changed>", e.g. "/foo: number+1"
  std::string text;         // the mutated record
};

// At most `limit` distinct mutants of `record`, none equal to it. The same
// record, seed and limit give the same mutants on every run and platform.
std::vector<Mutant> Mutate(const rapidjson::Value& record, uint64_t seed, size_t limit);

// A 64-bit FNV-1a hash, to derive a seed from a case's name.
uint64_t Fnv1a(std::string_view text);

}  // namespace differential
