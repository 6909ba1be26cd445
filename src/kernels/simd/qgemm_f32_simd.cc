// SIMD128 kernels for float activations. For each group of 4 weight rows, a chunk
// of 256 weights per row is decoded to f32 in registers and stored to a 4 KB stack
// panel, then every activation row takes its dot products with the 4 panel rows
// (the decode is paid once per chunk, not once per activation row).
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/simd/codebook_unpack.h"
#include "kernels/simd/qgemm_simd.h"
#include "kernels/simd/simd128.h"
#include "schemes/codebook.h"
#include "schemes/f16.h"
#include "schemes/q4_block.h"

#if QC_SIMD128
namespace qc {

namespace {

using namespace simd;

constexpr int kRows = 4;
constexpr int64_t kChunk = 256;  // a multiple of the q4 block (32) and of 16 codebook indices
static_assert(kChunk % kQ4BlockLen == 0 && kChunk % 16 == 0);

using Panel = float[kRows][kChunk];

// Decodes view row r, elements [k0, k0 + len) (k0 a multiple of kChunk) to out;
// may write up to kChunk floats.
using ChunkDecoder = void (*)(const WeightView& w, int64_t r, int64_t k0, int64_t len, float* out);

// acc[r] += dot(x[0, len), panel[r][0, len)) for the 4 panel rows.
void dot4_f32(const float* x, const Panel& panel, int64_t len, float* acc) {
  v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
  int64_t k = 0;
  for (; k + 4 <= len; k += 4) {
    const v128_t xv = wasm_v128_load(x + k);
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(xv, wasm_v128_load(panel[0] + k)));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(xv, wasm_v128_load(panel[1] + k)));
    s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(xv, wasm_v128_load(panel[2] + k)));
    s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(xv, wasm_v128_load(panel[3] + k)));
  }
  alignas(16) float t[kRows];
  wasm_v128_store(t, hsum4_f32x4(s0, s1, s2, s3));
  for (; k < len; ++k)
    for (int r = 0; r < kRows; ++r) t[r] += x[k] * panel[r][k];
  for (int r = 0; r < kRows; ++r) acc[r] += t[r];
}

void panel_gemm(const QGemmArgs& a, ChunkDecoder decode) {
  const WeightView& w = *a.w;
  const int64_t K = w.k;
  alignas(16) Panel panel;
  thread_local std::vector<float> acc;
  acc.resize(static_cast<size_t>(a.m * kRows));
  for (int64_t n0 = 0; n0 < w.n; n0 += kRows) {
    const int rows = static_cast<int>(std::min<int64_t>(kRows, w.n - n0));
    std::fill(acc.begin(), acc.end(), 0.f);
    for (int64_t k0 = 0; k0 < K; k0 += kChunk) {
      const int64_t len = std::min(kChunk, K - k0);
      for (int r = 0; r < kRows; ++r) {
        if (r < rows)
          decode(w, n0 + r, k0, len, panel[r]);
        else
          std::memset(panel[r], 0, sizeof panel[r]);
      }
      for (int64_t m = 0; m < a.m; ++m) dot4_f32(a.x + m * K + k0, panel, len, &acc[m * kRows]);
    }
    for (int64_t m = 0; m < a.m; ++m)
      for (int r = 0; r < rows; ++r)
        a.y[m * a.ldy + n0 + r] = a.act.apply(acc[m * kRows + r] + (a.bias ? a.bias[n0 + r] : 0.f));
  }
}

void decode_f16_chunk(const WeightView& w, int64_t r, int64_t k0, int64_t len, float* out) {
  const uint8_t* src = w.row(r) + 2 * k0;
  int64_t i = 0;
  for (; i + 8 <= len; i += 8) {
    const v128_t h = wasm_v128_load(src + 2 * i);
    wasm_v128_store(out + i, f16x4_to_f32x4(wasm_u32x4_extend_low_u16x8(h)));
    wasm_v128_store(out + i + 4, f16x4_to_f32x4(wasm_u32x4_extend_high_u16x8(h)));
  }
  for (; i < len; ++i) out[i] = load_f16(src + 2 * i);
}

void decode_i8_channel_chunk(const WeightView& w, int64_t r, int64_t k0, int64_t len, float* out) {
  const int8_t* src = reinterpret_cast<const int8_t*>(w.row(r)) + k0;
  float scale;
  std::memcpy(&scale, w.side + 4 * (w.row0 + r), 4);
  const v128_t sv = wasm_f32x4_splat(scale);
  int64_t i = 0;
  for (; i + 16 <= len; i += 16) {
    const v128_t q = wasm_v128_load(src + i);
    const v128_t lo = wasm_i16x8_extend_low_i8x16(q), hi = wasm_i16x8_extend_high_i8x16(q);
    wasm_v128_store(out + i, wasm_f32x4_mul(sv, small_i32x4_to_f32x4(wasm_i32x4_extend_low_i16x8(lo))));
    wasm_v128_store(out + i + 4, wasm_f32x4_mul(sv, small_i32x4_to_f32x4(wasm_i32x4_extend_high_i16x8(lo))));
    wasm_v128_store(out + i + 8, wasm_f32x4_mul(sv, small_i32x4_to_f32x4(wasm_i32x4_extend_low_i16x8(hi))));
    wasm_v128_store(out + i + 12, wasm_f32x4_mul(sv, small_i32x4_to_f32x4(wasm_i32x4_extend_high_i16x8(hi))));
  }
  for (; i < len; ++i) out[i] = scale * static_cast<float>(src[i]);
}

// 32 weights d * (q - q_offset) + m of one q4 block to out.
void q4_block_to_f32(const uint8_t* qs, int q_offset, float d, float m, float* out) {
  const v128_t packed = wasm_v128_load(qs);
  const v128_t nibble = wasm_i8x16_splat(0x0f), lo = wasm_v128_and(packed, nibble), hi = high_nibbles(packed, nibble);
  const v128_t parts[4] = {wasm_u16x8_extend_low_u8x16(lo), wasm_u16x8_extend_high_u8x16(lo),
                           wasm_u16x8_extend_low_u8x16(hi), wasm_u16x8_extend_high_u8x16(hi)};
  const v128_t dv = wasm_f32x4_splat(d), mv = wasm_f32x4_splat(m), off = wasm_i16x8_splat(static_cast<int16_t>(q_offset));
  for (int p = 0; p < 4; ++p) {
    const v128_t q = wasm_i16x8_sub(parts[p], off);
    const v128_t f0 = small_i32x4_to_f32x4(wasm_i32x4_extend_low_i16x8(q));
    const v128_t f1 = small_i32x4_to_f32x4(wasm_i32x4_extend_high_i16x8(q));
    wasm_v128_store(out + 8 * p, wasm_f32x4_add(wasm_f32x4_mul(dv, f0), mv));
    wasm_v128_store(out + 8 * p + 4, wasm_f32x4_add(wasm_f32x4_mul(dv, f1), mv));
  }
}

void decode_q4_block_chunk(const WeightView& w, int64_t r, int64_t k0, int64_t len, float* out) {
  const uint8_t* blocks = w.row(r) + (k0 / kQ4BlockLen) * sizeof(BlockQ4);
  for (int64_t b = 0; b * kQ4BlockLen < len; ++b) {
    const uint8_t* blk = blocks + b * sizeof(BlockQ4);
    q4_block_to_f32(blk + offsetof(BlockQ4, qs), 8, load_f16(blk), 0.f, out + b * kQ4BlockLen);
  }
}

void decode_q4_block_min_chunk(const WeightView& w, int64_t r, int64_t k0, int64_t len, float* out) {
  const uint8_t* blocks = w.row(r) + (k0 / kQ4BlockLen) * sizeof(BlockQ4Min);
  for (int64_t b = 0; b * kQ4BlockLen < len; ++b) {
    const uint8_t* blk = blocks + b * sizeof(BlockQ4Min);
    q4_block_to_f32(blk + offsetof(BlockQ4Min, qs), 0, load_f16(blk + offsetof(BlockQ4Min, d)),
                    load_f16(blk + offsetof(BlockQ4Min, m)), out + b * kQ4BlockLen);
  }
}

template <int kBits>
void decode_codebook_chunk(const WeightView& w, int64_t r, int64_t k0, int64_t len, float* out) {
  float table[256];  // a local copy: the gather below then cannot alias `out`
  std::memcpy(table, w.side + sizeof(CodebookHeader) + (w.codebook_per_channel ? (w.row0 + r) << kBits : 0) * int64_t{4},
              size_t{4} << kBits);
  const uint8_t* src = w.row(r) + k0 * kBits / 8;
  const uint8_t* end = w.payload + w.payload_bytes;
  const CodebookUnpacker<kBits> unpack;
  alignas(16) uint8_t idx[16];
  for (int64_t i = 0; i < len; i += 16) {
    wasm_v128_store(idx, unpack.indices(load16_bounded(src + i / 16 * 2 * kBits, end)));
    for (int j = 0; j < 16; ++j) out[i + j] = table[idx[j]];
  }
}

}  // namespace

void qgemm_f16_f32_simd(const QGemmArgs& a) { panel_gemm(a, decode_f16_chunk); }
void qgemm_i8_channel_f32_simd(const QGemmArgs& a) { panel_gemm(a, decode_i8_channel_chunk); }
void qgemm_q4_block_f32_simd(const QGemmArgs& a) { panel_gemm(a, decode_q4_block_chunk); }
void qgemm_q4_block_min_f32_simd(const QGemmArgs& a) { panel_gemm(a, decode_q4_block_min_chunk); }
void qgemm_codebook_f32_simd(const QGemmArgs& a) {
  with_codebook_bits(a.w->codebook_bits, [&](auto bits) { panel_gemm(a, decode_codebook_chunk<bits()>); });
}

}  // namespace qc
#endif
