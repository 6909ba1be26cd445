// Overflow-safe arithmetic for sizes read from untrusted input.
#pragma once
#include <cstdint>
#include <limits>
#include <span>

namespace qc {

inline bool add_overflows(uint64_t a, uint64_t b, uint64_t* out) { return __builtin_add_overflow(a, b, out); }
inline bool mul_overflows(uint64_t a, uint64_t b, uint64_t* out) { return __builtin_mul_overflow(a, b, out); }

// Product of non-negative dims; false on a negative dim or overflow past `limit`.
inline bool checked_product(std::span<const int64_t> dims, uint64_t limit, uint64_t* out) {
  uint64_t p = 1;
  for (int64_t d : dims) {
    if (d < 0) return false;
    if (mul_overflows(p, static_cast<uint64_t>(d), &p) || p > limit) return false;
  }
  *out = p;
  return true;
}

}  // namespace qc
