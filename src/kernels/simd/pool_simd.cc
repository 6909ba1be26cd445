// SIMD128 MaxPool / AveragePool for 2-D NCHW pools without the Indices output and
// with column dilation 1 and column stride 1 or 2 (everything else: the reference
// kernels of kernels/ref/pool.cc). Four output columns per vector wherever all their
// kernel columns lie inside the input row; the other columns one at a time. Taps are
// folded in the reference's order with the same operations (max: `best < x ? x :
// best`; average: sum from 0, then / count), so results are bit-identical.
#include <algorithm>
#include <cmath>
#include <vector>

#include "common/parallel.h"
#include "kernels/ref/conv_geometry.h"
#include "kernels/simd/op_kernels.h"
#include "kernels/simd/simd128.h"

#if QC_SIMD128
namespace qc {

namespace {

using namespace simd;

enum class PoolKind { max, average };

// Taps t of kernel column t for 4 output columns starting at input column iw0:
// x[iw0 + t + stride * j], j < 4.
inline v128_t tap_columns(const float* row, int64_t iw0, int64_t t, int64_t stride) {
  if (stride == 1) return wasm_v128_load(row + iw0 + t);
  const float* p = row + iw0 + (t & ~int64_t{1});
  const v128_t lo = wasm_v128_load(p), hi = wasm_v128_load(p + 4);
  return t & 1 ? wasm_i32x4_shuffle(lo, hi, 1, 3, 5, 7) : wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6);
}

// One past the last input column the vector path reads for output column ow.
inline int64_t vector_read_end(const WindowGeometry& g, int64_t ow) {
  const int64_t iw0 = ow * g.stride[2] - g.pad_begin[2], kw = g.kernel[2];
  return g.stride[2] == 1 ? iw0 + kw - 1 + 4 : iw0 + ((kw - 1) & ~int64_t{1}) + 8;
}

// The taps of each output row and column inside the input (and, for average pools
// that count pads, inside the padded input), computed once per call: with the
// divisions they take, per row of every plane they had cost more than the pooling.
struct PoolTaps {
  std::vector<IndexRange> rows, cols;
  std::vector<int64_t> padded_rows, padded_cols;
};

void pool_taps(const WindowGeometry& g, bool count_pads, PoolTaps* t) {
  const int64_t out_h = g.out[1], out_w = g.out[2];
  t->rows.resize(static_cast<size_t>(out_h));
  t->padded_rows.assign(static_cast<size_t>(out_h), 0);
  for (int64_t oh = 0; oh < out_h; ++oh) {
    t->rows[oh] = taps_inside(oh, g.stride[1], g.dilation[1], g.pad_begin[1], g.in[1], g.kernel[1]);
    if (count_pads) {
      const IndexRange r =
          taps_inside(oh, g.stride[1], g.dilation[1], 0, g.in[1] + g.pad_begin[1] + g.pad_end[1], g.kernel[1]);
      t->padded_rows[oh] = r.hi - r.lo;
    }
  }
  t->cols.resize(static_cast<size_t>(out_w));
  t->padded_cols.assign(static_cast<size_t>(out_w), 0);
  for (int64_t ow = 0; ow < out_w; ++ow) {
    t->cols[ow] = taps_inside(ow, g.stride[2], 1, g.pad_begin[2], g.in[2], g.kernel[2]);
    if (count_pads) {
      const IndexRange c = taps_inside(ow, g.stride[2], 1, 0, g.in[2] + g.pad_begin[2] + g.pad_end[2], g.kernel[2]);
      t->padded_cols[ow] = c.hi - c.lo;
    }
  }
}

template <PoolKind kind>
void pool_2d(const WindowGeometry& g, const PoolTaps& taps, bool count_pads, const float* x, float* y,
             int64_t planes) {
  const int64_t in_h = g.in[1], in_w = g.in[2], out_h = g.out[1], out_w = g.out[2], kw = g.kernel[2];
  const int64_t sw = g.stride[2], pw = g.pad_begin[2];
  const IndexRange first = outputs_reading_inside(-pw, sw, in_w, out_w);
  const IndexRange last = outputs_reading_inside(kw - 1 - pw, sw, in_w, out_w);
  const int64_t ow_lo = std::max(first.lo, last.lo), ow_hi = std::min(first.hi, last.hi);
  // 2x2 windows at stride 2 without pads (LeNet's pools): every window lies inside.
  const bool unpadded_2x2 = g.kernel[1] == 2 && kw == 2 && g.stride[1] == 2 && sw == 2 && g.dilation[1] == 1 &&
                            g.pad_begin[1] == 0 && g.pad_end[1] == 0 && pw == 0 && g.pad_end[2] == 0 &&
                            2 * out_h <= in_h && 2 * out_w <= in_w;  // ceil_mode can add a window past the end
  for (int64_t plane = 0; plane < planes; ++plane) {
    const float* xp = x + plane * in_h * in_w;
    float* yp = y + plane * out_h * out_w;
    for (int64_t oh = 0; oh < out_h; ++oh) {
      const IndexRange rows = taps.rows[oh];
      const int64_t padded_rows = taps.padded_rows[oh];
      float* yr = yp + oh * out_w;
      auto row_ptr = [&](int64_t r) { return xp + (oh * g.stride[1] + r * g.dilation[1] - g.pad_begin[1]) * in_w; };
      auto scalar = [&](int64_t ow) {
        const IndexRange cols = taps.cols[ow];
        float acc = kind == PoolKind::max ? -INFINITY : 0.f;
        bool any = false;
        for (int64_t r = rows.lo; r < rows.hi; ++r) {
          const float* xr = row_ptr(r);
          for (int64_t t = cols.lo; t < cols.hi; ++t) {
            const float v = xr[ow * sw + t - pw];
            if (kind == PoolKind::max) {
              if (!any || v > acc) acc = v;
            } else {
              acc += v;
            }
            any = true;
          }
        }
        if (kind == PoolKind::average) {
          int64_t count = (rows.hi - rows.lo) * (cols.hi - cols.lo);
          if (count_pads) count = padded_rows * taps.padded_cols[ow];
          acc = count > 0 ? acc / static_cast<float>(count) : 0.f;
        }
        yr[ow] = acc;
      };
      const bool rows_inside = rows.lo < rows.hi;
      const float count = static_cast<float>((count_pads ? padded_rows : rows.hi - rows.lo) * kw);
      int64_t ow = 0;
      if (unpadded_2x2) {  // the same four taps in the same order, without the general loop's bookkeeping
        const float* r0 = row_ptr(0);
        const float* r1 = r0 + in_w;
        for (; ow + 4 <= out_w; ow += 4) {
          const v128_t a = wasm_v128_load(r0 + 2 * ow), b = wasm_v128_load(r0 + 2 * ow + 4);
          const v128_t c = wasm_v128_load(r1 + 2 * ow), d = wasm_v128_load(r1 + 2 * ow + 4);
          const v128_t taps4[4] = {wasm_i32x4_shuffle(a, b, 0, 2, 4, 6), wasm_i32x4_shuffle(a, b, 1, 3, 5, 7),
                                   wasm_i32x4_shuffle(c, d, 0, 2, 4, 6), wasm_i32x4_shuffle(c, d, 1, 3, 5, 7)};
          v128_t acc = kind == PoolKind::max ? taps4[0] : wasm_f32x4_add(wasm_f32x4_splat(0.f), taps4[0]);
          for (int t = 1; t < 4; ++t) acc = kind == PoolKind::max ? wasm_f32x4_pmax(acc, taps4[t]) : wasm_f32x4_add(acc, taps4[t]);
          if (kind == PoolKind::average) acc = wasm_f32x4_div(acc, wasm_f32x4_splat(count));
          wasm_v128_store(yr + ow, acc);
        }
      }
      while (ow < out_w) {
        if (!rows_inside || ow < ow_lo || ow + 4 > ow_hi || vector_read_end(g, ow) > in_w) {
          scalar(ow++);
          continue;
        }
        const int64_t iw0 = ow * sw - pw;
        v128_t acc = wasm_f32x4_splat(0.f);
        for (int64_t r = rows.lo; r < rows.hi; ++r) {
          const float* xr = row_ptr(r);
          for (int64_t t = 0; t < kw; ++t) {
            const v128_t v = tap_columns(xr, iw0, t, sw);
            if (kind == PoolKind::max)
              acc = r == rows.lo && t == 0 ? v : wasm_f32x4_pmax(acc, v);  // acc < v ? v : acc
            else
              acc = wasm_f32x4_add(acc, v);
          }
        }
        if (kind == PoolKind::average) acc = wasm_f32x4_div(acc, wasm_f32x4_splat(count));
        wasm_v128_store(yr + ow, acc);
        ow += 4;
      }
    }
  }
}

// The fast path's geometry, or false when the reference kernel must run.
bool fast_geometry(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out,
                   WindowGeometry* g) {
  if (in.empty() || !in[0] || in[0]->dtype != DType::f32 || in[0]->dims.size() != 4) return false;
  if (out.size() > 1 && out[1]) return false;  // MaxPool Indices
  const Attr* kernel = node.attr("kernel_shape");
  if (!kernel || kernel->ints.size() != 2) return false;
  const std::vector<int64_t> spatial(in[0]->dims.begin() + 2, in[0]->dims.end());
  *g = window_geometry(node, WindowKind::pool, spatial, kernel->ints);
  return g->dilation[2] == 1 && (g->stride[2] == 1 || g->stride[2] == 2);
}

// Output elements per thread chunk below which splitting costs more than it saves.
constexpr int64_t kPoolParallelOutputs = 4096;

template <PoolKind kind>
void pool_simd(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out,
               KernelFn reference) {
  WindowGeometry g;
  if (!fast_geometry(node, in, out, &g)) return reference(node, in, out);
  const bool count_pads = kind == PoolKind::average && node.attr_i("count_include_pad", 0) != 0;
  const float* x = in[0]->as<const float>();
  float* y = out[0]->as<float>();
  const int64_t in_plane = g.in_size(), out_plane = g.out_size();
  PoolTaps taps;
  pool_taps(g, count_pads, &taps);
  const auto planes = [&](int64_t first, int64_t last) {
    pool_2d<kind>(g, taps, count_pads, x + first * in_plane, y + first * out_plane, last - first);
  };
  // Planes are independent: threads take whole planes (same results as one thread).
  const int64_t count = in[0]->dims[0] * in[0]->dims[1];
  if constexpr (kThreadsBuilt)
    parallel_for(count, std::max<int64_t>(1, kPoolParallelOutputs / std::max<int64_t>(out_plane, 1)), planes);
  else
    planes(0, count);
}

}  // namespace

void max_pool_simd(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  pool_simd<PoolKind::max>(node, in, out, ref_max_pool);
}

void average_pool_simd(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  pool_simd<PoolKind::average>(node, in, out, ref_average_pool);
}

}  // namespace qc
#endif
