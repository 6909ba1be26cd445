// Gemm (ONNX opsets 11-17): Y = alpha * A' * B' + beta * C, where A' and B' are A
// and B optionally transposed (transA, transB) and C, optional, broadcasts to
// [M, N] from a scalar, [N], [1, N], [M, 1] or [M, N]. The fused activation of
// graph/activation.h is applied to Y.
// A compressed B (scheme != 0, only as a constant) is read in its scheme by
// compressed_gemm; it needs transB=1 and alpha=1.
#include <algorithm>
#include <vector>

#include "graph/activation.h"
#include "kernels/quant/compressed_gemm.h"
#include "kernels/ref/op_checks.h"
#include "schemes/scheme_table.h"

namespace qc {

namespace {

struct GemmDims {
  int64_t m = 0, k = 0, n = 0;
  bool trans_a = false, trans_b = false;
  // C viewed as [c_rows, c_cols]; a size of 1 broadcasts.
  int64_t c_rows = 1, c_cols = 1;
};

bool broadcasts_to(int64_t c, int64_t target) { return !dim_known(c) || !dim_known(target) || c == 1 || c == target; }

GemmDims gemm_dims(const Node& node, const std::vector<const TensorRef*>& in) {
  const TensorRef& a = required_f32_input(node, in, 0, "A");
  const TensorRef& b = required_f32_input(node, in, 1, "B");
  if (a.dims.size() != 2 || b.dims.size() != 2)
    fail_node(node, Errc::shape_mismatch, "A and B must be 2-D, got A " + dims_text(a.dims) + " and B " + dims_text(b.dims));
  GemmDims d;
  d.trans_a = node.attr_i("transA", 0) != 0;
  d.trans_b = node.attr_i("transB", 0) != 0;
  d.m = a.dims[d.trans_a ? 1 : 0];
  d.k = a.dims[d.trans_a ? 0 : 1];
  const int64_t kb = b.dims[d.trans_b ? 1 : 0];
  d.n = b.dims[d.trans_b ? 0 : 1];
  if (dim_known(d.k) && dim_known(kb) && d.k != kb)
    fail_node(node, Errc::shape_mismatch,
              "inner dims differ: A " + dims_text(a.dims) + (d.trans_a ? " (transposed)" : "") + " and B " +
                  dims_text(b.dims) + (d.trans_b ? " (transposed)" : ""));
  if (!dim_known(d.k)) d.k = kb;
  if (b.scheme != 0) {
    const float alpha = node.attr_f("alpha", 1.f);
    if (!d.trans_b || alpha != 1.f) {  // the message only on failure: this runs on every run
      const std::string what = std::string("compressed weight B (scheme '") + scheme_name(b.scheme) + "') needs ";
      if (!d.trans_b) fail_node(node, Errc::shape_mismatch, what + "transB=1");
      fail_node(node, Errc::shape_mismatch, what + "alpha=1, got " + std::to_string(alpha));
    }
  }

  if (const TensorRef* c = optional_input(in, 2)) {
    if (c->dtype != DType::f32)
      fail_node(node, Errc::dtype_mismatch, std::string("input C is ") + dtype_name(c->dtype) + ", only float32 is supported");
    if (c->dims.size() > 2) fail_node(node, Errc::shape_mismatch, "C must have rank 0 to 2, got " + dims_text(c->dims));
    if (c->dims.size() == 2) d.c_rows = c->dims[0];
    if (!c->dims.empty()) d.c_cols = c->dims.back();
    if (!broadcasts_to(d.c_rows, d.m) || !broadcasts_to(d.c_cols, d.n))
      fail_node(node, Errc::shape_mismatch,
                "C " + dims_text(c->dims) + " does not broadcast to [" + std::to_string(d.m) + "," + std::to_string(d.n) + "]");
  }
  return d;
}

// Y = act(A * W^T (+ beta * C)) with W read compressed; a C of [N] or [1, N] is
// added by the kernel as its bias (with the activation fused), any other C afterwards.
void gemm_compressed(const Node& node, const GemmDims& d, const std::vector<const TensorRef*>& in, float* y) {
  const WeightView w = weight_view(*in[1], node, "weight B");
  const ActQuant aq = act_quant_from(node, w.scheme);
  check_compressed_gemm(w, aq, node);
  const float* a = in[0]->as<const float>();
  thread_local std::vector<float> a_rows, bias_buf;
  if (d.trans_a) {
    a_rows.resize(static_cast<size_t>(d.m * d.k));
    for (int64_t m = 0; m < d.m; ++m)
      for (int64_t k = 0; k < d.k; ++k) a_rows[m * d.k + k] = a[k * d.m + m];
    a = a_rows.data();
  }
  const TensorRef* c_ref = optional_input(in, 2);
  const float* c = c_ref ? c_ref->as<const float>() : nullptr;
  const float beta = node.attr_f("beta", 1.f);
  const bool c_is_bias = c && d.c_rows == 1 && d.c_cols == d.n;
  const float* bias = c_is_bias ? c : nullptr;
  if (c_is_bias && beta != 1.f) {
    bias_buf.resize(static_cast<size_t>(d.n));
    for (int64_t n = 0; n < d.n; ++n) bias_buf[n] = beta * c[n];
    bias = bias_buf.data();
  }
  const Activation act = Activation::from(node);
  if (!c || c_is_bias) return compressed_gemm(a, d.m, w, bias, y, d.n, aq, act);
  compressed_gemm(a, d.m, w, nullptr, y, d.n, aq);
  for (int64_t m = 0; m < d.m; ++m) {
    const float* cr = c + (d.c_rows == 1 ? 0 : m) * d.c_cols;
    const int64_t c_step = d.c_cols == 1 ? 0 : 1;
    for (int64_t n = 0; n < d.n; ++n) y[m * d.n + n] += beta * cr[n * c_step];
  }
  act.apply(y, d.m * d.n);
}

}  // namespace

void shape_gemm(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const GemmDims d = gemm_dims(node, in);
  out[0].dtype = DType::f32;
  out[0].dims = {d.m, d.n};
}

void ref_gemm(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const GemmDims d = gemm_dims(node, in);
  if (in[1]->scheme != 0) {
    gemm_compressed(node, d, in, out[0]->as<float>());
    return;
  }
  const int64_t M = d.m, K = d.k, N = d.n;
  const float* a = in[0]->as<const float>();
  const float* b = in[1]->as<const float>();
  const TensorRef* c_ref = optional_input(in, 2);
  const float* c = c_ref ? c_ref->as<const float>() : nullptr;
  float* y = out[0]->as<float>();
  const float alpha = node.attr_f("alpha", 1.f);
  const float beta = node.attr_f("beta", 1.f);
  const Activation act = Activation::from(node);

  auto a_at = [&](int64_t m, int64_t k) { return d.trans_a ? a[k * M + m] : a[m * K + k]; };
  for (int64_t m = 0; m < M; ++m) {
    float* yr = y + m * N;
    if (d.trans_b) {
      // Four dot products at a time share each A element (same summation order
      // as one at a time, only faster).
      int64_t n = 0;
      for (; n + 4 <= N; n += 4) {
        const float *b0 = b + n * K, *b1 = b0 + K, *b2 = b1 + K, *b3 = b2 + K;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int64_t k = 0; k < K; ++k) {
          const float av = a_at(m, k);
          s0 += av * b0[k], s1 += av * b1[k], s2 += av * b2[k], s3 += av * b3[k];
        }
        yr[n] = s0, yr[n + 1] = s1, yr[n + 2] = s2, yr[n + 3] = s3;
      }
      for (; n < N; ++n) {
        const float* br = b + n * K;
        float sum = 0;
        for (int64_t k = 0; k < K; ++k) sum += a_at(m, k) * br[k];
        yr[n] = sum;
      }
    } else {
      std::fill(yr, yr + N, 0.f);
      for (int64_t k = 0; k < K; ++k) {
        const float av = a_at(m, k);
        const float* br = b + k * N;
        for (int64_t n = 0; n < N; ++n) yr[n] += av * br[n];
      }
    }
    for (int64_t n = 0; n < N; ++n) yr[n] *= alpha;
    if (c) {
      const float* cr = c + (d.c_rows == 1 ? 0 : m) * d.c_cols;
      const int64_t c_step = d.c_cols == 1 ? 0 : 1;
      for (int64_t n = 0; n < N; ++n) yr[n] += beta * cr[n * c_step];
    }
    act.apply(yr, N);
  }
}

}  // namespace qc
