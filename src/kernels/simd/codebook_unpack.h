// SIMD unpacking of codebook indices (LSB-first, b = 2..8 bits each): 16 indices
// that start on a byte boundary occupy the first 2b bytes of a vector. Each index
// is gathered into a 16-bit lane with the two bytes it may span (i8x16.swizzle),
// shifted up so its top bit lands in bit 15 (a multiply by a power of two), then
// shifted down by 16 - b. The width is a template parameter: the shift count must be
// a constant for the compiler to emit one i16x8.shr_u instead of eight lane shifts.
#pragma once
#include <type_traits>

#include "kernels/simd/simd128.h"

#if QC_SIMD128
namespace qc::simd {

// Fills the swizzle masks and multipliers for b-bit indices. Not inlined on purpose:
// if the multipliers were compile-time constants, clang would turn the power-of-two
// multiply into per-lane shifts, which wasm has no instruction for (scalarized).
void fill_codebook_unpack_tables(int bits, uint8_t mask[2][16], int16_t mul[2][8]);

template <int kBits>
class CodebookUnpacker {
  static_assert(kBits >= 2 && kBits <= 8);

 public:
  CodebookUnpacker() {
    alignas(16) uint8_t mask[2][16];
    alignas(16) int16_t mul[2][8];
    fill_codebook_unpack_tables(kBits, mask, mul);
    mask_lo_ = wasm_v128_load(mask[0]);
    mask_hi_ = wasm_v128_load(mask[1]);
    mul_lo_ = wasm_v128_load(mul[0]);
    mul_hi_ = wasm_v128_load(mul[1]);
  }

  // The 16 indices as u8 lanes.
  v128_t indices(v128_t packed) const {
    const v128_t lo = wasm_u16x8_shr(wasm_i16x8_mul(wasm_i8x16_swizzle(packed, mask_lo_), mul_lo_), 16 - kBits);
    const v128_t hi = wasm_u16x8_shr(wasm_i16x8_mul(wasm_i8x16_swizzle(packed, mask_hi_), mul_hi_), 16 - kBits);
    return wasm_u8x16_narrow_i16x8(lo, hi);
  }

 private:
  v128_t mask_lo_, mask_hi_, mul_lo_, mul_hi_;
};

// Calls f(std::integral_constant<int, bits>{}) for bits in 2..8.
template <class F>
void with_codebook_bits(int bits, F&& f) {
  switch (bits) {
    case 2: return f(std::integral_constant<int, 2>{});
    case 3: return f(std::integral_constant<int, 3>{});
    case 4: return f(std::integral_constant<int, 4>{});
    case 5: return f(std::integral_constant<int, 5>{});
    case 6: return f(std::integral_constant<int, 6>{});
    case 7: return f(std::integral_constant<int, 7>{});
    default: return f(std::integral_constant<int, 8>{});
  }
}

}  // namespace qc::simd
#endif
