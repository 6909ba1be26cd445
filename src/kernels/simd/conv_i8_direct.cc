#include "kernels/simd/conv_i8_direct.h"

#include "common/code_size.h"
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

constexpr int kLanes = 4;  // output pixels per vector, output channels per tile
constexpr int kQuads = 2;  // pixel quads per tile (8 accumulators + 2 inputs + 1 weight in registers)
constexpr int64_t kMaxE = int64_t{1} << 26;  // bytes of the expanded plane (int32 offsets, scratch)
// Threads split one plane's output channels from this many multiply-adds on (as
// compressed_gemm splits its products).
constexpr int64_t kParallelMacs = int64_t{1} << 19;

// Width of E's rows: every quad reads 4 + 2 * (pairs per kernel row - 1) values from
// its first pixel; the padded input row must fit too. A multiple of 8 (expansion loop).
int64_t e_width(const WindowGeometry& g) {
  return (std::max((g.out[2] + 3) / 4 * 4 + (g.kernel[2] + 1) / 2 * 2 - 2, g.pad_begin[2] + g.in[2]) + 7) / 8 * 8;
}

}  // namespace

QC_SMALL_CODE bool conv_i8_direct_applies(const WindowGeometry& g, const WeightView& w) {
  if (!QC_SIMD128 || g.rank != 2 || w.k <= 0 || g.out[1] <= 0 || g.out[2] <= 0) return false;
  if (w.scheme != static_cast<uint16_t>(SchemeId::i8_channel) && w.scheme != static_cast<uint16_t>(SchemeId::codebook))
    return false;
  if (g.stride[1] != 1 || g.stride[2] != 1 || g.dilation[1] != 1 || g.dilation[2] != 1) return false;
  return w.k / (g.kernel[1] * g.kernel[2]) * (g.in[1] + g.pad_begin[1] + g.pad_end[1]) * e_width(g) * 4 <= kMaxE;
}

#if QC_SIMD128

using namespace simd;

namespace {

// Indices as wide as pointers (i32 in wasm: no i64 arithmetic and wraps).
using Index = ptrdiff_t;

// acc[q][n] = dot products of the pairs of quad q (offsets[s] bytes from x[q]) with
// channel n's pairs (w[4 s + n]) over every step s.
__attribute__((always_inline)) inline void accumulate(const int32_t* const* x, const int32_t* w,
                                                      const int32_t* offsets, Index steps,
                                                      v128_t (&acc)[kQuads][kLanes]) {
  const char* xb[kQuads];
  for (int q = 0; q < kQuads; ++q) xb[q] = reinterpret_cast<const char*>(x[q]);
  for (auto& row : acc)
    for (v128_t& v : row) v = wasm_i32x4_splat(0);
  for (const int32_t* end = offsets + steps; offsets != end; ++offsets, w += kLanes) {
    v128_t xv[kQuads];
    for (int q = 0; q < kQuads; ++q) xv[q] = wasm_v128_load(xb[q] + *offsets);
    for (int n = 0; n < kLanes; ++n) {
      const v128_t wv = wasm_v128_load32_splat(w + n);
      for (int q = 0; q < kQuads; ++q) acc[q][n] = wasm_i32x4_add(acc[q][n], wasm_i32x4_dot_i16x8(xv[q], wv));
    }
  }
}

// Scratch that only grows: resizing down and up again between two Conv layers would
// zero the new part every time.
template <class T>
T* scratch(std::vector<T>& v, Index n) {
  if (v.size() < static_cast<size_t>(n)) v.resize(static_cast<size_t>(n));
  return v.data();
}

struct PrepareScratch {
  std::vector<int8_t> rows;
  std::vector<int32_t> pairs, offsets;
  std::vector<float> scale;
  CodebookLutI8 lut;
};

__attribute__((noinline)) void prepare(const WindowGeometry& g, int64_t channels, int64_t groups, const WeightView& w,
                           ConvI8Direct* d) {
  thread_local PrepareScratch s;
  const Index kh = static_cast<Index>(g.kernel[1]), kw = static_cast<Index>(g.kernel[2]), k = static_cast<Index>(w.k);
  const Index n_all = static_cast<Index>(w.n), cols = (kw + 1) / 2, kernel_rows = static_cast<Index>(channels) * kh;
  const Index out_channels = n_all / static_cast<Index>(groups), blocks = (out_channels + kLanes - 1) / kLanes;
  const Index steps = kernel_rows * cols, e_rows = static_cast<Index>(g.in[1] + g.pad_begin[1] + g.pad_end[1]);
  const Index width = static_cast<Index>(e_width(g));
  // The int8 rows (stride K; a decoded codebook row writes up to 15 bytes past K, the
  // loads below read up to 8) and their scales.
  int8_t* rows = scratch(s.rows, n_all * k + 32);
  float* scale = scratch(s.scale, n_all);
  if (w.scheme == static_cast<uint16_t>(SchemeId::i8_channel)) {
    std::memcpy(rows, w.row(0), static_cast<size_t>(n_all * k));  // rows of K bytes, in order
    std::memcpy(scale, w.side + 4 * w.row0, static_cast<size_t>(n_all) * 4);
  } else {
    build_codebook_lut_i8(w, &s.lut);
    QGemmArgs a;
    a.w = &w;
    a.lut = s.lut.lut.data();
    a.lut_stride = s.lut.stride;
    decode_codebook_rows_i8(a, k, rows);
    for (Index r = 0; r < n_all; ++r) scale[r] = s.lut.scale[w.codebook_per_channel ? r : 0];
  }
  int32_t* offsets = scratch(s.offsets, steps);
  for (Index r = 0, i = 0; r < kernel_rows; ++r)
    for (Index p = 0; p < cols; ++p) offsets[i++] = static_cast<int32_t>(((r / kh * e_rows + r % kh) * width + 2 * p) * 4);
  // Kernel row r of 4 channels, 8 taps (4 pairs) at a time: the int16 taps of each
  // channel are its pairs as int32 lanes (taps past kw zeroed), transposed so each
  // step's vector holds the 4 channels' pairs.
  int32_t* const pairs = scratch(s.pairs, static_cast<Index>(groups) * blocks * steps * kLanes);
  int32_t* dst = pairs;
  const v128_t lane = wasm_i16x8_make(0, 1, 2, 3, 4, 5, 6, 7);
  for (Index grp = 0; grp < groups; ++grp)
    for (Index b = 0; b < blocks; ++b)
      for (Index r = 0; r < kernel_rows; ++r)
        for (Index t = 0; t < kw; t += 8) {
          const v128_t keep = wasm_i16x8_gt(wasm_i16x8_splat(static_cast<int16_t>(kw - t)), lane);
          v128_t v[kLanes];
          for (Index i = 0; i < kLanes; ++i) {  // channels past the group's repeat its last; their outputs are dropped
            const Index n = grp * out_channels + std::min(b * kLanes + i, out_channels - 1);
            v[i] = wasm_v128_and(wasm_i16x8_load8x8(rows + n * k + r * kw + t), keep);
          }
          const v128_t lo01 = wasm_i32x4_shuffle(v[0], v[1], 0, 4, 1, 5), lo23 = wasm_i32x4_shuffle(v[2], v[3], 0, 4, 1, 5);
          const v128_t hi01 = wasm_i32x4_shuffle(v[0], v[1], 2, 6, 3, 7), hi23 = wasm_i32x4_shuffle(v[2], v[3], 2, 6, 3, 7);
          const v128_t step[4] = {wasm_i32x4_shuffle(lo01, lo23, 0, 1, 4, 5), wasm_i32x4_shuffle(lo01, lo23, 2, 3, 6, 7),
                                  wasm_i32x4_shuffle(hi01, hi23, 0, 1, 4, 5), wasm_i32x4_shuffle(hi01, hi23, 2, 3, 6, 7)};
          for (Index p = 0; p < 4 && t / 2 + p < cols; ++p, dst += kLanes) wasm_v128_store(dst, step[p]);
        }
  *d = {&g, channels, out_channels, blocks, steps, e_rows, width, pairs, offsets, scale};
}

// Output channels [4 b, 4 b + 4) of the group (those that exist) at every pixel quad
// of the plane, from the expanded input e.
__attribute__((noinline)) void channel_block(const ConvI8Direct& d, const ConvI8DirectPlane& p, const int32_t* e, Index b, const Activation& act) {
  const WindowGeometry& g = *d.g;
  const Index out_w = static_cast<Index>(g.out[2]), out_plane = static_cast<Index>(g.out_size());
  const Index quads = static_cast<Index>(g.out[1]) * ((out_w + kLanes - 1) / kLanes);
  const Index width = static_cast<Index>(d.e_width), n0 = b * kLanes;
  const Index count = std::min<Index>(kLanes, static_cast<Index>(d.out_channels) - n0);
  const int32_t* w = d.pairs + (p.group * d.blocks + b) * d.steps * kLanes;
  const bool relu = act.kind == Act::relu, inline_act = relu || act.kind == Act::none;
  Index oy = 0, ox = 0;  // the next quad's first pixel
  for (Index q0 = 0; q0 < quads; q0 += kQuads) {
    const int32_t* x[kQuads];
    Index y[kQuads];
    int valid[kQuads];
    for (int q = 0; q < kQuads; ++q) {
      x[q] = e + oy * width + ox;
      y[q] = oy * out_w + ox;
      valid[q] = static_cast<int>(std::min<Index>(kLanes, out_w - ox));
      if (q0 + q + 1 < quads && (ox += kLanes) >= out_w) ox = 0, ++oy;  // quads past the last repeat it
    }
    v128_t acc[kQuads][kLanes];
    accumulate(x, w, d.offsets, static_cast<Index>(d.steps), acc);
    v128_t dots[kLanes][kQuads];
    for (int n = 0; n < kLanes; ++n)
      for (int q = 0; q < kQuads; ++q) dots[n][q] = acc[q][n];
    for (Index n = 0; n < count; ++n) {  // scaled_dot_out, then the activation (Relu inline: activate's pmax)
      const v128_t scale = wasm_f32x4_splat(p.x_scale * d.w_scale[p.group * d.out_channels + n0 + n]);
      const v128_t bias = wasm_f32x4_splat(p.bias ? p.bias[n0 + n] : 0.f);
      for (int q = 0; q < kQuads; ++q) {
        const v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(dots[n][q]), scale), bias);
        float* out = p.y + (n0 + n) * out_plane + y[q];
        if (inline_act && valid[q] == kLanes)
          wasm_v128_store(out, relu ? wasm_f32x4_pmax(wasm_f32x4_splat(0.f), v) : v);
        else
          store_activated(out, v, valid[q], act);
      }
    }
  }
}

struct RunScratch {
  std::vector<int32_t> e;
  std::vector<int8_t> row;
};

QC_SMALL_CODE void run(const ConvI8Direct& d, const ConvI8DirectPlane& p, const Activation& act) {
  const WindowGeometry& g = *d.g;
  const Index in_h = static_cast<Index>(g.in[1]), in_w = static_cast<Index>(g.in[2]);
  const Index width = static_cast<Index>(d.e_width), e_rows = static_cast<Index>(d.e_rows);
  // E: each input row zero-padded (row), then (row[x], row[x + 1]) as int16 pairs.
  thread_local RunScratch s;
  int32_t* const e = scratch(s.e, static_cast<Index>(d.channels) * e_rows * width);
  int8_t* const row = scratch(s.row, width + 16);
  std::memset(row, 0, static_cast<size_t>(width + 16));
  int32_t* out = e;
  for (Index r = 0; r < d.channels * e_rows; ++r, out += width) {
    const Index iy = r % e_rows - static_cast<Index>(g.pad_begin[1]);
    const bool inside = iy >= 0 && iy < in_h;
    if (inside) std::memcpy(row + g.pad_begin[2], p.x + (r / e_rows * in_h + iy) * in_w, static_cast<size_t>(in_w));
    for (Index x = 0; x < width; x += 8) {
      v128_t a = wasm_i16x8_load8x8(row + x), b = wasm_i16x8_load8x8(row + x + 1);
      if (!inside) a = b = wasm_i32x4_splat(0);
      wasm_v128_store(out + x, wasm_i16x8_shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11));
      wasm_v128_store(out + x + 4, wasm_i16x8_shuffle(a, b, 4, 12, 5, 13, 6, 14, 7, 15));
    }
  }
  // (e, not s.e, in the lambda: a thread_local named there would be each thread's own)
  const auto blocks = [&](int64_t b0, int64_t b1) {
    for (Index b = static_cast<Index>(b0); b < b1; ++b) channel_block(d, p, e, b, act);
  };
  if constexpr (kThreadsBuilt) {
    if (thread_count() > 1 && g.out_size() * d.out_channels * 2 * d.steps >= kParallelMacs)
      return parallel_for(d.blocks, 1, blocks);
  }
  blocks(0, d.blocks);
}

}  // namespace

void (*conv_i8_direct_prepare)(const WindowGeometry&, int64_t, int64_t, const WeightView&, ConvI8Direct*) = prepare;
void (*conv_i8_direct_run)(const ConvI8Direct&, const ConvI8DirectPlane&, const Activation&) = run;

#else

void (*conv_i8_direct_prepare)(const WindowGeometry&, int64_t, int64_t, const WeightView&, ConvI8Direct*) = nullptr;
void (*conv_i8_direct_run)(const ConvI8Direct&, const ConvI8DirectPlane&, const Activation&) = nullptr;

#endif

}  // namespace qc
