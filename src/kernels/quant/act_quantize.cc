#include "kernels/quant/act_quantize.h"

#include <cmath>
#include <cstring>

namespace qc {

namespace {

void quantize_row(const float* x, int64_t k, int64_t stride, float inv_scale, int8_t* q) {
  for (int64_t i = 0; i < k; ++i) {
    const float r = std::fmin(std::fmax(std::nearbyint(x[i] * inv_scale), -127.f), 127.f);  // NaN -> -127
    q[i] = static_cast<int8_t>(r);
  }
  if (stride > k) std::memset(q + k, 0, static_cast<size_t>(stride - k));
}

}  // namespace

void quantize_rows_dynamic(const float* x, int64_t m, int64_t k, int64_t stride, int8_t* q, float* scale) {
  for (int64_t r = 0; r < m; ++r) {
    const float* row = x + r * k;
    float amax = 0;
    for (int64_t i = 0; i < k; ++i) amax = std::fmax(amax, std::fabs(row[i]));
    const bool usable = amax > 0 && std::isfinite(amax);
    scale[r] = usable ? amax / 127.f : 0.f;
    quantize_row(row, k, stride, usable ? 127.f / amax : 0.f, q + r * stride);
  }
}

void quantize_rows_static(const float* x, int64_t m, int64_t k, int64_t stride, float static_scale, int8_t* q,
                          float* scale) {
  const float inv = 1.f / static_scale;
  for (int64_t r = 0; r < m; ++r) {
    scale[r] = static_scale;
    quantize_row(x + r * k, k, stride, inv, q + r * stride);
  }
}

void int8_block_sums(const int8_t* q, int64_t m, int64_t stride, int64_t blocks, int32_t* sums) {
  for (int64_t r = 0; r < m; ++r)
    for (int64_t b = 0; b < blocks; ++b) {
      const int8_t* p = q + r * stride + b * 32;
      int32_t s = 0;
      for (int j = 0; j < 32; ++j) s += p[j];
      sums[r * blocks + b] = s;
    }
}

}  // namespace qc
