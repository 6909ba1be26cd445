#include "kernels/simd/conv_i8_direct.h"

#include "common/code_size.h"
#include "kernels/simd/simd_available.h"
#include "schemes/scheme_table.h"

#if QC_SIMD128
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

#include "common/parallel.h"
#include "common/scratch.h"
#include "kernels/quant/codebook_lut.h"
#include "kernels/simd/f32_gemm_tile.h"
#include "kernels/simd/qgemm_simd.h"
#include "schemes/q4_block.h"
#endif

namespace qc {

namespace {

constexpr int kLanes = 4;  // output pixels per vector, output channels per tile
constexpr int kQuads = 2;  // pixel quads per tile (8 accumulators + 2 inputs + 1 weight in registers)
constexpr int64_t kMaxE = int64_t{1} << 26;  // bytes of the expanded plane (int32 offsets, scratch)
// Threads split one plane's output channels from this many multiply-adds on (as
// compressed_gemm splits its products).
constexpr int64_t kParallelMacs = int64_t{1} << 19;

// Width of E's rows: every quad reads 4 + kw - 1 values from its first pixel (2 * h
// for an even kw); the padded input row must fit too. A multiple of 8 (expansion loop).
int64_t e_width(const WindowGeometry& g) {
  return (std::max((g.out[2] + 3) / 4 * 4 + g.kernel[2] / 2 * 2 - 1 + g.kernel[2] % 2, g.pad_begin[2] + g.in[2]) + 7) /
         8 * 8;
}

// Expanded planes: horizontal pairs, and for an odd kw vertical ones too.
int64_t e_planes(const WindowGeometry& g) { return 1 + g.kernel[2] % 2; }

}  // namespace

QC_SMALL_CODE bool conv_i8_direct_applies(const WindowGeometry& g, const WeightView& w) {
  if (!QC_SIMD128 || g.rank != 2 || w.k <= 0 || g.out[1] <= 0 || g.out[2] <= 0) return false;
  if (w.scheme != static_cast<uint16_t>(SchemeId::i8_channel) && w.scheme != static_cast<uint16_t>(SchemeId::codebook) &&
      w.scheme != static_cast<uint16_t>(SchemeId::q4_block))
    return false;
  if (g.stride[1] != 1 || g.stride[2] != 1 || g.dilation[1] != 1 || g.dilation[2] != 1) return false;
  return w.k / (g.kernel[1] * g.kernel[2]) * (g.in[1] + g.pad_begin[1] + g.pad_end[1]) * e_width(g) * e_planes(g) * 4 <=
         kMaxE;
}

#if QC_SIMD128

using namespace simd;

namespace {

// Indices as wide as pointers (i32 in wasm: no i64 arithmetic and wraps).
using Index = ptrdiff_t;

// acc[q][n] = dot products of the pairs of quad q (offsets[s] bytes from x[q]) with
// channel n's pairs (w[4 s + n]) over every step s; NQ quads x NC channels.
template <int NQ, int NC>
__attribute__((always_inline)) inline void accumulate(const int32_t* const* x, const int32_t* w,
                                                      const int32_t* offsets, Index steps, v128_t (&acc)[NQ][NC]) {
  const char* xb[NQ];
  for (int q = 0; q < NQ; ++q) xb[q] = reinterpret_cast<const char*>(x[q]);
  for (auto& row : acc)
    for (v128_t& v : row) v = wasm_i32x4_splat(0);
  for (const int32_t* end = offsets + steps; offsets != end; ++offsets, w += kLanes) {
    v128_t xv[NQ];
    for (int q = 0; q < NQ; ++q) xv[q] = wasm_v128_load(xb[q] + *offsets);
    for (int n = 0; n < NC; ++n) {
      const v128_t wv = wasm_v128_load32_splat(w + n);
      for (int q = 0; q < NQ; ++q) acc[q][n] = wasm_i32x4_add(acc[q][n], wasm_i32x4_dot_i16x8(xv[q], wv));
    }
  }
}

struct PrepareScratch {
  std::vector<int8_t> rows;
  std::vector<int32_t> pairs, offsets, block_steps, taps, next;
  std::vector<float> scale;
  CodebookLutI8 lut;
};

thread_local PrepareScratch prepare_scratch;

// Where the pair steps of a Conv read (E's layout) and which two taps (indices into a
// weight row of K, -1 for none) each multiplies. Per input channel: kw / 2 horizontal
// pairs per kernel row, then for an odd kw the last column in vertical pairs (rows
// 2j, 2j + 1; an odd kh's last with none).
struct StepGeometry {
  ptrdiff_t kh, kw, h, v, per_channel, e_rows, width;
  StepGeometry(const WindowGeometry& g)
      : kh(static_cast<ptrdiff_t>(g.kernel[1])), kw(static_cast<ptrdiff_t>(g.kernel[2])), h(kw / 2),
        v(kw % 2 * ((kh + 1) / 2)), per_channel(kh * h + v),
        e_rows(static_cast<ptrdiff_t>(g.in[1] + g.pad_begin[1] + g.pad_end[1])),
        width(static_cast<ptrdiff_t>(e_width(g))) {}

  // Calls f(offset, tap_a, tap_b) for every step of `channels` input channels, in order.
  template <class F>
  void for_each_step(ptrdiff_t channels, F&& f) const {
    const ptrdiff_t vertical = channels * e_rows * width;  // where the vertical plane starts
    for (ptrdiff_t c = 0; c < channels; ++c) {
      const ptrdiff_t tap0 = c * kh * kw;
      for (ptrdiff_t ky = 0; ky < kh; ++ky)
        for (ptrdiff_t p = 0; p < h; ++p) {
          const ptrdiff_t a = tap0 + ky * kw + 2 * p;
          f(static_cast<int32_t>(((c * e_rows + ky) * width + 2 * p) * 4), a, a + 1);
        }
      for (ptrdiff_t j = 0; j < v; ++j) {
        const ptrdiff_t a = tap0 + 2 * j * kw + kw - 1;
        f(static_cast<int32_t>((vertical + (c * e_rows + 2 * j) * width + kw - 1) * 4), a, 2 * j + 1 < kh ? a + kw : -1);
      }
    }
  }
};

// q4_block: the rows unpacked to int8 (q - 8), their block scales, and the steps
// regrouped by block of 32 taps; the pairs are gathered tap by tap.
void prepare_q4(const WindowGeometry& g, int64_t channels, int64_t groups, const WeightView& w, ConvI8Direct* d) {
  PrepareScratch& s = prepare_scratch;
  const StepGeometry sg(g);
  const Index k = static_cast<Index>(w.k), n_all = static_cast<Index>(w.n), q4_blocks = q4_blocks_per_row(k);
  const Index out_channels = n_all / static_cast<Index>(groups), blocks = (out_channels + kLanes - 1) / kLanes;
  // Rows of K int8 values; a row's last block may write up to 31 bytes past it (the
  // next row overwrites them; slack after the last).
  int8_t* rows = scratch(s.rows, n_all * k + kQ4BlockLen);
  float* block_d = scratch(s.scale, n_all * q4_blocks);
  const v128_t low_nibble = const_i8x16(0x0f), eight = const_i8x16(8);
  for (Index r = 0; r < n_all; ++r) {
    const uint8_t* src = w.row(r);
    for (Index q = 0; q < q4_blocks; ++q, src += sizeof(BlockQ4)) {
      uint16_t d16;
      std::memcpy(&d16, src + offsetof(BlockQ4, d), 2);
      block_d[r * q4_blocks + q] = f16_to_f32(d16);
      unpack_q4_nibbles(src + offsetof(BlockQ4, qs), low_nibble, eight, rows + r * k + q * kQ4BlockLen);
    }
  }
  // Steps per block (counted, then placed): a pair split by a block edge counts in both.
  int32_t* block_steps = scratch(s.block_steps, q4_blocks + 1);
  std::fill(block_steps, block_steps + q4_blocks + 1, 0);
  sg.for_each_step(channels, [&](int32_t, Index a, Index b) {
    ++block_steps[a / kQ4BlockLen + 1];
    if (b >= 0 && b / kQ4BlockLen != a / kQ4BlockLen) ++block_steps[b / kQ4BlockLen + 1];
  });
  for (Index q = 0; q < q4_blocks; ++q) block_steps[q + 1] += block_steps[q];
  const Index steps = block_steps[q4_blocks];
  int32_t* offsets = scratch(s.offsets, steps);
  int32_t* taps = scratch(s.taps, 2 * steps);  // tap_a, tap_b per step
  int32_t* next = scratch(s.next, q4_blocks);
  std::copy(block_steps, block_steps + q4_blocks, next);
  const auto place = [&](int32_t offset, Index a, Index b) {
    const int32_t at = next[(a >= 0 ? a : b) / kQ4BlockLen]++;
    offsets[at] = offset;
    taps[2 * at] = static_cast<int32_t>(a);
    taps[2 * at + 1] = static_cast<int32_t>(b);
  };
  sg.for_each_step(channels, [&](int32_t offset, Index a, Index b) {
    if (b >= 0 && b / kQ4BlockLen != a / kQ4BlockLen) {
      place(offset, a, -1);
      place(offset, -1, b);
    } else {
      place(offset, a, b);
    }
  });
  int32_t* const pairs = scratch(s.pairs, static_cast<Index>(groups) * blocks * steps * kLanes);
  int32_t* dst = pairs;
  for (Index grp = 0; grp < groups; ++grp)
    for (Index b = 0; b < blocks; ++b) {
      const int8_t* row[kLanes];
      for (Index i = 0; i < kLanes; ++i)  // channels past the group's repeat its last; their outputs are dropped
        row[i] = rows + (grp * out_channels + std::min(b * kLanes + i, out_channels - 1)) * k;
      for (Index st = 0; st < steps; ++st, dst += kLanes) {
        const int32_t a = taps[2 * st], c = taps[2 * st + 1];
        for (Index i = 0; i < kLanes; ++i)
          dst[i] = static_cast<int32_t>(static_cast<uint16_t>(a >= 0 ? row[i][a] : 0) |
                                        static_cast<uint32_t>(static_cast<uint16_t>(c >= 0 ? row[i][c] : 0)) << 16);
      }
    }
  *d = {&g, channels, out_channels, blocks, steps, sg.e_rows, sg.width, pairs, offsets, nullptr,
        q4_blocks, block_steps, block_d};
}

// At -O3, not QC_SMALL_CODE: a batch-1 lenet5 spent 7 us more here at minsize.
void prepare(const WindowGeometry& g, int64_t channels, int64_t groups, const WeightView& w, ConvI8Direct* d) {
  if (w.scheme == static_cast<uint16_t>(SchemeId::q4_block)) return prepare_q4(g, channels, groups, w, d);
  PrepareScratch& s = prepare_scratch;
  const StepGeometry sg(g);
  const Index kh = sg.kh, kw = sg.kw, k = static_cast<Index>(w.k), h = sg.h, v = sg.v;
  const Index n_all = static_cast<Index>(w.n), kernel_rows = static_cast<Index>(channels) * kh;
  const Index out_channels = n_all / static_cast<Index>(groups), blocks = (out_channels + kLanes - 1) / kLanes;
  const Index steps = static_cast<Index>(channels) * sg.per_channel;
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
  Index i = 0;
  sg.for_each_step(channels, [&](int32_t offset, Index, Index) { offsets[i++] = offset; });
  // 4 channels at a time. Horizontal: a kernel row 8 taps (4 pairs) at a time, the
  // int16 taps of each channel being its pairs as int32 lanes (taps past 2 h zeroed),
  // transposed so each step's vector holds the 4 channels' pairs. Vertical: one pair
  // per channel and step.
  int32_t* const pairs = scratch(s.pairs, static_cast<Index>(groups) * blocks * steps * kLanes);
  int32_t* dst = pairs;
  const v128_t lane = wasm_i16x8_make(0, 1, 2, 3, 4, 5, 6, 7);
  for (Index grp = 0; grp < groups; ++grp)
    for (Index b = 0; b < blocks; ++b) {
      const int8_t* src[kLanes];
      for (Index i = 0; i < kLanes; ++i)  // channels past the group's repeat its last; their outputs are dropped
        src[i] = rows + (grp * out_channels + std::min(b * kLanes + i, out_channels - 1)) * k;
      for (Index r = 0; r < kernel_rows; ++r) {
        for (Index t = 0; t < 2 * h; t += 8) {
          const v128_t keep = wasm_i16x8_gt(wasm_i16x8_splat(static_cast<int16_t>(2 * h - t)), lane);
          v128_t x[kLanes];
          for (Index i = 0; i < kLanes; ++i) x[i] = wasm_v128_and(wasm_i16x8_load8x8(src[i] + r * kw + t), keep);
          v128_t step[4];
          transpose_i32x4(x, step);
          for (Index p = 0; p < 4 && t / 2 + p < h; ++p, dst += kLanes) wasm_v128_store(dst, step[p]);
        }
        if (r % kh != kh - 1 || v == 0) continue;
        for (Index j = 0; j < v; ++j, dst += kLanes)
          for (Index i = 0; i < kLanes; ++i) {
            const int8_t* tap = src[i] + (r - kh + 1 + 2 * j) * kw + kw - 1;
            dst[i] = static_cast<uint16_t>(tap[0]) | (2 * j + 1 < kh ? tap[kw] * 65536 : 0);
          }
      }
    }
  *d = {&g, channels, out_channels, blocks, steps, sg.e_rows, sg.width, pairs, offsets, scale};
}

// Output channels [4 b, 4 b + NC) of the group (those that exist) at every pixel quad
// of the plane, from the expanded input e, NQ quads at a time (NQ * NC = 8
// accumulators); kQ4: may be q4_block (folded per block). The hot loop: not inlined
// into run (small code).
template <int NQ, int NC, bool kQ4>
__attribute__((noinline)) void channel_tiles(const ConvI8Direct& d, const ConvI8DirectPlane& p, const int32_t* e,
                                             Index b, const Activation& act) {
  const WindowGeometry& g = *d.g;
  const Index out_w = static_cast<Index>(g.out[2]), out_plane = static_cast<Index>(g.out_size());
  const Index quads = static_cast<Index>(g.out[1]) * ((out_w + kLanes - 1) / kLanes);
  const Index width = static_cast<Index>(d.e_width), n0 = b * kLanes;
  const Index count = std::min<Index>(NC, static_cast<Index>(d.out_channels) - n0);
  const int32_t* w = d.pairs + (p.group * d.blocks + b) * d.steps * kLanes;
  const bool relu = act.kind == Act::relu, inline_act = relu || act.kind == Act::none;
  Index oy = 0, ox = 0;  // the next quad's first pixel
  for (Index q0 = 0; q0 < quads; q0 += NQ) {
    const int32_t* x[NQ];
    Index y[NQ];
    int valid[NQ];
    for (int q = 0; q < NQ; ++q) {
      x[q] = e + oy * width + ox;
      y[q] = oy * out_w + ox;
      valid[q] = static_cast<int>(std::min<Index>(kLanes, out_w - ox));
      if (q0 + q + 1 < quads && (ox += kLanes) >= out_w) ox = 0, ++oy;  // quads past the last repeat it
    }
    v128_t sums[NC][NQ];  // the float value before `* scale + bias`, per channel and quad
    v128_t acc[NQ][NC];
    if (kQ4 && d.block_steps) {  // q4_block_accumulate per block, in block order
      for (auto& row : sums)
        for (v128_t& v : row) v = wasm_f32x4_splat(0.f);
      for (Index qb = 0; qb < static_cast<Index>(d.q4_blocks); ++qb) {
        const Index s0 = d.block_steps[qb], s1 = d.block_steps[qb + 1];
        accumulate<NQ, NC>(x, w + s0 * kLanes, d.offsets + s0, s1 - s0, acc);
        for (int n = 0; n < NC; ++n) {
          const Index row = p.group * d.out_channels + std::min<Index>(n0 + n, d.out_channels - 1);
          const v128_t block_d = wasm_f32x4_splat(d.block_d[row * d.q4_blocks + qb]);
          for (int q = 0; q < NQ; ++q)
            sums[n][q] = wasm_f32x4_add(sums[n][q], wasm_f32x4_mul(block_d, wasm_f32x4_convert_i32x4(acc[q][n])));
        }
      }
    } else {
      accumulate<NQ, NC>(x, w, d.offsets, static_cast<Index>(d.steps), acc);
      for (int n = 0; n < NC; ++n)
        for (int q = 0; q < NQ; ++q) sums[n][q] = wasm_f32x4_convert_i32x4(acc[q][n]);
    }
    for (Index n = 0; n < count; ++n) {  // scaled_dot_out / block_sum_out, then the activation (Relu inline)
      const v128_t scale =
          wasm_f32x4_splat(d.w_scale ? p.x_scale * d.w_scale[p.group * d.out_channels + n0 + n] : p.x_scale);
      const v128_t bias = wasm_f32x4_splat(p.bias ? p.bias[n0 + n] : 0.f);
      for (int q = 0; q < NQ; ++q) {
        const v128_t v = wasm_f32x4_add(wasm_f32x4_mul(sums[n][q], scale), bias);
        float* out = p.y + (n0 + n) * out_plane + y[q];
        if (inline_act && valid[q] == kLanes)
          wasm_v128_store(out, relu ? wasm_f32x4_pmax(wasm_f32x4_splat(0.f), v) : v);
        else
          store_activated(out, v, valid[q], act);
      }
    }
  }
}

// A block of at most 2 real channels (the last of 6: 4 + 2) takes a 4-quad x 2-channel
// tile instead of computing 2 repeated channels (q4_block keeps the 2 x 4 one).
void channel_block(const ConvI8Direct& d, const ConvI8DirectPlane& p, const int32_t* e, Index b, const Activation& act) {
  if (!d.block_steps && static_cast<Index>(d.out_channels) - b * kLanes <= 2)
    channel_tiles<4, 2, false>(d, p, e, b, act);
  else
    channel_tiles<kQuads, kLanes, true>(d, p, e, b, act);
}

struct RunScratch {
  std::vector<int32_t> e;
  std::vector<int8_t> x8;
};

QC_SMALL_CODE void run(const ConvI8Direct& d, const ConvI8DirectPlane& p, const Activation& act) {
  const WindowGeometry& g = *d.g;
  const Index in_h = static_cast<Index>(g.in[1]), in_w = static_cast<Index>(g.in[2]);
  const Index width = static_cast<Index>(d.e_width), e_rows = static_cast<Index>(d.e_rows);
  // The input zero-padded (x8: rows of `stride` bytes, one more zero row at the end),
  // then E: (x8[y][x], x8[y][x + 1]) as int16 pairs, and for an odd kw after it
  // (x8[y][x], x8[y + 1][x]) (the row after a channel's last only meets 0 weights).
  const Index stride = width + 16, padded_rows = static_cast<Index>(d.channels) * e_rows;
  thread_local RunScratch s;
  int32_t* const e = scratch(s.e, padded_rows * width * e_planes(g));
  int8_t* const x8 = scratch(s.x8, (padded_rows + 1) * stride);
  std::memset(x8, 0, static_cast<size_t>((padded_rows + 1) * stride));
  for (Index r = 0; r < padded_rows; ++r) {
    const Index iy = r % e_rows - static_cast<Index>(g.pad_begin[1]);
    if (iy >= 0 && iy < in_h)
      std::memcpy(x8 + r * stride + g.pad_begin[2], p.x + (r / e_rows * in_h + iy) * in_w, static_cast<size_t>(in_w));
  }
  int32_t* out = e;
  for (Index plane = 0; plane < e_planes(g); ++plane)
    for (Index r = 0; r < padded_rows; ++r, out += width) {
      const int8_t* first = x8 + r * stride;
      const int8_t* second = first + (plane ? stride : 1);
      for (Index x = 0; x < width; x += 8) {
        const v128_t a = wasm_i16x8_load8x8(first + x), b = wasm_i16x8_load8x8(second + x);
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
