// Reference kernels for float activations: each weight row is decoded to floats by
// its scheme's row decoder (schemes/weight_decode.h), then plain dot products.
#include <vector>

#include "kernels/quant/qgemm_args.h"
#include "schemes/weight_decode.h"

namespace qc {

namespace {

using RowDecoder = void (*)(const WeightView& w, int64_t r, float* out);

void f32_ref(const QGemmArgs& a, RowDecoder decode) {
  const WeightView& w = *a.w;
  std::vector<float> row(static_cast<size_t>(w.k));
  for (int64_t n = 0; n < w.n; ++n) {
    decode(w, n, row.data());
    for (int64_t m = 0; m < a.m; ++m) {
      const float* x = a.x + m * w.k;
      float sum = 0;
      for (int64_t k = 0; k < w.k; ++k) sum += x[k] * row[k];
      a.y[m * a.ldy + n] = a.act.apply(sum + (a.bias ? a.bias[n] : 0.f));
    }
  }
}

}  // namespace

void qgemm_f32_packed_f32_ref(const QGemmArgs& a) {
  f32_ref(a, [](const WeightView& w, int64_t r, float* out) { decode_f32_packed_row(w.payload, w.k, w.row0 + r, out); });
}

void qgemm_f16_f32_ref(const QGemmArgs& a) {
  f32_ref(a, [](const WeightView& w, int64_t r, float* out) { decode_f16_row(w.payload, w.k, w.row0 + r, out); });
}

void qgemm_i8_channel_f32_ref(const QGemmArgs& a) {
  f32_ref(a, [](const WeightView& w, int64_t r, float* out) {
    decode_i8_channel_row(w.payload, w.side, w.k, w.row0 + r, out);
  });
}

void qgemm_q4_block_f32_ref(const QGemmArgs& a) {
  f32_ref(a, [](const WeightView& w, int64_t r, float* out) { decode_q4_block_row(w.payload, w.k, w.row0 + r, out); });
}

void qgemm_q4_block_min_f32_ref(const QGemmArgs& a) {
  f32_ref(a, [](const WeightView& w, int64_t r, float* out) {
    decode_q4_block_min_row(w.payload, w.k, w.row0 + r, out);
  });
}

void qgemm_codebook_f32_ref(const QGemmArgs& a) {
  f32_ref(a, [](const WeightView& w, int64_t r, float* out) {
    decode_codebook_row(w.payload, w.side, w.k, w.row0 + r, out);
  });
}

}  // namespace qc
