#include "dense_gemm_case.h"

#include "bench_weights.h"
#include "graph/op_table.h"

namespace qc::bench {

DenseGemmCase::DenseGemmCase(const std::vector<float>& x, const std::vector<float>& w, int64_t m, int64_t n, int64_t k)
    : x_(x), w_(w), bias_(normal_floats(static_cast<size_t>(n), 7, 0.1f)), y_(static_cast<size_t>(m * n)) {
  node_.op = OpId::Gemm;
  node_.name = "bench_gemm";
  node_.set_i("transB", 1);
  a_ = TensorRef{DType::f32, {m, k}, x_.data()};
  b_ = TensorRef{DType::f32, {n, k}, w_.data()};
  c_ = TensorRef{DType::f32, {n}, bias_.data()};
  out_ = TensorRef{DType::f32, {m, n}, y_.data()};
  inputs_ = {&a_, &b_, &c_};
  outputs_ = {&out_};
}

void DenseGemmCase::run() { op_info(OpId::Gemm).ref_kernel(node_, inputs_, outputs_); }

}  // namespace qc::bench
