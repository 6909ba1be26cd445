#include "kernels/simd/conv_f32_packed.h"

#if QC_SIMD128
#include <algorithm>
#include <climits>
#include <vector>

#include "kernels/simd/f32_gemm_tile.h"
#include "schemes/f32_packed.h"

namespace qc {

namespace {

using namespace simd;

constexpr int kPix = kTileCols;  // output pixels per packed panel

// cols[k][j] = unfolded input k (channel, kernel row, kernel column) of output pixel
// p0 + j, 0 outside the image and for j >= count.
void pack_columns(const ConvF32PackedArgs& a, int64_t p0, int count, float* cols) {
  const WindowGeometry& g = *a.g;
  const int64_t in_h = g.in[1], in_w = g.in[2], kh = g.kernel[1], kw = g.kernel[2], out_w = g.out[2];
  const int64_t sh = g.stride[1], sw = g.stride[2], dh = g.dilation[1], dw = g.dilation[2];
  const int64_t ph = g.pad_begin[1], pw = g.pad_begin[2];
  const int64_t oh0 = p0 / out_w, ow0 = p0 % out_w;
  const bool one_row = count == kPix && ow0 + kPix <= out_w;
  int64_t ih_base[kPix], iw_base[kPix];
  for (int j = 0; j < kPix; ++j) {
    const int64_t p = p0 + std::min(j, count - 1);
    ih_base[j] = (p / out_w) * sh - ph;
    iw_base[j] = (p % out_w) * sw - pw;
  }
  float* dst = cols;
  for (int64_t c = 0; c < a.channels; ++c) {
    const float* plane = a.x + c * in_h * in_w;
    for (int64_t r = 0; r < kh; ++r) {
      for (int64_t t = 0; t < kw; ++t, dst += kPix) {
        if (one_row) {
          const int64_t ih = oh0 * sh - ph + r * dh, iw = ow0 * sw - pw + t * dw;
          if (ih < 0 || ih >= in_h) {
            wasm_v128_store(dst, wasm_f32x4_splat(0.f));
            wasm_v128_store(dst + 4, wasm_f32x4_splat(0.f));
            continue;
          }
          if (sw == 1 && iw >= 0 && iw + kPix <= in_w) {
            const float* src = plane + ih * in_w + iw;
            wasm_v128_store(dst, wasm_v128_load(src));
            wasm_v128_store(dst + 4, wasm_v128_load(src + 4));
            continue;
          }
        }
        for (int j = 0; j < kPix; ++j) {
          const int64_t ih = ih_base[j] + r * dh, iw = iw_base[j] + t * dw;
          dst[j] = j < count && ih >= 0 && ih < in_h && iw >= 0 && iw < in_w ? plane[ih * in_w + iw] : 0.f;
        }
      }
    }
  }
}

template <int MR, class B>
void channel_tile(const ConvF32PackedArgs& a, const B& cols, int64_t c0, int64_t p0, int count) {
  const WeightView& w = *a.w;
  const auto* payload = reinterpret_cast<const float*>(w.payload);
  const float* rows[MR];
  for (int i = 0; i < MR; ++i) rows[i] = payload + f32_packed_row_offset(w.k, w.row0 + c0 + i);
  F32Tile<MR, 1> t;
  f32_tile_accumulate<MR, 1, kF32PanelWidth>(rows, cols, w.k, t);
  const int64_t plane = a.g->out_size();
  TileStore s;
  s.y = a.y + c0 * plane + p0;
  s.row_stride = plane;
  s.cols = count;
  s.bias_rows = a.bias ? a.bias + c0 : nullptr;
  s.act = a.act;
  f32_tile_store(t, s);
}

template <class B>
void all_channels(const ConvF32PackedArgs& a, const B& cols, int64_t p0, int count) {
  const int64_t n = a.w->n;
  int64_t c0 = 0;
  for (; c0 + 4 <= n; c0 += 4) channel_tile<4>(a, cols, c0, p0, count);
  switch (n - c0) {
    case 3: channel_tile<3>(a, cols, c0, p0, count); break;
    case 2: channel_tile<2>(a, cols, c0, p0, count); break;
    case 1: channel_tile<1>(a, cols, c0, p0, count); break;
    default: break;
  }
}

// With stride 1 along the row, the unfolded column k of 8 output pixels of one
// output row is 8 contiguous inputs: x + base + offsets[k], when every tap of the
// 8 pixels lies inside the image. Returns the offsets, or false.
bool tap_offsets(const ConvF32PackedArgs& a, std::vector<int32_t>* offsets) {
  const WindowGeometry& g = *a.g;
  if (g.stride[2] != 1 || a.channels * g.in_size() > INT32_MAX) return false;
  offsets->clear();
  for (int64_t c = 0; c < a.channels; ++c)
    for (int64_t r = 0; r < g.kernel[1]; ++r)
      for (int64_t t = 0; t < g.kernel[2]; ++t)
        offsets->push_back(static_cast<int32_t>((c * g.in[1] + r * g.dilation[1]) * g.in[2] + t * g.dilation[2]));
  return true;
}

// Input offset of tap (0, 0, 0) of pixels [p0, p0 + 8) when the offsets apply, else -1.
int64_t in_place_base(const WindowGeometry& g, int64_t p0) {
  const int64_t out_w = g.out[2], oh = p0 / out_w, ow0 = p0 % out_w;
  if (ow0 + kPix > out_w) return -1;
  const int64_t ih = oh * g.stride[1] - g.pad_begin[1], iw = ow0 - g.pad_begin[2];
  if (ih < 0 || ih + (g.kernel[1] - 1) * g.dilation[1] >= g.in[1]) return -1;
  if (iw < 0 || iw + (g.kernel[2] - 1) * g.dilation[2] + kPix > g.in[2]) return -1;
  return ih * g.in[2] + iw;
}

// One output channel per input channel: y[p] = sum over taps of w[tap] * x[tap(p)].
// Rows of outputs whose taps are all inside the image run 4 pixels per vector when
// the stride is 1; everything else one pixel at a time.
void depthwise(const ConvF32PackedArgs& a) {
  const WindowGeometry& g = *a.g;
  const WeightView& w = *a.w;
  const int64_t in_h = g.in[1], in_w = g.in[2], kh = g.kernel[1], kw = g.kernel[2];
  const int64_t out_h = g.out[1], out_w = g.out[2];
  const int64_t sh = g.stride[1], sw = g.stride[2], dh = g.dilation[1], dw = g.dilation[2];
  const int64_t ph = g.pad_begin[1], pw = g.pad_begin[2];
  const auto* payload = reinterpret_cast<const float*>(w.payload);
  thread_local std::vector<float> taps;
  taps.resize(static_cast<size_t>(w.k));
  for (int64_t c = 0; c < w.n; ++c) {
    const float* wr = payload + f32_packed_row_offset(w.k, w.row0 + c);
    for (int64_t k = 0; k < w.k; ++k) taps[k] = wr[k * kF32PanelWidth];
    const float* plane = a.x + c * in_h * in_w;
    float* yp = a.y + c * out_h * out_w;
    const float bias = a.bias ? a.bias[c] : 0.f;
    // Output columns [ow_lo, ow_hi) read only inside the row for every kernel column.
    const IndexRange first = outputs_reading_inside(-pw, sw, in_w, out_w);
    const IndexRange last = outputs_reading_inside((kw - 1) * dw - pw, sw, in_w, out_w);
    const int64_t ow_lo = std::max(first.lo, last.lo), ow_hi = std::min(first.hi, last.hi);
    for (int64_t oh = 0; oh < out_h; ++oh) {
      float* yr = yp + oh * out_w;
      auto scalar = [&](int64_t ow) {
        float sum = 0;
        for (int64_t r = 0; r < kh; ++r) {
          const int64_t ih = oh * sh + r * dh - ph;
          if (ih < 0 || ih >= in_h) continue;
          for (int64_t t = 0; t < kw; ++t) {
            const int64_t iw = ow * sw + t * dw - pw;
            if (iw >= 0 && iw < in_w) sum += taps[r * kw + t] * plane[ih * in_w + iw];
          }
        }
        yr[ow] = a.act.apply(sum + bias);
      };
      int64_t ow = 0;
      if (sw == 1 && ow_lo < ow_hi) {
        for (; ow < ow_lo; ++ow) scalar(ow);
        for (; ow + 4 <= ow_hi; ow += 4) {
          v128_t sum = wasm_f32x4_splat(0.f);
          for (int64_t r = 0; r < kh; ++r) {
            const int64_t ih = oh * sh + r * dh - ph;
            if (ih < 0 || ih >= in_h) continue;
            const float* src = plane + ih * in_w + ow - pw;
            for (int64_t t = 0; t < kw; ++t)
              sum = wasm_f32x4_add(sum, wasm_f32x4_mul(wasm_f32x4_splat(taps[r * kw + t]), wasm_v128_load(src + t * dw)));
          }
          v128_t v = wasm_f32x4_add(sum, wasm_f32x4_splat(bias));
          if (activation_is_vector(a.act)) {
            wasm_v128_store(yr + ow, activate(v, a.act));
          } else {
            wasm_v128_store(yr + ow, v);
            for (int i = 0; i < 4; ++i) yr[ow + i] = a.act.apply(yr[ow + i]);
          }
        }
      }
      for (; ow < out_w; ++ow) scalar(ow);
    }
  }
}

}  // namespace

void conv2d_f32_packed_simd(const ConvF32PackedArgs& a) {
  const WeightView& w = *a.w;
  if (w.n <= 0) return;
  if (a.channels == 1 && w.n == 1) return depthwise(a);
  const int64_t plane = a.g->out_size();
  thread_local std::vector<float> cols;
  thread_local std::vector<int32_t> offsets;
  cols.resize(static_cast<size_t>(std::max<int64_t>(w.k, 1) * kPix));
  const bool in_place = tap_offsets(a, &offsets);
  for (int64_t p0 = 0; p0 < plane; p0 += kPix) {
    const int count = static_cast<int>(std::min<int64_t>(kPix, plane - p0));
    const int64_t base = in_place && count == kPix ? in_place_base(*a.g, p0) : -1;
    if (base >= 0) {
      all_channels(a, OffsetB{a.x + base, offsets.data()}, p0, count);
    } else {
      pack_columns(a, p0, count, cols.data());
      all_channels(a, PanelB{cols.data(), 0}, p0, count);
    }
  }
}

}  // namespace qc
#endif
