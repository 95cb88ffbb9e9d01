// Exact decimal numbers, as jsonb stores them and JSON text writes them. The
// evaluator compares doubles where that is provably exact and these
// otherwise (ties between doubles, numbers beyond double's range, multipleOf
// of fractions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace schemareg {

struct Decimal {
  bool negative = false;
  // The significant digits, without leading or trailing zeros ("" for zero).
  std::string digits;
  // The value is digits x 10^exponent.
  int64_t exponent = 0;

  // From the text of a JSON number (its grammar already checked).
  static Decimal FromJson(std::string_view text);
  // From digits (leading and trailing zeros allowed) and an exponent.
  static Decimal FromDigits(bool negative, std::string digits, int64_t exponent);

  bool IsZero() const { return digits.empty(); }
  bool IsIntegral() const { return exponent >= 0; }
  // At most 15 significant digits, well inside double's normal range: the
  // nearest double reads back as this decimal, so no two such decimals
  // share a double, and a tie between their doubles is equality.
  bool IsShort() const;
  // The text of the number (digits and an exponent where needed).
  std::string ToText() const;
};

// <0, 0, >0 as a is less than, equal to, greater than b.
int CompareDecimals(const Decimal& a, const Decimal& b);

// Whether value is an integer multiple of divisor (> 0), exactly. Throws
// Error 54000 when the numbers are too long to check in bounded time.
bool IsMultipleOfDecimal(const Decimal& value, const Decimal& divisor);

}  // namespace schemareg
