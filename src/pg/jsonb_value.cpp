#include "pg/jsonb_value.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/decimal.hpp"
#include "core/error.hpp"
#include "pg/guard.hpp"

extern "C" {
#include "utils/numeric.h"
}

namespace schemareg::pg {

namespace {

// numeric's on-disk header (src/backend/utils/adt/numeric.c; the format is
// stored on disk and does not change): a uint16 whose top bits say short
// (0x8000), negative (0x4000) or special (0xC000). A short header keeps the
// sign (0x2000) and a 7-bit weight (sign 0x0040, magnitude 0x003F); a long
// one is followed by an int16 weight. Then base-10000 digits, the first one
// worth 10000^weight.
constexpr uint16_t kSignMask = 0xC000;
constexpr uint16_t kNegative = 0x4000;
constexpr uint16_t kShort = 0x8000;
constexpr uint16_t kSpecial = 0xC000;
constexpr uint16_t kShortNegative = 0x2000;
constexpr uint16_t kShortWeightSign = 0x0040;
constexpr uint16_t kShortWeightMask = 0x003F;

// Exact powers of ten as doubles (up to 10^22 every one is exact).
constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// A numeric's sign, weight and base-10000 digits, read from its header.
struct NumericParts {
  bool negative = false;
  int weight = 0;
  size_t count = 0;  // digits
  const char* digits = nullptr;

  uint16_t Digit(size_t i) const {
    uint16_t digit;
    std::memcpy(&digit, digits + i * sizeof(uint16_t), sizeof digit);
    return digit;
  }
};

// False for the special values (NaN, infinities), which jsonb never holds.
bool ReadNumeric(const char* numeric, NumericParts* parts) {
  const char* data = VARDATA_ANY(numeric);
  size_t size = VARSIZE_ANY_EXHDR(numeric);
  if (size < sizeof(uint16_t)) return false;
  uint16_t header;
  std::memcpy(&header, data, sizeof header);
  if ((header & kSignMask) == kSpecial) return false;
  size_t header_size;
  if ((header & kShort) != 0) {
    parts->negative = (header & kShortNegative) != 0;
    parts->weight = (header & kShortWeightSign) != 0
                        ? static_cast<int>(~kShortWeightMask | (header & kShortWeightMask))
                        : static_cast<int>(header & kShortWeightMask);
    header_size = sizeof(uint16_t);
  } else {
    parts->negative = (header & kSignMask) == kNegative;
    int16_t long_weight;
    if (size < 2 * sizeof(uint16_t)) return false;
    std::memcpy(&long_weight, data + sizeof(uint16_t), sizeof long_weight);
    parts->weight = long_weight;
    header_size = 2 * sizeof(uint16_t);
  }
  parts->count = (size - header_size) / sizeof(uint16_t);
  parts->digits = data + header_size;
  return true;
}

size_t DecimalDigits(uint16_t digit) {
  return digit >= 1000 ? 4 : digit >= 100 ? 3 : digit >= 10 ? 2 : 1;
}

// The double nearest to a numeric when that can be computed exactly: a
// mantissa of at most 2^53 times a power of ten up to 10^22 is one correctly
// rounded IEEE operation, the same double strtod gives for its text. False
// otherwise (more digits, larger exponents).
bool FastNumericToDouble(const char* numeric, double* out) {
  NumericParts parts;
  if (!ReadNumeric(numeric, &parts)) return false;
  uint64_t mantissa = 0;
  for (size_t i = 0; i < parts.count; i++) {
    if (mantissa > (UINT64_MAX - 9999) / 10000) return false;
    mantissa = mantissa * 10000 + parts.Digit(i);
  }
  if (mantissa == 0) {
    *out = 0;
    return true;
  }
  long exponent = 4L * (parts.weight - static_cast<long>(parts.count) + 1);
  while (mantissa % 10 == 0) {
    mantissa /= 10;
    exponent++;
  }
  if (mantissa > (uint64_t{1} << 53) || exponent < -22 || exponent > 22) return false;
  double value = static_cast<double>(mantissa);
  value = exponent >= 0 ? value * kPowersOfTen[exponent] : value / kPowersOfTen[-exponent];
  *out = parts.negative ? -value : value;
  return true;
}

// The numeric exactly.
Decimal NumericDecimal(const NumericParts& parts) {
  std::string digits;
  digits.reserve(parts.count * 4);
  for (size_t i = 0; i < parts.count; i++) {
    unsigned digit = parts.Digit(i) % 10000;
    for (unsigned power = 1000; power > 0; power /= 10) {
      digits += static_cast<char>('0' + digit / power % 10);
    }
  }
  return Decimal::FromDigits(parts.negative, std::move(digits),
                             4L * (parts.weight - static_cast<long>(parts.count) + 1));
}

// Everything else: the numeric's exact text, read by strtod (as a record's
// text would be); +-inf beyond double's range, where the evaluator compares
// the decimals.
double SlowNumericToDouble(const char* numeric) {
  NumericParts parts;
  if (!ReadNumeric(numeric, &parts)) return std::nan("");
  return std::strtod(NumericDecimal(parts).ToText().c_str(), nullptr);
}

}  // namespace

JsonbRef JsonbRef::Root(const Jsonb* jsonb) {
  JsonbRef root = FromContainer(&jsonb->root);
  // A scalar document is stored as a one-element array marked scalar.
  if (JsonContainerIsScalar(&jsonb->root)) return root.item(0);
  return root;
}

JsonbRef JsonbRef::Key(std::string_view name) {
  JsonbRef key;
  key.type_ = JsonType::kString;
  key.data_ = name.data();
  key.length_ = static_cast<uint32>(name.size());
  return key;
}

JsonbRef JsonbRef::FromContainer(const JsonbContainer* container) {
  JsonbRef value;
  value.type_ = JsonContainerIsObject(container) ? JsonType::kObject : JsonType::kArray;
  value.container_ = container;
  return value;
}

JsonbRef JsonbRef::FromEntry(JEntry entry, const char* base, uint32 offset, uint32 length) {
  JsonbRef value;
  if (JBE_ISNULL(entry)) {
    value.type_ = JsonType::kNull;
  } else if (JBE_ISSTRING(entry)) {
    value.type_ = JsonType::kString;
    value.data_ = base + offset;
    value.length_ = length;
  } else if (JBE_ISNUMERIC(entry)) {
    value.type_ = JsonType::kNumber;
    value.data_ = base + INTALIGN(offset);
  } else if (JBE_ISBOOL_TRUE(entry) || JBE_ISBOOL_FALSE(entry)) {
    value.type_ = JsonType::kBool;
    value.flag_ = JBE_ISBOOL_TRUE(entry);
  } else {
    value = FromContainer(reinterpret_cast<const JsonbContainer*>(base + INTALIGN(offset)));
  }
  return value;
}

uint32 JsonbRef::OffsetOf(uint32 index) const { return getJsonbOffset(container_, index); }

bool JsonbRef::number_is_short() const {
  NumericParts parts;
  if (!ReadNumeric(data_, &parts) || parts.count == 0) return true;
  uint16_t last = parts.Digit(parts.count - 1);
  size_t trailing = 0;
  while (trailing < 3 && last % 10 == 0) {
    last /= 10;
    trailing++;
  }
  size_t first_digits = DecimalDigits(parts.Digit(0));
  size_t significant = 4 * (parts.count - 1) + first_digits - trailing;
  long magnitude = 4L * parts.weight + static_cast<long>(first_digits);
  return significant <= 15 && magnitude > -290 && magnitude < 290;
}

Decimal JsonbRef::number_decimal() const {
  NumericParts parts;
  if (!ReadNumeric(data_, &parts)) return Decimal{};
  return NumericDecimal(parts);
}

bool JsonbRef::number_is_integral() const {
  NumericParts parts;
  if (!ReadNumeric(data_, &parts)) return false;
  // Every base-10000 digit is at or above the units (trailing zero digits
  // are not stored).
  return parts.count == 0 || static_cast<long>(parts.count) <= parts.weight + 1;
}

double JsonbRef::as_number() const {
  double d;
  if (FastNumericToDouble(data_, &d)) return d;
  return SlowNumericToDouble(data_);
}

JsonbRef JsonbRef::item(size_t i) const {
  uint32 count = JsonContainerSize(container_);
  const char* base = reinterpret_cast<const char*>(&container_->children[count]);
  uint32 index = static_cast<uint32>(i);
  uint32 offset = OffsetOf(index);
  return FromEntry(container_->children[index], base, offset, EntryLength(index, offset));
}

bool JsonbRef::Find(std::string_view key, JsonbRef* out) const {
  // Keys are sorted (by length, then bytes): a binary search, as
  // getKeyJsonValueFromContainer does, without filling a JsonbValue.
  uint32 count = JsonContainerSize(container_);
  const char* base = reinterpret_cast<const char*>(&container_->children[count * 2]);
  uint32 low = 0, high = count;
  while (low < high) {
    uint32 middle = low + (high - low) / 2;
    uint32 offset = OffsetOf(middle);
    uint32 length = EntryLength(middle, offset);
    int compare;
    if (length != key.size()) {
      compare = length < key.size() ? -1 : 1;
    } else {
      compare = std::memcmp(base + offset, key.data(), length);
    }
    if (compare == 0) {
      uint32 value_index = count + middle;
      uint32 value_offset = OffsetOf(value_index);
      *out = FromEntry(container_->children[value_index], base, value_offset,
                       EntryLength(value_index, value_offset));
      return true;
    }
    if (compare < 0) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return false;
}

}  // namespace schemareg::pg
