#include "qgemm_case.h"

#include "bench_weights.h"
#include "kernels/quant/act_quantize.h"
#include "schemes/q4_block.h"
#include "schemes/scheme_table.h"

namespace qc::bench {

QGemmCase::QGemmCase(const QGemmKernel& kernel, const WeightView& w, const std::vector<float>& x, int64_t m)
    : w_(w), x_(x), bias_(normal_floats(static_cast<size_t>(w.n), 7, 0.1f)), y_(static_cast<size_t>(m * w.n)) {
  args_.w = &w_;
  args_.m = m;
  args_.bias = bias_.data();
  args_.y = y_.data();
  args_.ldy = w.n;
  if (kernel.act == QGemmAct::f32) {
    args_.x = x_.data();
    return;
  }
  const int64_t blocks = q4_blocks_per_row(w.k);
  args_.xq_stride = blocks * kQ4BlockLen;
  xq_.resize(static_cast<size_t>(m * args_.xq_stride));
  x_scale_.resize(static_cast<size_t>(m));
  quantize_rows_dynamic(x_.data(), m, w.k, args_.xq_stride, xq_.data(), x_scale_.data());
  args_.xq = xq_.data();
  args_.x_scale = x_scale_.data();
  if (w.scheme == static_cast<uint16_t>(SchemeId::q4_block_min)) {
    block_sums_.resize(static_cast<size_t>(m * blocks));
    int8_block_sums(xq_.data(), m, args_.xq_stride, blocks, block_sums_.data());
    args_.x_block_sums = block_sums_.data();
  }
  if (w.scheme == static_cast<uint16_t>(SchemeId::codebook)) {
    build_codebook_lut_i8(w_, &lut_);
    args_.lut = lut_.lut.data();
    args_.lut_stride = lut_.stride;
    args_.lut_scale = lut_.scale.data();
  }
}

}  // namespace qc::bench
