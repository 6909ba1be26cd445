#include "kernels/quant/im2col.h"

#include <algorithm>
#include <cstring>

namespace qc {

namespace {

// Copies n elements through fixed-size chunks (inlined loads and stores): the kernel
// rows are a few elements long, where a call to memmove would cost more than the copy.
template <class T>
void copy_short(T* dst, const T* src, int64_t n) {
  auto* d = reinterpret_cast<unsigned char*>(dst);
  const auto* s = reinterpret_cast<const unsigned char*>(src);
  size_t bytes = static_cast<size_t>(n) * sizeof(T);
  for (; bytes >= 16; bytes -= 16, d += 16, s += 16) std::memcpy(d, s, 16);
  if (bytes >= 8) std::memcpy(d, s, 8), bytes -= 8, d += 8, s += 8;
  if (bytes >= 4) std::memcpy(d, s, 4), bytes -= 4, d += 4, s += 4;
  if (bytes >= 2) std::memcpy(d, s, 2), bytes -= 2, d += 2, s += 2;
  if (bytes) *d = *s;
}

template <class T>
void unfold(const T* x, int64_t channels, const WindowGeometry& g, int64_t p0, int64_t rows, T* out,
            int64_t row_stride) {
  const int64_t in_h = g.in[1], in_w = g.in[2], kh = g.kernel[1], kw = g.kernel[2], out_w = g.out[2];
  const int64_t k = channels * kh * kw, dw = g.dilation[2];
  for (int64_t i = 0; i < rows; ++i) {
    const int64_t oh = (p0 + i) / out_w, ow = (p0 + i) % out_w;
    const IndexRange taps_h = taps_inside(oh, g.stride[1], g.dilation[1], g.pad_begin[1], in_h, kh);
    const IndexRange taps_w = taps_inside(ow, g.stride[2], dw, g.pad_begin[2], in_w, kw);
    const int64_t w0 = ow * g.stride[2] - g.pad_begin[2];
    T* row = out + i * row_stride;
    for (int64_t c = 0; c < channels; ++c) {
      for (int64_t r = 0; r < kh; ++r) {
        T* dst = row + (c * kh + r) * kw;
        if (r < taps_h.lo || r >= taps_h.hi) {
          std::fill(dst, dst + kw, T{0});
          continue;
        }
        const T* src = x + (c * in_h + oh * g.stride[1] + r * g.dilation[1] - g.pad_begin[1]) * in_w + w0;
        if (taps_w.lo == 0 && taps_w.hi == kw) {  // the whole kernel row inside
          if (dw == 1)
            copy_short(dst, src, kw);
          else
            for (int64_t t = 0; t < kw; ++t) dst[t] = src[t * dw];
          continue;
        }
        for (int64_t t = 0; t < kw; ++t) dst[t] = t >= taps_w.lo && t < taps_w.hi ? src[t * dw] : T{0};
      }
    }
    std::fill(row + k, row + row_stride, T{0});
  }
}

}  // namespace

void im2col_2d(const float* x, int64_t channels, const WindowGeometry& g, int64_t p0, int64_t rows, float* out,
               int64_t row_stride) {
  unfold(x, channels, g, p0, rows, out, row_stride);
}

void im2col_2d(const int8_t* x, int64_t channels, const WindowGeometry& g, int64_t p0, int64_t rows, int8_t* out,
               int64_t row_stride) {
  unfold(x, channels, g, p0, rows, out, row_stride);
}

}  // namespace qc
