// compressed_gemm: quantizes the activations when the kernel wants int8, prepares
// the scheme's per-call data, and runs the kernel row of kernels/simd/qgemm.inc.
#include "kernels/quant/compressed_gemm.h"

#include <algorithm>
#include <iterator>
#include <vector>

#include "common/error.h"
#include "kernels/quant/act_quantize.h"
#include "kernels/quant/codebook_lut.h"
#include "kernels/quant/qgemm_args.h"
#include "kernels/simd/qgemm_simd.h"
#include "schemes/q4_block.h"
#include "schemes/scheme_table.h"

namespace qc {

namespace {

#if QC_SIMD128
#define QC_SIMD_FN(fn) fn
#else
#define QC_SIMD_FN(fn) nullptr
#endif

constexpr QGemmKernel kKernels[] = {
#define QGEMM(name, scheme, act, ref_fn, simd_fn) \
  {#name, static_cast<uint16_t>(SchemeId::scheme), QGemmAct::act, ref_fn, QC_SIMD_FN(simd_fn)},
#include "kernels/simd/qgemm.inc"
#undef QGEMM
};

// |xq| <= 127 and |w| <= 128 (int8 weights, int8 codebook entries): K products
// stay inside int32 up to this length. q4 blocks are scaled in float per 32.
constexpr int64_t kMaxInt8Reduction = (int64_t{1} << 31) / (127 * 128) - 1;

bool f32_only(uint16_t scheme) { return scheme == static_cast<uint16_t>(SchemeId::f16); }

QGemmAct kernel_act(const WeightView& w, const ActQuant& aq) {
  return aq.mode == kActF32 || f32_only(w.scheme) ? QGemmAct::f32 : QGemmAct::i8;
}

const QGemmKernel* find_kernel(uint16_t scheme, QGemmAct act) {
  for (const QGemmKernel& k : kKernels)
    if (k.scheme == scheme && k.act == act) return &k;
  return nullptr;
}

void quantize(const float* x, int64_t m, int64_t k, int64_t stride, const ActQuant& aq, int8_t* q, float* scale) {
  if (aq.mode == kActStaticI8)
    quantize_rows_static(x, m, k, stride, aq.static_scale, q, scale);
  else
    quantize_rows_dynamic(x, m, k, stride, q, scale);
}

// Float-only schemes with int8 activations see the activations rounded through
// int8 (the accuracy the converter calibrated for), then run in float.
const float* int8_rounded(const float* x, int64_t m, int64_t k, const ActQuant& aq) {
  thread_local std::vector<int8_t> q;
  thread_local std::vector<float> scale, rounded;
  q.resize(static_cast<size_t>(m * k));
  scale.resize(static_cast<size_t>(m));
  rounded.resize(static_cast<size_t>(m * k));
  quantize(x, m, k, k, aq, q.data(), scale.data());
  for (int64_t r = 0; r < m; ++r)
    for (int64_t i = 0; i < k; ++i) rounded[r * k + i] = q[r * k + i] * scale[r];
  return rounded.data();
}

}  // namespace

std::span<const QGemmKernel> qgemm_kernels() { return kKernels; }

void check_compressed_gemm(const WeightView& w, const ActQuant& aq, const std::string& where) {
  const QGemmAct act = kernel_act(w, aq);
  if (!find_kernel(w.scheme, act))
    fail(Errc::unknown_scheme, where + ": no " + (act == QGemmAct::i8 ? "int8" : "float") +
                                   "-activation kernel for weight scheme '" + scheme_name(w.scheme) + "'");
  const bool int32_dot = w.scheme == static_cast<uint16_t>(SchemeId::i8_channel) ||
                         w.scheme == static_cast<uint16_t>(SchemeId::codebook);
  if (act == QGemmAct::i8 && int32_dot && w.k > kMaxInt8Reduction)
    fail(Errc::limit_exceeded, where + ": reduction length " + std::to_string(w.k) + " exceeds " +
                                   std::to_string(kMaxInt8Reduction) + " for int8 activations (use x_quant 0)");
}

void compressed_gemm(const float* x, int64_t M, const WeightView& w, const float* bias, float* y, int64_t ldy,
                     const ActQuant& aq) {
  compressed_gemm_using(QGemmImpl::best, x, M, w, bias, y, ldy, aq);
}

void compressed_gemm_using(QGemmImpl impl, const float* x, int64_t M, const WeightView& w, const float* bias, float* y,
                           int64_t ldy, const ActQuant& aq) {
  check_compressed_gemm(w, aq, "compressed weight (scheme '" + std::string(scheme_name(w.scheme)) + "')");
  if (M <= 0 || w.n <= 0) return;
  if (w.k == 0) {
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < w.n; ++n) y[m * ldy + n] = bias ? bias[n] : 0.f;
    return;
  }
  const QGemmAct act = kernel_act(w, aq);
  const QGemmKernel& kernel = *find_kernel(w.scheme, act);
  const QGemmFn fn = impl == QGemmImpl::reference || !kernel.simd ? kernel.ref : kernel.simd;

  QGemmArgs a;
  a.w = &w;
  a.m = M;
  a.bias = bias;
  a.y = y;
  a.ldy = ldy;
  if (act == QGemmAct::f32) {
    a.x = aq.mode == kActF32 ? x : int8_rounded(x, M, w.k, aq);
    fn(a);
    return;
  }

  thread_local std::vector<int8_t> xq;
  thread_local std::vector<float> x_scale;
  thread_local std::vector<int32_t> block_sums;
  thread_local CodebookLutI8 lut;
  const int64_t blocks = q4_blocks_per_row(w.k);
  a.xq_stride = blocks * kQ4BlockLen;
  xq.resize(static_cast<size_t>(M * a.xq_stride));
  x_scale.resize(static_cast<size_t>(M));
  quantize(x, M, w.k, a.xq_stride, aq, xq.data(), x_scale.data());
  a.xq = xq.data();
  a.x_scale = x_scale.data();
  if (w.scheme == static_cast<uint16_t>(SchemeId::q4_block_min)) {
    block_sums.resize(static_cast<size_t>(M * blocks));
    int8_block_sums(xq.data(), M, a.xq_stride, blocks, block_sums.data());
    a.x_block_sums = block_sums.data();
  }
  if (w.scheme == static_cast<uint16_t>(SchemeId::codebook)) {
    build_codebook_lut_i8(w, &lut);
    a.lut = lut.lut.data();
    a.lut_stride = lut.stride;
    a.lut_scale = lut.scale.data();
  }
  fn(a);
}

}  // namespace qc
