#include "format/json_number.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace qc {

namespace {

constexpr int kMaxDigits = 19;          // significant digits kept in a uint64
constexpr uint64_t kExactMantissa = 1ull << 53;
constexpr int kExactPow10 = 22;         // 10^22 is the largest power of ten a double holds exactly

// 10^e, exact for e <= 22 in a double and e <= 27 in a long double.
template <class T>
T pow10_exact(int e) {
  T p = 1;
  for (int i = 0; i < e; ++i) p *= 10;
  return p;
}

struct Decimal {
  bool negative = false;
  uint64_t mantissa = 0;  // the first kMaxDigits significant digits
  int64_t exp10 = 0;      // value = mantissa * 10^exp10 (digits past kMaxDigits dropped)
  bool dropped = false;   // a non-zero digit was dropped
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Decimal parse_decimal(std::string_view s) {
  Decimal d;
  size_t i = 0;
  if (i < s.size() && s[i] == '-') {
    d.negative = true;
    ++i;
  }
  int digits = 0;
  auto take = [&](char c, bool fraction) {
    if (d.mantissa == 0 && c == '0') {  // leading zeros are not significant
      if (fraction) --d.exp10;
    } else if (digits < kMaxDigits) {
      d.mantissa = d.mantissa * 10 + static_cast<uint64_t>(c - '0');
      ++digits;
      if (fraction) --d.exp10;
    } else {
      if (!fraction) ++d.exp10;
      if (c != '0') d.dropped = true;
    }
  };
  for (; i < s.size() && is_digit(s[i]); ++i) take(s[i], false);
  if (i < s.size() && s[i] == '.')
    for (++i; i < s.size() && is_digit(s[i]); ++i) take(s[i], true);
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    int64_t e = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) e = std::min<int64_t>(e * 10 + (s[i] - '0'), 100000);
    d.exp10 += negative ? -e : e;
  }
  return d;
}

std::optional<double> exact(const Decimal& d) {
  if (d.mantissa == 0) return d.negative ? -0.0 : 0.0;
  if (d.dropped || d.mantissa > kExactMantissa || d.exp10 > kExactPow10 || d.exp10 < -kExactPow10) return std::nullopt;
  const double m = static_cast<double>(d.mantissa);  // exact up to 2^53
  const double v = d.exp10 >= 0 ? m * pow10_exact<double>(static_cast<int>(d.exp10)) : m / pow10_exact<double>(static_cast<int>(-d.exp10));
  return d.negative ? -v : v;
}

// mantissa * 10^exp10 in long double (113-bit quad in wasm, 64-bit x87 natively),
// in steps of the exact 10^27 (5^27 < 2^63): under 14 roundings of the wider type,
// then one to double, so the result is within an ulp and almost always exact. Past
// the double range it gives inf or 0, as strtod would (the parser rejects inf).
double near(const Decimal& d) {
  if (const auto v = exact(d)) return *v;
  constexpr int kStep = 27;
  long double v = static_cast<long double>(d.mantissa);
  const bool up = d.exp10 >= 0;
  int64_t e = up ? d.exp10 : -d.exp10;
  const long double step = pow10_exact<long double>(kStep);
  for (; e >= kStep && v != 0 && v <= 1e4000L; e -= kStep) v = up ? v * step : v / step;
  const long double rest = pow10_exact<long double>(static_cast<int>(std::min<int64_t>(e, kStep)));
  const double r = static_cast<double>(up ? v * rest : v / rest);
  return d.negative ? -r : r;
}

}  // namespace

std::optional<double> json_number_exact(std::string_view token) { return exact(parse_decimal(token)); }

double json_number_value(std::string_view token) {
#if defined(__EMSCRIPTEN__)
  return near(parse_decimal(token));
#else
  if (const auto v = json_number_exact(token)) return *v;
  return std::strtod(std::string(token).c_str(), nullptr);
#endif
}

double json_number_near(std::string_view token) { return near(parse_decimal(token)); }

}  // namespace qc
