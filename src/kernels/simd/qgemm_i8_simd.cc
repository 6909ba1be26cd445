// SIMD128 kernels for int8 activations x int8 weights: i8_channel rows are read as
// stored; codebook rows are first decoded to int8 through the int8 centroid table
// (i8x16.swizzle as a 16-entry LUT for bits <= 4, a scalar gather for 5..8 bits).
// From 4 activation rows on, 8 weight rows at a time are packed into a panel of
// int16 pairs that every group of 4 activation rows reuses (the 4 x 8 tile of
// i8_pair_tile.h); below that, the 2 x 4 tile of i8_gemm_tile.h reads the int8 rows
// (1 x 4 for an odd last activation row). Both end in the float epilogue of
// qgemm_epilogue.h.
#include <algorithm>
#include <cstring>
#include <vector>

#include "common/scratch.h"
#include "kernels/quant/prepared_weight.h"
#include "kernels/quant/qgemm_epilogue.h"
#include "kernels/simd/codebook_unpack.h"
#include "kernels/simd/f32_gemm_tile.h"
#include "kernels/simd/i8_gemm_tile.h"
#include "kernels/simd/i8_pair_tile.h"
#include "kernels/simd/qgemm_simd.h"
#include "schemes/codebook.h"
#include "schemes/q4_block.h"
#include "schemes/scheme_table.h"

#if QC_SIMD128
namespace qc {

namespace {

using namespace simd;

constexpr int kRows = kI8TileRows;

int64_t round_up8(int64_t k) { return (k + kI8Step - 1) / kI8Step * kI8Step; }

// Per weight row of a tile: w_scale and bias (0 without one), 4 lanes.
struct TileScale {
  v128_t w_scale, bias;
};

TileScale tile_scale(const QGemmArgs& a, int64_t n0, int count, const float* w_scale) {
  alignas(16) float s[kRows] = {}, b[kRows] = {};
  for (int r = 0; r < count; ++r) {
    s[r] = w_scale[r];
    b[r] = a.bias ? a.bias[n0 + r] : 0.f;
  }
  return {wasm_v128_load(s), wasm_v128_load(b)};
}

// scaled_dot_out and the activation of the 4 dots of activation row m, lane by lane
// (the same IEEE operations in the same order as the scalar epilogue).
void store_dots(const QGemmArgs& a, v128_t dots, int64_t m, int64_t n0, int count, const TileScale& ts) {
  const v128_t scale = wasm_f32x4_mul(wasm_f32x4_splat(a.x_scale[m]), ts.w_scale);
  const v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(dots), scale), ts.bias);
  float* y = a.y + m * a.ldy + n0;
  if (count == 4 && a.act.kind == Act::none)  // the common cases inline; the rest out of line
    wasm_v128_store(y, v);
  else if (count == 4 && a.act.kind == Act::relu)
    wasm_v128_store(y, activate(v, a.act));
  else
    store_activated(y, v, count, a.act);
}

template <int MR>
void store_tile(const QGemmArgs& a, const I8Tile<MR>& t, int64_t m, int64_t n0, int count, const TileScale& ts) {
  for (int i = 0; i < MR; ++i) store_dots(a, t.row_sums(i), m + i, n0, count, ts);
}

// Outputs of weight rows n0 .. n0 + count for every activation row. rows: 4 int8
// rows readable for k8 (a multiple of 8, <= xq_stride) bytes; bytes past K meet
// the zero padding of the activation rows.
void int8_rows_gemm(const QGemmArgs& a, const int8_t* const* rows, int64_t k8, int64_t n0, int count,
                    const float* w_scale) {
  const TileScale ts = tile_scale(a, n0, count, w_scale);
  int64_t m = 0;
  for (; m + 2 <= a.m; m += 2) {
    const int8_t* x[2] = {a.xq + m * a.xq_stride, a.xq + (m + 1) * a.xq_stride};
    I8Tile<2> t;
    t.zero();
    t.accumulate(x, rows, k8);
    store_tile(a, t, m, n0, count, ts);
  }
  if (m < a.m) {
    const int8_t* x[1] = {a.xq + m * a.xq_stride};
    I8Tile<1> t;
    t.zero();
    t.accumulate(x, rows, k8);
    store_tile(a, t, m, n0, count, ts);
  }
}

// Outputs of weight rows n0 .. n0 + count (<= 8) for every activation row, from
// their panel (k8 / 2 pairs) and the activation groups.
void pair_panel_gemm(const QGemmArgs& a, const int32_t* groups, const int32_t* panel, int64_t k8, int64_t n0,
                     int count, const float* w_scale) {
  const int counts[2] = {std::min(count, 4), count - 4};
  TileScale ts[2];
  for (int h = 0; h < 2; ++h)
    if (counts[h] > 0) ts[h] = tile_scale(a, n0 + 4 * h, counts[h], w_scale + 4 * h);
  for (int64_t m0 = 0; m0 < a.m; m0 += kPairTileRows, groups += pair_group_size(k8)) {
    PairTile t;
    t.zero();
    t.accumulate(groups, panel, static_cast<ptrdiff_t>(k8 / 2));
    const int rows = static_cast<int>(std::min<int64_t>(kPairTileRows, a.m - m0));
    for (int i = 0; i < rows; ++i)
      for (int h = 0; h < 2; ++h)
        if (counts[h] > 0) store_dots(a, t.acc[i][h], m0 + i, n0 + 4 * h, counts[h], ts[h]);
  }
}

// Row r of the codebook view as int8 table entries, k16 (a multiple of 16) values, for
// indices of 2 to 4 bits: one i8x16.swizzle looks up 16 of them.
template <int kBits>
void decode_codebook_row_i8(const QGemmArgs& a, const CodebookUnpacker<kBits>& unpack, int64_t r, int64_t k16,
                            int8_t* out) {
  const WeightView& w = *a.w;
  const int8_t* lut = a.lut + (w.codebook_per_channel ? r : 0) * a.lut_stride;
  const uint8_t* src = w.row(r);
  const uint8_t* end = w.payload + w.payload_bytes;
  int64_t i = 0;
  const v128_t table = wasm_v128_load(lut);
  if constexpr (kBits == 4) {  // 32 nibbles per vector, interleaved back into element order
    const v128_t nibble = const_i8x16(0x0f);
    for (; i + 32 <= k16; i += 32) {
      const v128_t packed = load16_bounded(src + i / 2, end);
      const v128_t lo = wasm_v128_and(packed, nibble), hi = high_nibbles(packed, nibble);
      const v128_t first = wasm_i8x16_shuffle(lo, hi, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      const v128_t second = wasm_i8x16_shuffle(lo, hi, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      wasm_v128_store(out + i, wasm_i8x16_swizzle(table, first));
      wasm_v128_store(out + i + 16, wasm_i8x16_swizzle(table, second));
    }
  }
  for (; i < k16; i += 16)
    wasm_v128_store(out + i, wasm_i8x16_swizzle(table, unpack.indices(load16_bounded(src + i / 16 * 2 * kBits, end))));
}

// The sums over `groups` groups of 32 of 4 rows' looked-up values times the activations
// (codebook4_gemv's order); with a shared (per-tensor) table it stays in one register.
template <bool kPerChannel>
inline __attribute__((always_inline)) v128_t codebook4_dots(const int16_t* x, int64_t groups, const uint8_t* const* rows,
                                                     const v128_t* table) {
  const v128_t nibble = const_i8x16(0x0f), low_byte = const_i16x8(0x00ff);
  v128_t acc[kRows];
  for (v128_t& v : acc) v = wasm_i32x4_splat(0);
  for (int64_t g = 0; g < groups; ++g, x += 32) {
    const v128_t x0 = wasm_v128_load(x), x1 = wasm_v128_load(x + 8), x2 = wasm_v128_load(x + 16),
                 x3 = wasm_v128_load(x + 24);
    for (int r = 0; r < kRows; ++r) {
      const v128_t t = table[kPerChannel ? r : 0];
      const v128_t packed = wasm_v128_load(rows[r] + 16 * g);
      const v128_t even = wasm_i8x16_swizzle(t, wasm_v128_and(packed, nibble));
      const v128_t odd = wasm_i8x16_swizzle(t, high_nibbles(packed, nibble));
      const v128_t d0 = wasm_i32x4_dot_i16x8(x0, wasm_v128_and(even, low_byte));
      const v128_t d1 = wasm_i32x4_dot_i16x8(x1, wasm_u16x8_shr(even, 8));
      const v128_t d2 = wasm_i32x4_dot_i16x8(x2, wasm_v128_and(odd, low_byte));
      const v128_t d3 = wasm_i32x4_dot_i16x8(x3, wasm_u16x8_shr(odd, 8));
      acc[r] = wasm_i32x4_add(acc[r], wasm_i32x4_add(wasm_i32x4_add(d0, d1), wasm_i32x4_add(d2, d3)));
    }
  }
  return hsum4_i32x4(acc[0], acc[1], acc[2], acc[3]);
}

// Every 4-row tile of codebook4_gemv. A tile whose last row would read past the
// payload reads its last group of 32 from a copy (load16_bounded).
template <bool kPerChannel>
void codebook4_tiles(const QGemmArgs& a, const int16_t* xs, int64_t groups, int32_t bias_sum) {
  const WeightView& w = *a.w;
  const uint8_t* end = w.payload + w.payload_bytes;
  const v128_t flip = const_i8x16(-128);
  v128_t table[kRows];
  float scale[kRows];
  for (int r = 0; r < kRows; ++r) {
    table[r] = wasm_v128_xor(wasm_v128_load(a.lut), flip);
    scale[r] = a.lut_scale[0];
  }
  for (int64_t n0 = 0; n0 < w.n; n0 += kRows) {
    const int count = static_cast<int>(std::min<int64_t>(kRows, w.n - n0));
    const uint8_t* rows[kRows];
    for (int r = 0; r < kRows; ++r) {
      const int64_t n = n0 + std::min(r, count - 1);
      rows[r] = w.row(n);
      if (kPerChannel) {
        table[r] = wasm_v128_xor(wasm_v128_load(a.lut + n * a.lut_stride), flip);
        scale[r] = a.lut_scale[n];
      }
    }
    const bool tail = end - rows[kRows - 1] < 16 * groups;
    v128_t dots = codebook4_dots<kPerChannel>(xs, groups - tail, rows, table);
    if (tail) {
      alignas(16) uint8_t last[kRows][16];
      const uint8_t* last_rows[kRows];
      for (int r = 0; r < kRows; ++r) {
        wasm_v128_store(last[r], load16_bounded(rows[r] + 16 * (groups - 1), end));
        last_rows[r] = last[r];
      }
      dots = wasm_i32x4_add(dots, codebook4_dots<kPerChannel>(xs + 32 * (groups - 1), 1, last_rows, table));
    }
    TileScale ts;
    if (!kPerChannel && count == kRows) {  // one table scale for all rows; the bias straight from memory
      ts.w_scale = wasm_f32x4_splat(scale[0]);
      ts.bias = a.bias ? wasm_v128_load(a.bias + n0) : wasm_f32x4_splat(0.f);
    } else {
      ts = tile_scale(a, n0, count, scale);
    }
    store_dots(a, wasm_i32x4_sub(dots, wasm_i32x4_splat(bias_sum)), 0, n0, count, ts);
  }
}

// One activation row with 4-bit indices (batch-1 Gemm), decoded in registers: the
// low and high nibbles of 16 packed bytes index a table of centroid + 128 (unsigned,
// so the 16-bit lanes of a lookup split into values with one and / one shift, no
// sign extension); the activations are stored once per call in the matching order
// (elements 4l, 4l + 2, 4l + 1, 4l + 3 of each 32) and 128 * sum(x) is subtracted
// at the end. Integer arithmetic (wrapping, exact once the true sum fits in int32).
void codebook4_gemv(const QGemmArgs& a) {
  const WeightView& w = *a.w;
  const int64_t groups = (w.k + 31) / 32;  // xq_stride >= 32 * groups, zero past K
  thread_local std::vector<int16_t> xs;
  scratch(xs, groups * 32);
  v128_t total = wasm_i16x8_splat(0);
  for (int64_t g = 0; g < groups; ++g) {
    const v128_t lo = wasm_v128_load(a.xq + 32 * g), hi = wasm_v128_load(a.xq + 32 * g + 16);
    const v128_t even = wasm_i8x16_shuffle(lo, hi, 0, 4, 8, 12, 16, 20, 24, 28, 2, 6, 10, 14, 18, 22, 26, 30);
    const v128_t odd = wasm_i8x16_shuffle(lo, hi, 1, 5, 9, 13, 17, 21, 25, 29, 3, 7, 11, 15, 19, 23, 27, 31);
    const v128_t parts[4] = {wasm_i16x8_extend_low_i8x16(even), wasm_i16x8_extend_high_i8x16(even),
                             wasm_i16x8_extend_low_i8x16(odd), wasm_i16x8_extend_high_i8x16(odd)};
    for (int p = 0; p < 4; ++p) {
      wasm_v128_store(xs.data() + 32 * g + 8 * p, parts[p]);
      total = wasm_i16x8_add(total, parts[p]);  // |sum| <= 4 * 127 per lane
    }
  }
  // 128 * sum(x), in wrapping unsigned arithmetic like the vector sums.
  const uint32_t bias_sum =
      128u * static_cast<uint32_t>(hsum_i32x4(wasm_i32x4_extadd_pairwise_i16x8(total)));
  (w.codebook_per_channel ? codebook4_tiles<true> : codebook4_tiles<false>)(a, xs.data(), groups,
                                                                            static_cast<int32_t>(bias_sum));
}

// Indices of 5 to 8 bits (up to 256 centroids): one scalar lookup per weight. Each
// decoded panel serves every activation row of the call, so this matters only for
// batch-1 Gemms; one copy of the code for all four widths keeps the wasm small.
void decode_codebook_row_wide(const QGemmArgs& a, int64_t r, int64_t k16, int8_t* out) {
  const WeightView& w = *a.w;
  const int8_t* lut = a.lut + (w.codebook_per_channel ? r : 0) * a.lut_stride;
  const uint8_t* row = w.row(r);
  for (int64_t i = 0; i < w.k; ++i)
    out[i] = lut[codebook_index(row, w.row_bytes, static_cast<uint64_t>(i), w.codebook_bits)];
  std::fill(out + w.k, out + k16, int8_t{0});
}

// Rows [r0, r0 + count) of the codebook view at out + i * stride, (K + 15) / 16 * 16
// int8 centroid values each (one function per index width; no per-width copies of
// the code that calls it).
using RowsDecoder = void (*)(const QGemmArgs& a, int64_t r0, int64_t count, int64_t stride, int8_t* out);

int64_t round_up16(int64_t k) { return (k + 15) / 16 * 16; }

template <int kBits>
void decode_rows_narrow(const QGemmArgs& a, int64_t r0, int64_t count, int64_t stride, int8_t* out) {
  const CodebookUnpacker<kBits> unpack;
  for (int64_t i = 0; i < count; ++i)
    decode_codebook_row_i8<kBits>(a, unpack, r0 + i, round_up16(a.w->k), out + i * stride);
}

void decode_rows_wide(const QGemmArgs& a, int64_t r0, int64_t count, int64_t stride, int8_t* out) {
  for (int64_t i = 0; i < count; ++i) decode_codebook_row_wide(a, r0 + i, round_up16(a.w->k), out + i * stride);
}

RowsDecoder rows_decoder(int bits) {
  switch (bits) {
    case 2: return decode_rows_narrow<2>;
    case 3: return decode_rows_narrow<3>;
    case 4: return decode_rows_narrow<4>;
    default: return decode_rows_wide;
  }
}

// Decodes 16 rows at a time and runs the int8 tiles on them: 8 at a time as pair
// panels (from 4 activation rows on), else 4 at a time.
void codebook_panels(const QGemmArgs& a) {
  constexpr int64_t kPanelRows = 16;
  const WeightView& w = *a.w;
  const int64_t k16 = round_up16(w.k), k8 = round_up8(w.k);
  const RowsDecoder decode = rows_decoder(w.codebook_bits);
  const int32_t* groups = a.m < kPairTileRows ? nullptr : activation_pair_groups(a);
  const int64_t tile_rows = groups ? kPairPanelRows : kRows;
  thread_local std::vector<int8_t> decoded_rows;
  int8_t* const decoded = scratch(decoded_rows, kPanelRows * k16);
  for (int64_t n0 = 0; n0 < w.n; n0 += tile_rows) {
    const int count = static_cast<int>(std::min<int64_t>(tile_rows, w.n - n0));
    const int64_t first = n0 % kPanelRows;
    if (first == 0) decode(a, n0, std::min(kPanelRows, w.n - n0), k16, decoded);
    const int8_t* rows[kPairPanelRows];
    float scale[kPairPanelRows];
    for (int r = 0; r < tile_rows; ++r) {  // rows past the end repeat the last; their sums are dropped
      rows[r] = decoded + (first + std::min(r, count - 1)) * k16;
      scale[r] = a.lut_scale[w.codebook_per_channel ? n0 + std::min(r, count - 1) : 0];
    }
    if (groups)
      pair_panel_gemm(a, groups, pair_panel(rows, k8), k8, n0, count, scale);
    else
      int8_rows_gemm(a, rows, k8, n0, count, scale);
  }
}

}  // namespace

void decode_codebook_rows_i8(const QGemmArgs& a, int64_t stride, int8_t* out) {
  rows_decoder(a.w->codebook_bits)(a, 0, a.w->n, stride, out);
}

void qgemm_i8_channel_i8_simd(const QGemmArgs& a) {
  const WeightView& w = *a.w;
  const int64_t k8 = round_up8(w.k);
  const int32_t* groups = a.m < kPairTileRows ? nullptr : activation_pair_groups(a);
  const int tile_rows = groups ? kPairPanelRows : kRows;
  const uint8_t* payload_end = w.payload + w.payload_bytes;
  thread_local std::vector<int8_t> tails;  // rows that end less than k8 bytes before the payload does
  int8_t* const tail_rows = scratch(tails, kPairPanelRows * k8);
  for (int64_t n0 = 0; n0 < w.n; n0 += tile_rows) {
    const int count = static_cast<int>(std::min<int64_t>(tile_rows, w.n - n0));
    const int8_t* rows[kPairPanelRows];
    float scale[kPairPanelRows];
    for (int r = 0; r < tile_rows; ++r) {
      const int64_t n = n0 + std::min(r, count - 1);  // rows past the end repeat the last; their sums are dropped
      const uint8_t* row = w.row(n);
      if (payload_end - row < k8) {
        int8_t* tail = tail_rows + r * k8;
        std::memcpy(tail, row, static_cast<size_t>(w.k));
        std::memset(tail + w.k, 0, static_cast<size_t>(k8 - w.k));
        row = reinterpret_cast<const uint8_t*>(tail);
      }
      rows[r] = reinterpret_cast<const int8_t*>(row);
      std::memcpy(&scale[r], w.side + 4 * (w.row0 + n), 4);
    }
    if (groups)
      pair_panel_gemm(a, groups, pair_panel(rows, k8), k8, n0, count, scale);
    else
      int8_rows_gemm(a, rows, k8, n0, count, scale);
  }
}

const int32_t* activation_pair_groups(const QGemmArgs& a) {
  if (a.x_pairs) return a.x_pairs;
  const WeightView& w = *a.w;
  const bool q4 = w.scheme == static_cast<uint16_t>(SchemeId::q4_block) ||
                  w.scheme == static_cast<uint16_t>(SchemeId::q4_block_min);
  return pair_groups(a.xq, a.xq_stride, a.m, q4 ? q4_blocks_per_row(w.k) * kQ4BlockLen : round_up8(w.k));
}

void qgemm_codebook_i8_simd(const QGemmArgs& a) {
  if (a.w->prepared && a.w->codebook_bits < 4) {
    const WeightView w = prepared_codebook4_view(*a.w);
    QGemmArgs b = a;
    b.w = &w;
    return qgemm_codebook_i8_simd(b);
  }
  if (a.w->codebook_bits == 4 && a.m == 1) return codebook4_gemv(a);
  codebook_panels(a);
}

}  // namespace qc
#endif
