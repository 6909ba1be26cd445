// compressed_gemm: quantizes the activations when the kernel wants int8, prepares
// the scheme's per-call data, and runs the kernel row of kernels/simd/qgemm.inc.
#include "kernels/quant/compressed_gemm.h"

#include <algorithm>
#include <vector>

#include "common/code_size.h"
#include "common/error.h"
#include "common/parallel.h"
#include "common/scratch.h"
#include "graph/op_table.h"
#include "kernels/quant/act_quantize.h"
#include "kernels/quant/codebook_lut.h"
#include "kernels/quant/qgemm_args.h"
#include "kernels/simd/qgemm_simd.h"
#include "kernels/simd/simd_available.h"
#if QC_SIMD128
#include "kernels/simd/i8_pair_tile.h"
#endif
#include "schemes/f32_packed.h"
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

// Activation rows per kernel call.
constexpr int64_t kRowBlock = 256;

// Threads split products of at least this many multiply-adds (waking the pool costs
// more than a batch-1 LeNet-300 layer of 235K takes on one thread): by weight rows (in
// groups of whole kernel tiles; a multiple of the f32_packed panel width, so split
// views start on a panel) when there are enough, else by activation rows.
constexpr int64_t kParallelMacs = int64_t{1} << 19;
constexpr int64_t kWeightRowGrain = 16;
constexpr int64_t kActivationRowGrain = 8;
static_assert(kWeightRowGrain % kF32PanelWidth == 0);

QGemmAct kernel_act(const WeightView& w, const ActQuant& aq) {
  return aq.mode == kActF32 || float_weight_scheme(w.scheme) ? QGemmAct::f32 : QGemmAct::i8;
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
  scratch(q, m * k);
  scratch(scale, m);
  scratch(rounded, m * k);
  quantize(x, m, k, k, aq, q.data(), scale.data());
  for (int64_t r = 0; r < m; ++r)
    for (int64_t i = 0; i < k; ++i) rounded[r * k + i] = q[r * k + i] * scale[r];
  return rounded.data();
}

// q4_block_min kernels also read the int8 rows' sums per block of 32.
void attach_block_sums(const WeightView& w, QGemmArgs* a) {
  if (w.scheme != static_cast<uint16_t>(SchemeId::q4_block_min)) return;
  thread_local std::vector<int32_t> block_sums;
  const int64_t blocks = q4_blocks_per_row(w.k);
  scratch(block_sums, a->m * blocks);
  int8_block_sums(a->xq, a->m, a->xq_stride, blocks, block_sums.data());
  a->x_block_sums = block_sums.data();
}

// Quantizes rows [0, a->m) of x for an int8 kernel.
void prepare_int8_rows(const float* x, const WeightView& w, const ActQuant& aq, QGemmArgs* a) {
  thread_local std::vector<int8_t> xq;
  thread_local std::vector<float> x_scale;
  a->xq_stride = int8_row_stride(w.k);
  scratch(xq, a->m * a->xq_stride);  // quantize writes every byte of each row (zeros from K)
  scratch(x_scale, a->m);
  quantize(x, a->m, w.k, a->xq_stride, aq, xq.data(), x_scale.data());
  a->xq = xq.data();
  a->x_scale = x_scale.data();
  attach_block_sums(w, a);
}

// Why no kernel can run this product, or null.
const char* unsupported(const WeightView& w, const ActQuant& aq) {
  const QGemmAct act = kernel_act(w, aq);
  if (!find_kernel(w.scheme, act)) return act == QGemmAct::i8 ? "no int8-activation kernel" : "no float-activation kernel";
  const bool int32_dot = w.scheme == static_cast<uint16_t>(SchemeId::i8_channel) ||
                         w.scheme == static_cast<uint16_t>(SchemeId::codebook);
  if (act == QGemmAct::i8 && int32_dot && w.k > kMaxInt8Reduction) return "reduction too long for int8 activations";
  return nullptr;
}

}  // namespace

std::span<const QGemmKernel> qgemm_kernels() { return kKernels; }

QC_SMALL_CODE void check_compressed_gemm(const WeightView& w, const ActQuant& aq, const std::string& where) {
  const char* why = unsupported(w, aq);
  if (!why) return;
  const Errc code = find_kernel(w.scheme, kernel_act(w, aq)) ? Errc::limit_exceeded : Errc::unknown_scheme;
  fail(code, where + ": " + why + " for weight scheme '" + scheme_name(w.scheme) + "' [" + std::to_string(w.n) + ", " +
                 std::to_string(w.k) + "] (int8 activations allow K <= " + std::to_string(kMaxInt8Reduction) +
                 "; x_quant 0 has no limit)");
}

void check_compressed_gemm(const WeightView& w, const ActQuant& aq, const Node& node) {
  if (unsupported(w, aq)) check_compressed_gemm(w, aq, std::string(op_name(node.op)) + " '" + node.name + "'");
}

void compressed_gemm(const float* x, int64_t M, const WeightView& w, const float* bias, float* y, int64_t ldy,
                     const ActQuant& aq, const Activation& act) {
  compressed_gemm_using(QGemmImpl::best, x, M, w, bias, y, ldy, aq, act);
}

namespace {

// Runs `fn` on rows [0, M) in blocks of kRowBlock; prepare(m0, rows, &b) fills the
// activation fields of block b. Every output depends only on its own activation row
// and weight row, so splitting rows into blocks (bounding the scratch memory) or
// across threads changes no result.
template <class Prepare>
void run_blocks(QGemmFn fn, const QGemmArgs& a, int64_t M, float* y, const Prepare& prepare) {
  const WeightView& w = *a.w;
  const auto activation_rows = [&](int64_t m_begin, int64_t m_end, bool split_weight_rows) {
    for (int64_t m0 = m_begin; m0 < m_end; m0 += kRowBlock) {
      QGemmArgs b = a;
      b.m = std::min(kRowBlock, m_end - m0);
      b.y = y + m0 * a.ldy;
      prepare(m0, &b);
      if (!split_weight_rows) {
        fn(b);
        continue;
      }
#if QC_SIMD128
      if (b.xq && b.m >= simd::kPairTileRows) b.x_pairs = activation_pair_groups(b);
#endif
      parallel_for(w.n, kWeightRowGrain, [&](int64_t n0, int64_t n1) {
        QGemmArgs c = b;
        const WeightView rows = weight_rows(w, n0, n1 - n0);
        c.w = &rows;
        c.y = b.y + n0;
        if (a.bias) c.bias = a.bias + n0;
        if (c.lut && w.codebook_per_channel) {
          c.lut += n0 * c.lut_stride;
          c.lut_scale += n0;
        }
        fn(c);
      });
    }
  };
  if (thread_count() == 1 || M * w.n * w.k < kParallelMacs)
    activation_rows(0, M, false);
  else if (w.n >= 2 * kWeightRowGrain)
    activation_rows(0, M, true);
  else
    parallel_for(M, kActivationRowGrain, [&](int64_t m0, int64_t m1) { activation_rows(m0, m1, false); });
}

QC_SMALL_CODE bool fill_zero_k(int64_t M, const WeightView& w, const float* bias, float* y, int64_t ldy,
                               const Activation& act) {
  if (w.k != 0) return false;
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < w.n; ++n) y[m * ldy + n] = act.apply(bias ? bias[n] : 0.f);
  return true;
}

QGemmArgs base_args(const WeightView& w, QGemmAct act, const float* bias, int64_t ldy, const Activation& fused) {
  QGemmArgs a;
  a.w = &w;
  a.bias = bias;
  a.act = fused;
  a.ldy = ldy;
  thread_local CodebookLutI8 lut;
  if (act == QGemmAct::i8 && w.scheme == static_cast<uint16_t>(SchemeId::codebook)) {
    build_codebook_lut_i8(w, &lut);
    a.lut = lut.lut.data();
    a.lut_stride = lut.stride;
    a.lut_scale = lut.scale.data();
  }
  return a;
}

QGemmFn pick(QGemmImpl impl, const QGemmKernel& kernel) {
  return impl == QGemmImpl::reference || !kernel.simd ? kernel.ref : kernel.simd;
}

}  // namespace

void compressed_gemm_using(QGemmImpl impl, const float* x, int64_t M, const WeightView& w, const float* bias, float* y,
                           int64_t ldy, const ActQuant& aq, const Activation& fused) {
  if (unsupported(w, aq)) check_compressed_gemm(w, aq, "compressed_gemm");
  if (M <= 0 || w.n <= 0 || fill_zero_k(M, w, bias, y, ldy, fused)) return;
  const QGemmAct act = kernel_act(w, aq);
  const QGemmArgs a = base_args(w, act, bias, ldy, fused);
  run_blocks(pick(impl, *find_kernel(w.scheme, act)), a, M, y, [&](int64_t m0, QGemmArgs* b) {
    const float* xb = x + m0 * w.k;
    if (act == QGemmAct::f32)
      b->x = aq.mode == kActF32 ? xb : int8_rounded(xb, b->m, w.k, aq);
    else
      prepare_int8_rows(xb, w, aq, b);
  });
}

int64_t int8_row_stride(int64_t k) { return q4_blocks_per_row(k) * kQ4BlockLen; }

bool runs_on_int8_rows(const WeightView& w, const ActQuant& aq) { return kernel_act(w, aq) == QGemmAct::i8; }

void compressed_gemm_int8_rows(QGemmImpl impl, const int8_t* xq, const float* x_scale, int64_t M, const WeightView& w,
                               const float* bias, float* y, int64_t ldy, const Activation& fused) {
  const ActQuant aq{kActStaticI8, 1.f};
  if (unsupported(w, aq)) check_compressed_gemm(w, aq, "compressed_gemm_int8_rows");
  if (!runs_on_int8_rows(w, aq))
    fail(Errc::unknown_scheme, std::string("compressed_gemm_int8_rows: weight scheme '") + scheme_name(w.scheme) +
                                   "' has no int8-activation kernel");
  if (M <= 0 || w.n <= 0 || fill_zero_k(M, w, bias, y, ldy, fused)) return;
  const QGemmArgs a = base_args(w, QGemmAct::i8, bias, ldy, fused);
  const int64_t stride = int8_row_stride(w.k);
  run_blocks(pick(impl, *find_kernel(w.scheme, QGemmAct::i8)), a, M, y, [&](int64_t m0, QGemmArgs* b) {
    b->xq = xq + m0 * stride;
    b->xq_stride = stride;
    b->x_scale = x_scale + m0;
    attach_block_sums(w, b);
  });
}

}  // namespace qc
