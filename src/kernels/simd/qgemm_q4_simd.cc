// SIMD128 kernels for int8 activations x 4-bit block weights (q4_block,
// q4_block_min). Four weight rows at a time are unpacked once into an int8 panel
// (v128.and / u8x16.shr, minus 8 for q4_block: the low nibbles are elements 0..15
// of a block, the high ones 16..31, so no shuffle is needed) plus their f16 block
// scales as floats. Every activation row pair then runs the 2 x 4 register tile of
// i8_gemm_tile.h one block of 32 at a time; each block's exact int32 dot products
// are scaled and summed lane-wise (4 weight rows per vector) in the same float
// order as the reference (qgemm_epilogue.h), so results are bit-identical.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <vector>

#include "kernels/quant/qgemm_epilogue.h"
#include "kernels/simd/i8_gemm_tile.h"
#include "kernels/simd/qgemm_simd.h"
#include "schemes/q4_block.h"

#if QC_SIMD128
namespace qc {

namespace {

using namespace simd;

constexpr int kRows = kI8TileRows;

struct Q4Panel {
  std::vector<int8_t> q;     // [kRows][blocks * 32]
  std::vector<float> d, m;   // [blocks][kRows]
  const int8_t* rows[kRows];
};

uint16_t load_u16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

// The f16 field at `offset` of block b of the 4 rows, as 4 floats (exact).
v128_t block_f16x4(const uint8_t* const* rows, size_t block_bytes, int64_t b, size_t offset) {
  const size_t at = static_cast<size_t>(b) * block_bytes + offset;
  return f16x4_to_f32x4(wasm_i32x4_make(load_u16(rows[0] + at), load_u16(rows[1] + at), load_u16(rows[2] + at),
                                        load_u16(rows[3] + at)));
}

template <bool kWithMin>
void unpack_panel(const WeightView& w, int64_t n0, int count, int64_t blocks, Q4Panel& p) {
  using Block = std::conditional_t<kWithMin, BlockQ4Min, BlockQ4>;
  const v128_t low_nibble = wasm_i8x16_splat(0x0f), q_offset = wasm_i8x16_splat(kWithMin ? 0 : 8);
  const int64_t row_len = blocks * kQ4BlockLen;
  const uint8_t* src[kRows];
  for (int r = 0; r < kRows; ++r) {
    src[r] = w.row(n0 + std::min(r, count - 1));  // repeated rows are dropped at the end
    int8_t* out = p.q.data() + r * row_len;
    p.rows[r] = out;
    for (int64_t b = 0; b < blocks; ++b) {
      const v128_t packed = wasm_v128_load(src[r] + b * sizeof(Block) + offsetof(Block, qs));
      wasm_v128_store(out + b * kQ4BlockLen, wasm_i8x16_sub(wasm_v128_and(packed, low_nibble), q_offset));
      wasm_v128_store(out + b * kQ4BlockLen + 16, wasm_i8x16_sub(wasm_u8x16_shr(packed, 4), q_offset));
    }
  }
  for (int64_t b = 0; b < blocks; ++b) {
    wasm_v128_store(&p.d[b * kRows], block_f16x4(src, sizeof(Block), b, offsetof(Block, d)));
    if constexpr (kWithMin) wasm_v128_store(&p.m[b * kRows], block_f16x4(src, sizeof(Block), b, offsetof(BlockQ4Min, m)));
  }
}

template <bool kWithMin, int MR>
void q4_tile(const QGemmArgs& a, const Q4Panel& p, int64_t blocks, int64_t m, int64_t n0, int count) {
  const int8_t* x[MR];
  for (int i = 0; i < MR; ++i) x[i] = a.xq + (m + i) * a.xq_stride;
  v128_t sum[MR];
  for (v128_t& s : sum) s = wasm_f32x4_splat(0);
  const int8_t* rows[kRows];
  for (int r = 0; r < kRows; ++r) rows[r] = p.rows[r];
  I8Tile<MR> t;
  for (int64_t b = 0; b < blocks; ++b) {
    t.zero();
    t.accumulate(x, rows, kQ4BlockLen);
    const v128_t dv = wasm_v128_load(&p.d[b * kRows]);
    for (int i = 0; i < MR; ++i) {
      const v128_t block_dot = wasm_f32x4_mul(dv, wasm_f32x4_convert_i32x4(t.row_sums(i)));
      if constexpr (kWithMin) {
        const v128_t x_sum = wasm_f32x4_splat(static_cast<float>(a.x_block_sums[(m + i) * blocks + b]));
        sum[i] = wasm_f32x4_add(sum[i], wasm_f32x4_add(block_dot, wasm_f32x4_mul(wasm_v128_load(&p.m[b * kRows]), x_sum)));
      } else {
        sum[i] = wasm_f32x4_add(sum[i], block_dot);
      }
      x[i] += kQ4BlockLen;
    }
    for (const int8_t*& r : rows) r += kQ4BlockLen;
  }
  for (int i = 0; i < MR; ++i) {
    alignas(16) float out[kRows];
    wasm_v128_store(out, sum[i]);
    float* y = a.y + (m + i) * a.ldy + n0;
    for (int r = 0; r < count; ++r)
      y[r] = a.act.apply(block_sum_out(out[r], a.x_scale[m + i], a.bias ? a.bias[n0 + r] : 0.f));
  }
}

template <bool kWithMin>
void q4_i8_simd(const QGemmArgs& a) {
  const WeightView& w = *a.w;
  const int64_t blocks = q4_blocks_per_row(w.k);
  thread_local Q4Panel panel;
  panel.q.resize(static_cast<size_t>(kRows * blocks * kQ4BlockLen));
  panel.d.resize(static_cast<size_t>(blocks * kRows));
  panel.m.resize(static_cast<size_t>(blocks * kRows));
  for (int64_t n0 = 0; n0 < w.n; n0 += kRows) {
    const int count = static_cast<int>(std::min<int64_t>(kRows, w.n - n0));
    unpack_panel<kWithMin>(w, n0, count, blocks, panel);
    int64_t m = 0;
    for (; m + 2 <= a.m; m += 2) q4_tile<kWithMin, 2>(a, panel, blocks, m, n0, count);
    if (m < a.m) q4_tile<kWithMin, 1>(a, panel, blocks, m, n0, count);
  }
}

}  // namespace

void qgemm_q4_block_i8_simd(const QGemmArgs& a) { q4_i8_simd<false>(a); }
void qgemm_q4_block_min_i8_simd(const QGemmArgs& a) { q4_i8_simd<true>(a); }

}  // namespace qc
#endif
