// RapidJSON for the core: its assertions throw instead of aborting the server.
// (Files that include valijson's RapidJSON adapter get the same from valijson.)
#pragma once

#include <stdexcept>

#ifndef RAPIDJSON_ASSERT
#define RAPIDJSON_ASSERT(x) \
  ((x) ? static_cast<void>(0) : throw std::logic_error("RapidJSON assertion failed: " #x))
#endif

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
