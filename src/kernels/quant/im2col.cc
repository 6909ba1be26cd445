#include "kernels/quant/im2col.h"

#include <algorithm>
#include <cstring>

namespace qc {

void im2col_2d(const float* x, int64_t channels, const WindowGeometry& g, int64_t p0, int64_t rows, float* out) {
  const int64_t in_h = g.in[1], in_w = g.in[2], kh = g.kernel[1], kw = g.kernel[2], out_w = g.out[2];
  const int64_t k = channels * kh * kw;
  const bool contiguous = g.dilation[2] == 1;
  for (int64_t i = 0; i < rows; ++i) {
    const int64_t oh = (p0 + i) / out_w, ow = (p0 + i) % out_w;
    const IndexRange taps_h = taps_inside(oh, g.stride[1], g.dilation[1], g.pad_begin[1], in_h, kh);
    const IndexRange taps_w = taps_inside(ow, g.stride[2], g.dilation[2], g.pad_begin[2], in_w, kw);
    const int64_t w0 = ow * g.stride[2] - g.pad_begin[2];
    float* row = out + i * k;
    for (int64_t c = 0; c < channels; ++c) {
      for (int64_t r = 0; r < kh; ++r) {
        float* dst = row + (c * kh + r) * kw;
        if (r < taps_h.lo || r >= taps_h.hi) {
          std::fill(dst, dst + kw, 0.f);
          continue;
        }
        const int64_t base = (c * in_h + oh * g.stride[1] + r * g.dilation[1] - g.pad_begin[1]) * in_w + w0;
        if (contiguous && taps_w.lo == 0 && taps_w.hi == kw) {  // the whole kernel row inside: one copy
          std::memcpy(dst, x + base, static_cast<size_t>(kw) * sizeof(float));
          continue;
        }
        for (int64_t t = 0; t < kw; ++t)
          dst[t] = t >= taps_w.lo && t < taps_w.hi ? x[base + t * g.dilation[2]] : 0.f;
      }
    }
  }
}

}  // namespace qc
