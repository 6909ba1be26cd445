// One quantized GEMM of the benchmark: a kernel row of qgemm.inc, its weight and M
// activation rows, with the per-call data prepared as compressed_gemm prepares it
// (int8 activations by kernels/quant/act_quantize, q4_block_min block sums, the
// codebook's int8 table), so that timing a kernel function times the kernel only.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/quant/codebook_lut.h"
#include "kernels/quant/qgemm_args.h"

namespace qc::bench {

class QGemmCase {
 public:
  // `x` holds m rows of w.k floats; `w` must outlive the case.
  QGemmCase(const QGemmKernel& kernel, const WeightView& w, const std::vector<float>& x, int64_t m);
  QGemmCase(const QGemmCase&) = delete;
  QGemmCase& operator=(const QGemmCase&) = delete;

  void run(QGemmFn fn) { fn(args_); }
  const std::vector<float>& y() const { return y_; }

 private:
  WeightView w_;
  std::vector<float> x_, bias_, y_;
  std::vector<int8_t> xq_;
  std::vector<float> x_scale_;
  std::vector<int32_t> block_sums_;
  CodebookLutI8 lut_;
  QGemmArgs args_;
};

}  // namespace qc::bench
