#include "kernels/simd/conv_i8_direct.h"

#include "kernels/simd/simd_available.h"
#include "schemes/scheme_table.h"

#if QC_SIMD128
#include <algorithm>
#include <cstring>
#include <vector>

#include "common/parallel.h"
#include "kernels/quant/codebook_lut.h"
#include "kernels/simd/f32_gemm_tile.h"
#include "kernels/simd/qgemm_simd.h"
#endif

namespace qc {

namespace {

constexpr int kLanes = 4;    // output pixels per vector, output channels per tile
constexpr int kQuads = 2;    // pixel quads per tile (8 accumulators + 2 inputs + 1 weight in registers)
constexpr int64_t kMaxE = int64_t{1} << 26;  // bytes of the expanded plane (int32 offsets, scratch)
// Threads split one plane's output channels from this many multiply-adds on (as
// compressed_gemm splits its products).
constexpr int64_t kParallelMacs = int64_t{1} << 19;

int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

int64_t pair_cols(const WindowGeometry& g) { return (g.kernel[2] + 1) / 2; }

// Width of E's rows: every quad reads 4 + 2 * (pair_cols - 1) values from its first
// pixel; the padded input row must fit too. A multiple of 8 for the expansion loop.
int64_t e_width(const WindowGeometry& g) {
  return round_up(std::max(round_up(g.out[2], kLanes) + 2 * pair_cols(g) - 2, g.pad_begin[2] + g.in[2]), 8);
}

}  // namespace

bool conv_i8_direct_applies(const WindowGeometry& g, const WeightView& w) {
  if (!QC_SIMD128 || g.rank != 2 || w.k <= 0) return false;
  if (w.scheme != static_cast<uint16_t>(SchemeId::i8_channel) && w.scheme != static_cast<uint16_t>(SchemeId::codebook))
    return false;
  if (g.stride[1] != 1 || g.stride[2] != 1 || g.dilation[1] != 1 || g.dilation[2] != 1) return false;
  if (g.out[1] <= 0 || g.out[2] <= 0) return false;
  const int64_t channels = w.k / std::max<int64_t>(g.kernel[1] * g.kernel[2], 1);
  return channels * (g.in[1] + g.pad_begin[1] + g.pad_end[1]) * e_width(g) * 4 <= kMaxE;
}

#if QC_SIMD128

using namespace simd;

namespace {

// acc[q][n] += dot products of the pairs of quad q (x[q] + offsets[s]) with channel
// n's pairs (w[4 s + n]) over every step s.
__attribute__((always_inline)) inline void accumulate(const int32_t* const* x, const int32_t* w,
                                                      const int32_t* offsets, int64_t steps,
                                                      v128_t (&acc)[kQuads][kLanes]) {
  const int32_t* xp[kQuads];
  for (int q = 0; q < kQuads; ++q) xp[q] = x[q];
  for (auto& row : acc)
    for (v128_t& v : row) v = wasm_i32x4_splat(0);
  for (int64_t s = steps; s > 0; --s) {
    const int32_t off = *offsets++;
    v128_t xv[kQuads];
    for (int q = 0; q < kQuads; ++q) xv[q] = wasm_v128_load(xp[q] + off);
    for (int n = 0; n < kLanes; ++n) {
      const v128_t wv = wasm_v128_load32_splat(w + n);
      for (int q = 0; q < kQuads; ++q) acc[q][n] = wasm_i32x4_add(acc[q][n], wasm_i32x4_dot_i16x8(xv[q], wv));
    }
    w += kLanes;
  }
}

// Rows [0, w.n) of the view as int8 values at out + r * K, and each row's scale.
void decode_rows(const WeightView& w, int8_t* out, float* scale) {
  if (w.scheme == static_cast<uint16_t>(SchemeId::i8_channel)) {
    for (int64_t r = 0; r < w.n; ++r) {
      std::memcpy(out + r * w.k, w.row(r), static_cast<size_t>(w.k));
      std::memcpy(&scale[r], w.side + 4 * (w.row0 + r), 4);
    }
    return;
  }
  thread_local CodebookLutI8 lut;
  build_codebook_lut_i8(w, &lut);
  QGemmArgs a;
  a.w = &w;
  a.lut = lut.lut.data();
  a.lut_stride = lut.stride;
  decode_codebook_rows_i8(a, w.k, out);
  for (int64_t r = 0; r < w.n; ++r) scale[r] = lut.scale[w.codebook_per_channel ? r : 0];
}

void prepare(const WindowGeometry& g, int64_t channels, int64_t groups, const WeightView& w, ConvI8Direct* d) {
  const int64_t kh = g.kernel[1], kw = g.kernel[2], cols = pair_cols(g), kernel_rows = channels * kh;
  const int64_t out_channels = w.n / groups, blocks = (out_channels + kLanes - 1) / kLanes, steps = kernel_rows * cols;
  const int64_t e_rows = g.in[1] + g.pad_begin[1] + g.pad_end[1], width = e_width(g);
  thread_local std::vector<int8_t> rows;
  thread_local std::vector<int32_t> pairs, offsets;
  thread_local std::vector<float> scale;
  rows.resize(static_cast<size_t>(w.n * w.k + 32));  // a decoded row writes up to 15 bytes past K; loads read 8
  scale.resize(static_cast<size_t>(w.n));
  decode_rows(w, rows.data(), scale.data());
  offsets.resize(static_cast<size_t>(steps));
  for (int64_t r = 0, s = 0; r < kernel_rows; ++r)
    for (int64_t p = 0; p < cols; ++p) offsets[s++] = static_cast<int32_t>(((r / kh) * e_rows + r % kh) * width + 2 * p);
  // Kernel row r of 4 channels, 8 taps (4 pairs) at a time: the int16 taps of each
  // channel are its pairs as int32 lanes (taps past kw zeroed), transposed so each
  // step's vector holds the 4 channels' pairs.
  pairs.resize(static_cast<size_t>(groups * blocks * steps * kLanes));
  const v128_t lane = wasm_i16x8_make(0, 1, 2, 3, 4, 5, 6, 7);
  for (int64_t grp = 0; grp < groups; ++grp)
    for (int64_t b = 0; b < blocks; ++b) {
      const int8_t* src[kLanes];
      for (int i = 0; i < kLanes; ++i)  // channels past the group's repeat its last; their outputs are dropped
        src[i] = rows.data() + (grp * out_channels + std::min<int64_t>(b * kLanes + i, out_channels - 1)) * w.k;
      int32_t* dst = pairs.data() + (grp * blocks + b) * steps * kLanes;
      for (int64_t r = 0; r < kernel_rows; ++r)
        for (int64_t t = 0; t < kw; t += 8) {
          const v128_t keep = wasm_i16x8_gt(wasm_i16x8_splat(static_cast<int16_t>(kw - t)), lane);
          v128_t v[kLanes];
          for (int i = 0; i < kLanes; ++i) v[i] = wasm_v128_and(wasm_i16x8_load8x8(src[i] + r * kw + t), keep);
          const v128_t lo01 = wasm_i32x4_shuffle(v[0], v[1], 0, 4, 1, 5), lo23 = wasm_i32x4_shuffle(v[2], v[3], 0, 4, 1, 5);
          const v128_t hi01 = wasm_i32x4_shuffle(v[0], v[1], 2, 6, 3, 7), hi23 = wasm_i32x4_shuffle(v[2], v[3], 2, 6, 3, 7);
          const v128_t step[4] = {wasm_i32x4_shuffle(lo01, lo23, 0, 1, 4, 5), wasm_i32x4_shuffle(lo01, lo23, 2, 3, 6, 7),
                                  wasm_i32x4_shuffle(hi01, hi23, 0, 1, 4, 5), wasm_i32x4_shuffle(hi01, hi23, 2, 3, 6, 7)};
          const int64_t first = r * cols + t / 2;
          for (int64_t p = 0; p < 4 && t / 2 + p < cols; ++p) wasm_v128_store(dst + (first + p) * kLanes, step[p]);
        }
    }
  *d = {&g, channels, out_channels, blocks, steps, e_rows, width, pairs.data(), offsets.data(), scale.data()};
}

void run(const ConvI8Direct& d, const ConvI8DirectPlane& p, const Activation& act) {
  const WindowGeometry& g = *d.g;
  const int64_t in_h = g.in[1], in_w = g.in[2], out_w = g.out[2], out_plane = g.out_size();
  const int64_t pad_top = g.pad_begin[1], pad_left = g.pad_begin[2];
  // E: each input row zero-padded (row), then (row[x], row[x + 1]) as int16 pairs.
  thread_local std::vector<int32_t> e;
  thread_local std::vector<int8_t> row;
  e.resize(static_cast<size_t>(d.channels * d.e_rows * d.e_width));
  row.assign(static_cast<size_t>(d.e_width + 16), 0);
  for (int64_t c = 0; c < d.channels; ++c)
    for (int64_t y = 0; y < d.e_rows; ++y) {
      int32_t* out = e.data() + (c * d.e_rows + y) * d.e_width;
      const int64_t iy = y - pad_top;
      if (iy < 0 || iy >= in_h) {
        std::fill(out, out + d.e_width, 0);
        continue;
      }
      std::memcpy(row.data() + pad_left, p.x + (c * in_h + iy) * in_w, static_cast<size_t>(in_w));
      for (int64_t x = 0; x < d.e_width; x += 8) {
        const v128_t a = wasm_i16x8_load8x8(row.data() + x), b = wasm_i16x8_load8x8(row.data() + x + 1);
        wasm_v128_store(out + x, wasm_i16x8_shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11));
        wasm_v128_store(out + x + 4, wasm_i16x8_shuffle(a, b, 4, 12, 5, 13, 6, 14, 7, 15));
      }
    }
  const int64_t quads_per_row = (out_w + kLanes - 1) / kLanes, quads = g.out[1] * quads_per_row;
  const bool vector_act = activation_is_vector(act);
  const int32_t* expanded = e.data();  // (a thread_local named in the lambda would be each thread's own)
  const auto channel_blocks = [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t n0 = b * kLanes;
      const int count = static_cast<int>(std::min<int64_t>(kLanes, d.out_channels - n0));
      float scale[kLanes], bias[kLanes];
      for (int n = 0; n < count; ++n) {
        scale[n] = p.x_scale * d.w_scale[p.group * d.out_channels + n0 + n];
        bias[n] = p.bias ? p.bias[n0 + n] : 0.f;
      }
      const int32_t* w = d.pairs + (p.group * d.blocks + b) * d.steps * kLanes;
      for (int64_t q0 = 0; q0 < quads; q0 += kQuads) {
        const int32_t* x[kQuads];
        float* y[kQuads];
        int width[kQuads];
        for (int q = 0; q < kQuads; ++q) {  // quads past the last repeat it (same values stored again)
          const int64_t quad = std::min(q0 + q, quads - 1), oy = quad / quads_per_row;
          const int64_t ox = quad % quads_per_row * kLanes;
          x[q] = expanded + oy * d.e_width + ox;
          y[q] = p.y + n0 * out_plane + oy * out_w + ox;
          width[q] = static_cast<int>(std::min<int64_t>(kLanes, out_w - ox));
        }
        v128_t acc[kQuads][kLanes];
        accumulate(x, w, d.offsets, d.steps, acc);
        v128_t dots[kLanes * kQuads];
        for (int n = 0; n < kLanes; ++n)
          for (int q = 0; q < kQuads; ++q) dots[n * kQuads + q] = acc[q][n];
        for (int i = 0; i < count * kQuads; ++i) {  // scaled_dot_out, then the activation
          const int n = i / kQuads, q = i % kQuads;
          const v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(dots[i]), wasm_f32x4_splat(scale[n])),
                                          wasm_f32x4_splat(bias[n]));
          float* out = y[q] + n * out_plane;
          if (width[q] == kLanes && vector_act)
            wasm_v128_store(out, activate(v, act));
          else
            store_activated(out, v, width[q], act);
        }
      }
    }
  };
  if (kThreadsBuilt && thread_count() > 1 && out_plane * d.out_channels * 2 * d.steps >= kParallelMacs)
    parallel_for(d.blocks, 1, channel_blocks);
  else
    channel_blocks(0, d.blocks);
}

}  // namespace

void (*conv_i8_direct_prepare)(const WindowGeometry&, int64_t, int64_t, const WeightView&, ConvI8Direct*) = prepare;
void (*conv_i8_direct_run)(const ConvI8Direct&, const ConvI8DirectPlane&, const Activation&) = run;

#else

void (*conv_i8_direct_prepare)(const WindowGeometry&, int64_t, int64_t, const WeightView&, ConvI8Direct*) = nullptr;
void (*conv_i8_direct_run)(const ConvI8Direct&, const ConvI8DirectPlane&, const Activation&) = nullptr;

#endif

}  // namespace qc
