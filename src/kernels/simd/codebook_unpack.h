// SIMD unpacking of codebook indices (LSB-first, b = 2..8 bits each): 16 indices
// that start on a byte boundary occupy the first 2b bytes of a vector. Each index
// is gathered into a 16-bit lane with the two bytes it may span (i8x16.swizzle),
// shifted up so its top bit lands in bit 15 (a multiply by a power of two), then
// shifted down by 16 - b.
#pragma once
#include "kernels/simd/simd128.h"

#if QC_SIMD128
namespace qc::simd {

class CodebookUnpacker {
 public:
  explicit CodebookUnpacker(int bits) : shift_(16 - bits) {
    alignas(16) uint8_t mask[2][16];
    alignas(16) int16_t mul[2][8];
    for (int i = 0; i < 16; ++i) {
      const int bit = i * bits, byte = bit / 8, shift = bit % 8;
      // A second byte at 16 is never needed: index 15 ends at bit 16 * bits.
      mask[i / 8][2 * (i % 8)] = static_cast<uint8_t>(byte);
      mask[i / 8][2 * (i % 8) + 1] = static_cast<uint8_t>(byte + 1 < 16 ? byte + 1 : 0xff);
      mul[i / 8][i % 8] = static_cast<int16_t>(1 << (16 - shift - bits));
    }
    mask_lo_ = wasm_v128_load(mask[0]);
    mask_hi_ = wasm_v128_load(mask[1]);
    mul_lo_ = wasm_v128_load(mul[0]);
    mul_hi_ = wasm_v128_load(mul[1]);
  }

  // The 16 indices as u8 lanes.
  v128_t indices(v128_t packed) const {
    const v128_t lo = wasm_u16x8_shr(wasm_i16x8_mul(wasm_i8x16_swizzle(packed, mask_lo_), mul_lo_), shift_);
    const v128_t hi = wasm_u16x8_shr(wasm_i16x8_mul(wasm_i8x16_swizzle(packed, mask_hi_), mul_hi_), shift_);
    return wasm_u8x16_narrow_i16x8(lo, hi);
  }

 private:
  uint32_t shift_;
  v128_t mask_lo_, mask_hi_, mul_lo_, mul_hi_;
};

}  // namespace qc::simd
#endif
