// MatMul (ONNX opset 13, numpy matmul): a 1-D A is a row vector and a 1-D B a
// column vector, whose unit dim is dropped from the result; dims before the last
// two are batch dims broadcast numpy-style.
#include <algorithm>

#include "kernels/ref/op_checks.h"

namespace qc {

namespace {

struct MatMulDims {
  int64_t m = 1, k = 0, n = 1;
  std::vector<int64_t> batch;           // broadcast batch dims of Y
  std::vector<int64_t> a_batch, b_batch;  // operand batch dims, left-padded with 1 to batch.size()
  std::vector<int64_t> out;
};

int64_t broadcast_dim(const Node& node, int64_t x, int64_t y, const TensorRef& a, const TensorRef& b) {
  if (x == 1) return y;
  if (y == 1) return x;
  if (!dim_known(x)) return y;
  if (!dim_known(y) || x == y) return x;
  fail_node(node, Errc::shape_mismatch, "batch dims of A " + dims_text(a.dims) + " and B " + dims_text(b.dims) + " do not broadcast");
}

MatMulDims matmul_dims(const Node& node, const std::vector<const TensorRef*>& in) {
  const TensorRef& a = required_f32_input(node, in, 0, "A");
  const TensorRef& b = required_f32_input(node, in, 1, "B");
  if (a.dims.empty() || b.dims.empty())
    fail_node(node, Errc::shape_mismatch, "operands must have rank >= 1, got A " + dims_text(a.dims) + " and B " + dims_text(b.dims));
  const size_t ra = a.dims.size(), rb = b.dims.size();
  MatMulDims d;
  if (ra >= 2) d.m = a.dims[ra - 2];
  d.k = a.dims[ra - 1];
  const int64_t kb = rb >= 2 ? b.dims[rb - 2] : b.dims[0];
  if (rb >= 2) d.n = b.dims[rb - 1];
  if (dim_known(d.k) && dim_known(kb) && d.k != kb)
    fail_node(node, Errc::shape_mismatch, "inner dims differ: A " + dims_text(a.dims) + " and B " + dims_text(b.dims));
  if (!dim_known(d.k)) d.k = kb;

  const size_t ba = ra >= 2 ? ra - 2 : 0, bb = rb >= 2 ? rb - 2 : 0;
  const size_t nb = std::max(ba, bb);
  d.a_batch.assign(nb - ba, 1);
  d.a_batch.insert(d.a_batch.end(), a.dims.begin(), a.dims.begin() + ba);
  d.b_batch.assign(nb - bb, 1);
  d.b_batch.insert(d.b_batch.end(), b.dims.begin(), b.dims.begin() + bb);
  for (size_t i = 0; i < nb; ++i) d.batch.push_back(broadcast_dim(node, d.a_batch[i], d.b_batch[i], a, b));

  d.out = d.batch;
  if (ra >= 2) d.out.push_back(d.m);
  if (rb >= 2) d.out.push_back(d.n);
  return d;
}

}  // namespace

void shape_matmul(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  MatMulDims d = matmul_dims(node, in);
  out[0].dtype = DType::f32;
  out[0].dims = std::move(d.out);
}

void ref_matmul(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const MatMulDims d = matmul_dims(node, in);
  const int64_t M = d.m, K = d.k, N = d.n;
  const float* a = in[0]->as<const float>();
  const float* b = in[1]->as<const float>();
  float* y = out[0]->as<float>();

  const size_t nb = d.batch.size();
  int64_t batches = 1;
  for (int64_t x : d.batch) batches *= x;
  for (int64_t bi = 0; bi < batches; ++bi) {
    // Offsets of this batch in A and B, skipping broadcast (size-1) dims.
    int64_t rest = bi, a_index = 0, b_index = 0, a_scale = 1, b_scale = 1;
    for (size_t i = nb; i-- > 0;) {
      const int64_t coord = rest % d.batch[i];
      rest /= d.batch[i];
      if (d.a_batch[i] != 1) a_index += coord * a_scale;
      if (d.b_batch[i] != 1) b_index += coord * b_scale;
      a_scale *= d.a_batch[i];
      b_scale *= d.b_batch[i];
    }
    const float* ab = a + a_index * M * K;
    const float* bb = b + b_index * K * N;
    float* yb = y + bi * M * N;
    for (int64_t m = 0; m < M; ++m) {
      float* yr = yb + m * N;
      std::fill(yr, yr + N, 0.f);
      for (int64_t k = 0; k < K; ++k) {
        const float av = ab[m * K + k];
        const float* br = bb + k * N;
        for (int64_t n = 0; n < N; ++n) yr[n] += av * br[n];
      }
    }
  }
}

}  // namespace qc
