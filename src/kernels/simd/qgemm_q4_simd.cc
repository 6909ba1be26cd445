// SIMD128 kernels for int8 activations x 4-bit block weights (q4_block,
// q4_block_min). Per block of 32 and 4 weight rows at once: the nibbles are
// unpacked in registers (v128.and / u8x16.shr, minus 8 for q4_block), widened to
// i16 and dotted with the widened activations (i32x4.dot_i16x8); the four rows'
// int32 block sums are reduced together and scaled lane-wise in the same float
// order as the reference (qgemm_epilogue.h), so results are bit-identical.
#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "kernels/quant/qgemm_epilogue.h"
#include "kernels/simd/qgemm_simd.h"
#include "kernels/simd/simd128.h"
#include "schemes/q4_block.h"

#if QC_SIMD128
namespace qc {

namespace {

using namespace simd;

constexpr int kRows = 4;

template <bool kWithMin>
void q4_i8_simd(const QGemmArgs& a) {
  using Block = std::conditional_t<kWithMin, BlockQ4Min, BlockQ4>;
  const WeightView& w = *a.w;
  const int64_t blocks = q4_blocks_per_row(w.k);
  thread_local std::vector<float> d, mins;  // [blocks][4 rows]
  d.resize(static_cast<size_t>(blocks * kRows));
  mins.resize(static_cast<size_t>(blocks * kRows));
  const v128_t low_nibble = wasm_i8x16_splat(0x0f), q_offset = wasm_i8x16_splat(kWithMin ? 0 : 8);

  for (int64_t n0 = 0; n0 < w.n; n0 += kRows) {
    const int count = static_cast<int>(std::min<int64_t>(kRows, w.n - n0));
    const uint8_t* qs[kRows];  // qs of block 0 of each row
    for (int r = 0; r < kRows; ++r) {
      const uint8_t* row = w.row(n0 + std::min(r, count - 1));  // repeated rows are dropped at the end
      qs[r] = row + offsetof(Block, qs);
      for (int64_t b = 0; b < blocks; ++b) {
        const uint8_t* blk = row + b * sizeof(Block);
        d[b * kRows + r] = load_f16(blk + offsetof(Block, d));
        if constexpr (kWithMin) mins[b * kRows + r] = load_f16(blk + offsetof(BlockQ4Min, m));
      }
    }
    for (int64_t m = 0; m < a.m; ++m) {
      const int8_t* x = a.xq + m * a.xq_stride;
      v128_t sum = wasm_f32x4_splat(0);
      for (int64_t b = 0; b < blocks; ++b) {
        const v128_t x0 = wasm_v128_load(x + b * kQ4BlockLen), x1 = wasm_v128_load(x + b * kQ4BlockLen + 16);
        const v128_t x0l = wasm_i16x8_extend_low_i8x16(x0), x0h = wasm_i16x8_extend_high_i8x16(x0);
        const v128_t x1l = wasm_i16x8_extend_low_i8x16(x1), x1h = wasm_i16x8_extend_high_i8x16(x1);
        v128_t acc[kRows];
        for (int r = 0; r < kRows; ++r) {
          const v128_t packed = wasm_v128_load(qs[r] + b * sizeof(Block));
          const v128_t lo = wasm_i8x16_sub(wasm_v128_and(packed, low_nibble), q_offset);  // elements 0..15
          const v128_t hi = wasm_i8x16_sub(wasm_u8x16_shr(packed, 4), q_offset);          // elements 16..31
          acc[r] = wasm_i32x4_add(dot16_i8(x0l, x0h, lo), dot16_i8(x1l, x1h, hi));
        }
        const v128_t block_dot = wasm_f32x4_convert_i32x4(hsum4_i32x4(acc[0], acc[1], acc[2], acc[3]));
        const v128_t dv = wasm_v128_load(&d[b * kRows]);
        if constexpr (kWithMin) {
          const v128_t x_sum = wasm_f32x4_splat(static_cast<float>(a.x_block_sums[m * blocks + b]));
          sum = wasm_f32x4_add(sum, wasm_f32x4_add(wasm_f32x4_mul(dv, block_dot),
                                                   wasm_f32x4_mul(wasm_v128_load(&mins[b * kRows]), x_sum)));
        } else {
          sum = wasm_f32x4_add(sum, wasm_f32x4_mul(dv, block_dot));
        }
      }
      alignas(16) float out[kRows];
      wasm_v128_store(out, sum);
      for (int r = 0; r < count; ++r)
        a.y[m * a.ldy + n0 + r] = a.act.apply(block_sum_out(out[r], a.x_scale[m], a.bias ? a.bias[n0 + r] : 0.f));
    }
  }
}

}  // namespace

void qgemm_q4_block_i8_simd(const QGemmArgs& a) { q4_i8_simd<false>(a); }
void qgemm_q4_block_min_i8_simd(const QGemmArgs& a) { q4_i8_simd<true>(a); }

}  // namespace qc
#endif
