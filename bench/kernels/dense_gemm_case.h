// The dense fp32 Gemm the runtime runs today for an uncompressed weight: the op
// table's Gemm reference kernel (kernels/ref/gemm.cc) with transB=1 and a bias C,
// as the fixtures' fully connected layers use it.
#pragma once
#include <cstdint>
#include <vector>

#include "graph/ir.h"
#include "runtime/tensor.h"

namespace qc::bench {

class DenseGemmCase {
 public:
  // x: [m, k], w: [n, k] (row-major, as ONNX stores B for transB=1).
  DenseGemmCase(const std::vector<float>& x, const std::vector<float>& w, int64_t m, int64_t n, int64_t k);
  DenseGemmCase(const DenseGemmCase&) = delete;
  DenseGemmCase& operator=(const DenseGemmCase&) = delete;

  void run();
  const std::vector<float>& y() const { return y_; }

 private:
  Node node_;
  std::vector<float> x_, w_, bias_, y_;
  TensorRef a_, b_, c_, out_;
  std::vector<const TensorRef*> inputs_;
  std::vector<TensorRef*> outputs_;
};

}  // namespace qc::bench
