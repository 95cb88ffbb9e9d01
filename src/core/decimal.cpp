#include "core/decimal.hpp"

#include <algorithm>
#include <vector>

#include "core/error.hpp"

namespace schemareg {

namespace {

// Digit steps IsMultipleOfDecimal may take with a divisor too long for a
// machine word (schoolbook long division).
constexpr uint64_t kMaxDivisionSteps = 20'000'000;

// (a * b) % m without overflow, for m < 2^63.
uint64_t MulMod(uint64_t a, uint64_t b, uint64_t m) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) % m);
}

uint64_t PowMod(uint64_t base, uint64_t exp, uint64_t m) {
  uint64_t result = 1 % m;
  base %= m;
  while (exp > 0) {
    if (exp & 1) result = MulMod(result, base, m);
    base = MulMod(base, base, m);
    exp >>= 1;
  }
  return result;
}

// Whether the big number `digits` followed by `zeros` zeros is divisible by
// the big number `divisor` (no leading zeros), by long division.
bool DivisibleLong(const std::string& digits, uint64_t zeros, const std::string& divisor) {
  if (zeros > kMaxDivisionSteps ||
      (digits.size() + zeros) * divisor.size() > kMaxDivisionSteps / 10) {
    throw Error(sqlstate::kProgramLimitExceeded,
                "multipleOf cannot be checked exactly: the numbers are too long",
                "A multipleOf of " + std::to_string(divisor.size()) +
                    " digits would take too long against a number of " +
                    std::to_string(digits.size() + zeros) + " digits.");
  }
  // The remainder, as decimal digits, most significant first.
  std::vector<int> rem;
  std::vector<int> div(divisor.size());
  for (size_t i = 0; i < divisor.size(); i++) div[i] = divisor[i] - '0';
  auto less_than_divisor = [&]() {
    size_t start = 0;
    while (start < rem.size() && rem[start] == 0) start++;
    size_t len = rem.size() - start;
    if (len != div.size()) return len < div.size();
    for (size_t i = 0; i < len; i++) {
      if (rem[start + i] != div[i]) return rem[start + i] < div[i];
    }
    return false;
  };
  auto subtract = [&]() {
    int borrow = 0;
    for (size_t i = 0; i < rem.size(); i++) {
      size_t ri = rem.size() - 1 - i;
      int d = rem[ri] - borrow - (i < div.size() ? div[div.size() - 1 - i] : 0);
      borrow = d < 0;
      rem[ri] = d < 0 ? d + 10 : d;
    }
  };
  uint64_t total = digits.size() + zeros;
  for (uint64_t i = 0; i < total; i++) {
    rem.push_back(i < digits.size() ? digits[i] - '0' : 0);
    while (!less_than_divisor()) subtract();
    // Keep the remainder short: drop its leading zeros.
    size_t start = 0;
    while (start + 1 < rem.size() && rem[start] == 0) start++;
    rem.erase(rem.begin(), rem.begin() + static_cast<long>(start));
  }
  return std::all_of(rem.begin(), rem.end(), [](int d) { return d == 0; });
}

}  // namespace

Decimal Decimal::FromDigits(bool negative, std::string digits, int64_t exponent) {
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return Decimal{};
  size_t last = digits.find_last_not_of('0');
  exponent += static_cast<int64_t>(digits.size() - 1 - last);
  Decimal d;
  d.negative = negative;
  d.digits = digits.substr(first, last - first + 1);
  d.exponent = exponent;
  return d;
}

Decimal Decimal::FromJson(std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  size_t i = negative ? 1 : 0;
  std::string digits;
  int64_t exponent = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; i++) digits += text[i];
  if (i < text.size() && text[i] == '.') {
    for (i++; i < text.size() && text[i] >= '0' && text[i] <= '9'; i++) {
      digits += text[i];
      exponent--;
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    i++;
    bool exp_negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) i++;
    int64_t e = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; i++) {
      // Beyond any digit count a document can hold: saturate.
      if (e < 1'000'000'000'000LL) e = e * 10 + (text[i] - '0');
    }
    exponent += exp_negative ? -e : e;
  }
  return FromDigits(negative, std::move(digits), exponent);
}

bool Decimal::IsShort() const {
  if (IsZero()) return true;
  int64_t magnitude = static_cast<int64_t>(digits.size()) + exponent;
  return digits.size() <= 15 && magnitude > -290 && magnitude < 290;
}

std::string Decimal::ToText() const {
  if (IsZero()) return "0";
  std::string out = negative ? "-" : "";
  if (exponent >= 0 && exponent <= 20) {
    out += digits + std::string(static_cast<size_t>(exponent), '0');
  } else if (exponent < 0 && -exponent < static_cast<int64_t>(digits.size())) {
    size_t point = digits.size() - static_cast<size_t>(-exponent);
    out += digits.substr(0, point) + "." + digits.substr(point);
  } else if (exponent < 0 && -exponent <= static_cast<int64_t>(digits.size()) + 6) {
    out += "0." + std::string(static_cast<size_t>(-exponent) - digits.size(), '0') + digits;
  } else {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += "e" + std::to_string(exponent + static_cast<int64_t>(digits.size()) - 1);
  }
  return out;
}

int CompareDecimals(const Decimal& a, const Decimal& b) {
  if (a.IsZero() || b.IsZero()) {
    int sa = a.IsZero() ? 0 : (a.negative ? -1 : 1);
    int sb = b.IsZero() ? 0 : (b.negative ? -1 : 1);
    return sa - sb;
  }
  if (a.negative != b.negative) return a.negative ? -1 : 1;
  int sign = a.negative ? -1 : 1;
  // The position of the most significant digit decides first.
  int64_t ma = static_cast<int64_t>(a.digits.size()) + a.exponent;
  int64_t mb = static_cast<int64_t>(b.digits.size()) + b.exponent;
  if (ma != mb) return ma < mb ? -sign : sign;
  size_t n = std::max(a.digits.size(), b.digits.size());
  for (size_t i = 0; i < n; i++) {
    char da = i < a.digits.size() ? a.digits[i] : '0';
    char db = i < b.digits.size() ? b.digits[i] : '0';
    if (da != db) return da < db ? -sign : sign;
  }
  return 0;
}

bool IsMultipleOfDecimal(const Decimal& value, const Decimal& divisor) {
  if (value.IsZero()) return true;
  // value / divisor is an integer when, over the smaller exponent e,
  // value.digits * 10^(value.exponent - e) is divisible by
  // divisor.digits * 10^(divisor.exponent - e).
  // The divisor would then end in zeros below the value's last digit, which
  // is not 0 (no trailing zeros): no integer quotient.
  if (divisor.exponent > value.exponent) return false;
  uint64_t zeros = static_cast<uint64_t>(value.exponent - divisor.exponent);
  if (divisor.digits.size() <= 18) {
    uint64_t d = std::stoull(divisor.digits);
    uint64_t r = 0;
    for (char c : value.digits) r = (MulMod(r, 10, d) + static_cast<uint64_t>(c - '0')) % d;
    return MulMod(r, PowMod(10, zeros, d), d) == 0;
  }
  return DivisibleLong(value.digits, zeros, divisor.digits);
}

}  // namespace schemareg
