// SIMD128 kernels for int8 activations x 4-bit block weights (q4_block,
// q4_block_min). One activation row: the GEMV below reads the nibbles in registers.
// More rows: 8 weight rows at a time are unpacked into int8 (v128.and / shift,
// minus 8 for q4_block: the low nibbles are elements 0..15 of a block, the high ones
// 16..31, so no shuffle is needed) and packed into the pair panel of i8_pair_tile.h.
// Block scales come prepared as floats (prepared_weight.h). Each block's exact
// int32 dot products are scaled and summed lane-wise (4 weight rows per vector) in
// the same float order as the reference (qgemm_epilogue.h): bit-identical results.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

#include "common/scratch.h"
#include "kernels/quant/prepared_weight.h"
#include "kernels/quant/qgemm_epilogue.h"
#include "kernels/simd/f32_gemm_tile.h"
#include "kernels/simd/i8_pair_tile.h"
#include "kernels/simd/qgemm_simd.h"
#include "schemes/q4_block.h"

#if QC_SIMD128
namespace qc {

namespace {

using namespace simd;

constexpr int kRows = 4;  // weight rows per vector

// Unpacked weight rows of a pair panel.
struct Q4Panel {
  std::vector<int8_t> q;  // [rows][blocks * 32]
  const int8_t* rows[kPairPanelRows];
};

// block_sum_out and the activation for weight rows n0 .. n0 + count of activation
// row m, lane by lane (the scalar epilogue's operations in its order).
void store_sums(const QGemmArgs& a, v128_t sum, int64_t m, int64_t n0, int count) {
  alignas(16) float b[kRows] = {};
  if (a.bias)
    for (int r = 0; r < count; ++r) b[r] = a.bias[n0 + r];
  const v128_t v = wasm_f32x4_add(wasm_f32x4_mul(sum, wasm_f32x4_splat(a.x_scale[m])), wasm_v128_load(b));
  store_activated(a.y + m * a.ldy + n0, v, count, a.act);
}

// Where a block's fields are: q4_block and q4_block_min differ only in the block size,
// the min field and the 8 subtracted from q. A run-time choice (not a template) keeps
// one copy of each kernel in the wasm.
// Block scales (and mins) come from prepared_weight.h: per_block floats per block
// of a 4-row group.
struct Q4Layout {
  bool with_min;
  size_t block_bytes, qs;
  size_t per_block;
};

constexpr Q4Layout kQ4 = {false, sizeof(BlockQ4), offsetof(BlockQ4, qs), 4};
constexpr Q4Layout kQ4Min = {true, sizeof(BlockQ4Min), offsetof(BlockQ4Min, qs), 8};

// Weight rows n0 .. n0 + count (repeating the last up to 8) unpacked to int8.
void unpack_panel(const Q4Layout& L, const WeightView& w, int64_t n0, int count, int64_t blocks, Q4Panel& p) {
  constexpr int rows = kPairPanelRows;
  const v128_t low_nibble = const_i8x16(0x0f), q_offset = const_i8x16(L.with_min ? 0 : 8);
  const int64_t row_len = blocks * kQ4BlockLen;
  scratch(p.q, rows * row_len);
  for (int r = 0; r < rows; ++r) {
    const uint8_t* src = w.row(n0 + std::min(r, count - 1));  // repeated rows are dropped at the end
    int8_t* out = p.q.data() + r * row_len;
    p.rows[r] = out;
    for (int64_t b = 0; b < blocks; ++b)
      unpack_q4_nibbles(src + b * L.block_bytes + L.qs, low_nibble, q_offset, out + b * kQ4BlockLen);
  }
}

// One activation row (batch-1 Gemm). Lane l of a block's 16 bytes, read as u16,
// holds elements 2l, 16 + 2l, 2l + 1, 17 + 2l in its four nibbles. Masking with
// 0x000f and 0x0f00, before and after a shift by 4, takes them out in registers as
// q, q, 256 q, 256 q; the first two meet activations stored times 256, so every dot
// is 256 times the block's (below 2^31) and one exact shift undoes it.
// Weights are dotted as q (0..15); q4_block subtracts 8 * sum(x) per block after.
void q4_gemv(const Q4Layout& L, const QGemmArgs& a) {
  const WeightView& w = *a.w;
  const int64_t blocks = q4_blocks_per_row(w.k);
  thread_local std::vector<int16_t> xs;  // [blocks][4][8]: 256 x at 2l, x at 2l + 1, 256 x at 16 + 2l, x at 17 + 2l
  thread_local std::vector<int32_t> sums;
  scratch(xs, blocks * kQ4BlockLen);
  scratch(sums, blocks);
  const v128_t ones = const_i16x8(1);
  for (int64_t b = 0; b < blocks; ++b) {
    int16_t* dst = xs.data() + b * kQ4BlockLen;
    v128_t total = wasm_i16x8_splat(0);
    for (int half = 0; half < 2; ++half) {
      const v128_t v = wasm_v128_load(a.xq + b * kQ4BlockLen + 16 * half);
      const v128_t split = wasm_i8x16_shuffle(v, v, 0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
      const v128_t even = wasm_i16x8_extend_low_i8x16(split), odd = wasm_i16x8_extend_high_i8x16(split);
      wasm_v128_store(dst + 16 * half, wasm_i16x8_shl(even, 8));
      wasm_v128_store(dst + 16 * half + 8, odd);
      total = wasm_i16x8_add(total, wasm_i16x8_add(even, odd));
    }
    sums[b] = L.with_min ? a.x_block_sums[b] : hsum_i32x4(wasm_i32x4_dot_i16x8(total, ones));
  }
  const v128_t low = const_i16x8(0x000f), high = const_i16x8(0x0f00);
  const float* scales = prepared_groups(w);
  for (int64_t n0 = 0; n0 < w.n; n0 += kRows, scales += blocks * L.per_block) {
    const int count = static_cast<int>(std::min<int64_t>(kRows, w.n - n0));
    const uint8_t* rows[kRows];
    for (int r = 0; r < kRows; ++r) rows[r] = w.row(n0 + std::min(r, count - 1)) + L.qs;
    v128_t sum = wasm_f32x4_splat(0);
    const float* s = scales;
    for (int64_t b = 0; b < blocks; ++b, s += L.per_block) {
      const int16_t* x = xs.data() + b * kQ4BlockLen;
      const v128_t x0 = wasm_v128_load(x), x1 = wasm_v128_load(x + 8), x2 = wasm_v128_load(x + 16),
                   x3 = wasm_v128_load(x + 24);
      v128_t acc[kRows];
      for (int r = 0; r < kRows; ++r) {
        const v128_t v = wasm_v128_load(rows[r]), t = wasm_u16x8_shr(v, 4);
        rows[r] += L.block_bytes;
        acc[r] = wasm_i32x4_add(wasm_i32x4_add(wasm_i32x4_dot_i16x8(x0, wasm_v128_and(v, low)),
                                               wasm_i32x4_dot_i16x8(x1, wasm_v128_and(v, high))),
                                wasm_i32x4_add(wasm_i32x4_dot_i16x8(x2, wasm_v128_and(t, low)),
                                               wasm_i32x4_dot_i16x8(x3, wasm_v128_and(t, high))));
      }
      v128_t dot = wasm_i32x4_shr(hsum4_i32x4(acc[0], acc[1], acc[2], acc[3]), 8);
      if (!L.with_min) dot = wasm_i32x4_sub(dot, wasm_i32x4_splat(8 * sums[b]));
      const v128_t block_dot = wasm_f32x4_mul(wasm_v128_load(s), wasm_f32x4_convert_i32x4(dot));
      if (L.with_min) {
        const v128_t m = wasm_f32x4_mul(wasm_v128_load(s + 4), wasm_f32x4_splat(static_cast<float>(sums[b])));
        sum = wasm_f32x4_add(sum, wasm_f32x4_add(block_dot, m));
      } else {
        sum = wasm_f32x4_add(sum, block_dot);
      }
    }
    store_sums(a, sum, 0, n0, count);
  }
}

// From 2 activation rows on (a short last group of 4 is padded with zero rows): 8
// weight rows at a time as a pair panel (i8_pair_tile.h), each block of 32 folded
// into float lane by lane as the reference does per output.
void q4_pair_gemm(const Q4Layout& L, const QGemmArgs& a) {
  const WeightView& w = *a.w;
  const int64_t blocks = q4_blocks_per_row(w.k), k32 = blocks * kQ4BlockLen;
  constexpr ptrdiff_t kBlockPairs = kQ4BlockLen / 2;
  thread_local Q4Panel panel;
  const int32_t* const groups = activation_pair_groups(a);
  const float* const scales = prepared_groups(w);
  const size_t group_floats = blocks * L.per_block;
  for (int64_t n0 = 0; n0 < w.n; n0 += kPairPanelRows) {
    const int count = static_cast<int>(std::min<int64_t>(kPairPanelRows, w.n - n0));
    unpack_panel(L, w, n0, count, blocks, panel);
    const int32_t* const pairs = pair_panel(panel.rows, k32);
    const int counts[2] = {std::min(count, 4), count - 4};
    const int32_t* x = groups;
    for (int64_t m0 = 0; m0 < a.m; m0 += kPairTileRows, x += pair_group_size(k32)) {
      v128_t sum[kPairTileRows][2];
      for (auto& row : sum)
        for (v128_t& v : row) v = wasm_f32x4_splat(0);
      for (int64_t b = 0; b < blocks; ++b) {
        PairTile t;
        t.zero();
        t.accumulate(x + b * kBlockPairs * kPairTileRows, pairs + b * kBlockPairs * kPairPanelRows, kBlockPairs);
        for (int h = 0; h < 2; ++h) {
          // (a panel's second half past the last row has no group: read the first, drop the sums)
          const float* g = scales + (n0 / 4 + (counts[h] > 0 ? h : 0)) * group_floats + b * L.per_block;
          const v128_t d = wasm_v128_load(g);
          for (int i = 0; i < kPairTileRows; ++i) {
            const v128_t block_dot = wasm_f32x4_mul(d, wasm_f32x4_convert_i32x4(t.acc[i][h]));
            if (L.with_min) {
              const int64_t row = std::min<int64_t>(m0 + i, a.m - 1);  // padding rows: any finite sum
              const v128_t x_sum = wasm_f32x4_splat(static_cast<float>(a.x_block_sums[row * blocks + b]));
              const v128_t m = wasm_v128_load(g + 4);
              sum[i][h] = wasm_f32x4_add(sum[i][h], wasm_f32x4_add(block_dot, wasm_f32x4_mul(m, x_sum)));
            } else {
              sum[i][h] = wasm_f32x4_add(sum[i][h], block_dot);
            }
          }
        }
      }
      const int rows = static_cast<int>(std::min<int64_t>(kPairTileRows, a.m - m0));
      for (int i = 0; i < rows; ++i)
        for (int h = 0; h < 2; ++h)
          if (counts[h] > 0) store_sums(a, sum[i][h], m0 + i, n0 + 4 * h, counts[h]);
    }
  }
}

void q4_i8_simd(const Q4Layout& L, const QGemmArgs& a) {
  if (a.m == 1) return q4_gemv(L, a);
  q4_pair_gemm(L, a);
}

}  // namespace

void qgemm_q4_block_i8_simd(const QGemmArgs& a) { q4_i8_simd(kQ4, a); }
void qgemm_q4_block_min_i8_simd(const QGemmArgs& a) { q4_i8_simd(kQ4Min, a); }

}  // namespace qc
#endif
