// jsonb's binary form as a Value for the evaluator (src/core/evaluator.hpp):
// read in place, with no text, no DOM and no allocation per node. Strings are
// views into the datum; numbers are decoded from numeric's digits when they
// are read.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/decimal.hpp"
#include "core/json.hpp"
#include "pg/postgres.hpp"

namespace schemareg::pg {

class JsonbRef {
 public:
  // The root of a (detoasted) jsonb datum.
  static JsonbRef Root(const Jsonb* jsonb);
  // A string value holding a member's name (propertyNames).
  static JsonbRef Key(std::string_view name);

  JsonType type() const { return type_; }
  bool as_bool() const { return flag_; }
  // The nearest double; +-inf beyond double's range.
  double as_number() const;
  bool number_is_short() const;
  Decimal number_decimal() const;
  bool number_is_integral() const;
  std::string_view as_string() const { return {data_, length_}; }
  size_t size() const { return JsonContainerSize(container_); }
  JsonbRef item(size_t i) const;

  template <typename F>
  bool ForEachItem(F&& f) const {
    uint32 count = JsonContainerSize(container_);
    const char* base = reinterpret_cast<const char*>(&container_->children[count]);
    uint32 offset = 0;
    for (uint32 i = 0; i < count; i++) {
      uint32 length = EntryLength(i, offset);
      if (!f(static_cast<size_t>(i), FromEntry(container_->children[i], base, offset, length))) {
        return false;
      }
      offset += length;
    }
    return true;
  }

  template <typename F>
  bool ForEachMember(F&& f) const {
    uint32 count = JsonContainerSize(container_);
    const char* base = reinterpret_cast<const char*>(&container_->children[count * 2]);
    uint32 key_offset = 0;
    uint32 value_offset = count > 0 ? OffsetOf(count) : 0;
    for (uint32 i = 0; i < count; i++) {
      uint32 key_length = EntryLength(i, key_offset);
      uint32 value_length = EntryLength(count + i, value_offset);
      std::string_view name(base + key_offset, key_length);
      if (!f(name, FromEntry(container_->children[count + i], base, value_offset, value_length))) {
        return false;
      }
      key_offset += key_length;
      value_offset += value_length;
    }
    return true;
  }

  bool Find(std::string_view key, JsonbRef* out) const;
  const void* identity() const {
    return container_ != nullptr ? static_cast<const void*>(container_) : data_;
  }

 private:
  JsonbRef() = default;
  static JsonbRef FromEntry(JEntry entry, const char* base, uint32 offset, uint32 length);
  static JsonbRef FromContainer(const JsonbContainer* container);
  uint32 OffsetOf(uint32 index) const;
  // The length of child `index`, which starts at `offset`.
  uint32 EntryLength(uint32 index, uint32 offset) const {
    JEntry entry = container_->children[index];
    return JBE_HAS_OFF(entry) ? JBE_OFFLENFLD(entry) - offset : JBE_OFFLENFLD(entry);
  }

  JsonType type_ = JsonType::kNull;
  bool flag_ = false;                          // kBool
  const JsonbContainer* container_ = nullptr;  // kArray, kObject
  const char* data_ = nullptr;                 // kString; kNumber: the numeric
  uint32 length_ = 0;                          // kString
};

}  // namespace schemareg::pg
