// Decimal JSON numbers to doubles. The wasm runtime does without the C library's
// strtod (~5 KB brotli of scanner code; its JSON numbers are only checked, never
// computed with); native builds (the converter, which reads preprocessing numbers
// back) keep it for the numbers the exact path does not cover.
#pragma once
#include <optional>
#include <string_view>

namespace qc {

// Tokens match the JSON grammar (-?int(.frac)?([eE][+-]?digits)?).

// The value, correctly rounded, when it is m * 10^e with m <= 2^53 and |e| <= 22
// (every integer up to 2^53, decimals of up to 15 digits at usual scales); else nullopt.
std::optional<double> json_number_exact(std::string_view token);

// Any number: json_number_exact, else strtod natively and json_number_near in wasm.
double json_number_value(std::string_view token);

// Any number through long double (quad in wasm, x87 natively): within one ulp of the
// correctly rounded value (almost always equal); inf or 0 past the double range.
double json_number_near(std::string_view token);

}  // namespace qc
