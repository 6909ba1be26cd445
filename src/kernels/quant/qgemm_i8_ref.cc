// Reference kernels for int8 activations: exact int32 dot products of the int8
// activation rows with the integer weights, then the float epilogue of
// qgemm_epilogue.h. The SIMD kernels must match these bit for bit.
#include <cstring>

#include "kernels/quant/qgemm_args.h"
#include "kernels/quant/qgemm_epilogue.h"
#include "schemes/codebook.h"
#include "schemes/q4_block.h"

namespace qc {

namespace {

float load_f32(const uint8_t* p) {
  float f;
  std::memcpy(&f, p, 4);
  return f;
}

float bias_at(const QGemmArgs& a, int64_t n) { return a.bias ? a.bias[n] : 0.f; }

}  // namespace

void qgemm_i8_channel_i8_ref(const QGemmArgs& a) {
  const WeightView& w = *a.w;
  for (int64_t n = 0; n < w.n; ++n) {
    const int8_t* q = reinterpret_cast<const int8_t*>(w.row(n));
    const float w_scale = load_f32(w.side + 4 * (w.row0 + n));
    for (int64_t m = 0; m < a.m; ++m) {
      const int8_t* x = a.xq + m * a.xq_stride;
      int32_t acc = 0;
      for (int64_t k = 0; k < w.k; ++k) acc += int32_t{x[k]} * q[k];
      a.y[m * a.ldy + n] = a.act.apply(scaled_dot_out(acc, a.x_scale[m], w_scale, bias_at(a, n)));
    }
  }
}

void qgemm_q4_block_i8_ref(const QGemmArgs& a) {
  const WeightView& w = *a.w;
  const int64_t blocks = q4_blocks_per_row(w.k);
  for (int64_t n = 0; n < w.n; ++n) {
    for (int64_t m = 0; m < a.m; ++m) {
      const int8_t* x = a.xq + m * a.xq_stride;
      float sum = 0;
      for (int64_t b = 0; b < blocks; ++b) {
        const BlockQ4 blk = load_block_q4(w.row(n) + b * sizeof(BlockQ4));
        const int8_t* xb = x + b * kQ4BlockLen;
        int32_t acc = 0;
        for (int j = 0; j < kQ4BlockLen / 2; ++j)
          acc += xb[j] * ((blk.qs[j] & 0x0f) - 8) + xb[j + kQ4BlockLen / 2] * ((blk.qs[j] >> 4) - 8);
        sum = q4_block_accumulate(sum, f16_to_f32(blk.d), acc);
      }
      a.y[m * a.ldy + n] = a.act.apply(block_sum_out(sum, a.x_scale[m], bias_at(a, n)));
    }
  }
}

void qgemm_q4_block_min_i8_ref(const QGemmArgs& a) {
  const WeightView& w = *a.w;
  const int64_t blocks = q4_blocks_per_row(w.k);
  for (int64_t n = 0; n < w.n; ++n) {
    for (int64_t m = 0; m < a.m; ++m) {
      const int8_t* x = a.xq + m * a.xq_stride;
      float sum = 0;
      for (int64_t b = 0; b < blocks; ++b) {
        const BlockQ4Min blk = load_block_q4_min(w.row(n) + b * sizeof(BlockQ4Min));
        const int8_t* xb = x + b * kQ4BlockLen;
        int32_t acc = 0;
        for (int j = 0; j < kQ4BlockLen / 2; ++j)
          acc += xb[j] * (blk.qs[j] & 0x0f) + xb[j + kQ4BlockLen / 2] * (blk.qs[j] >> 4);
        sum = q4_block_min_accumulate(sum, f16_to_f32(blk.d), acc, f16_to_f32(blk.m), a.x_block_sums[m * blocks + b]);
      }
      a.y[m * a.ldy + n] = a.act.apply(block_sum_out(sum, a.x_scale[m], bias_at(a, n)));
    }
  }
}

void qgemm_codebook_i8_ref(const QGemmArgs& a) {
  const WeightView& w = *a.w;
  for (int64_t n = 0; n < w.n; ++n) {
    const int64_t table = w.codebook_per_channel ? n : 0;
    const int8_t* lut = a.lut + table * a.lut_stride;
    for (int64_t m = 0; m < a.m; ++m) {
      const int8_t* x = a.xq + m * a.xq_stride;
      int32_t acc = 0;
      for (int64_t k = 0; k < w.k; ++k)
        acc += int32_t{x[k]} * lut[codebook_index(w.row(n), w.row_bytes, static_cast<uint64_t>(k), w.codebook_bits)];
      a.y[m * a.ldy + n] = a.act.apply(scaled_dot_out(acc, a.x_scale[m], a.lut_scale[table], bias_at(a, n)));
    }
  }
}

}  // namespace qc
