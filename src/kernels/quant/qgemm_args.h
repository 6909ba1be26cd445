// What every quantized GEMM kernel receives, and the kernel table (one row per
// scheme and activation kind, listed in kernels/simd/qgemm.inc).
// A kernel computes, for m < args.m and view rows n < w->n:
//   y[m * ldy + n] = act(sum_k x[m, k] * W[n, k] + (bias ? bias[n] : 0))
// (act: the node's fused activation, applied as each output is stored).
// f32 kernels read float rows `x`; i8 kernels read the int8 rows `xq` (x ~ xq * x_scale[m])
// and the data compressed_gemm prepared for their scheme.
#pragma once
#include <cstdint>
#include <span>

#include "graph/activation.h"
#include "kernels/quant/weight_view.h"

namespace qc {

struct QGemmArgs {
  const WeightView* w = nullptr;
  int64_t m = 0;
  const float* x = nullptr;  // f32 kernels: [m][k]
  // i8 kernels: [m][xq_stride], zero from k to xq_stride; xq_stride is a multiple of
  // 32 (one q4 block), so whole blocks and 16-byte vectors can be read.
  const int8_t* xq = nullptr;
  int64_t xq_stride = 0;
  const float* x_scale = nullptr;          // i8 kernels: [m]
  const int32_t* x_block_sums = nullptr;   // q4_block_min i8: [m][ceil(k / 32)] sums of xq
  // SIMD i8 kernels, when set: xq as pair groups (kernels/simd/i8_pair_tile.h) for K
  // padded to 32 (q4 schemes) or 8, made once before W's rows are split across threads
  // (every part would otherwise make them again).
  const int32_t* x_pairs = nullptr;
  // codebook i8: centroids quantized to int8, table t at lut + t * lut_stride
  // (lut_stride >= 16, unused entries 0), w ~ lut * lut_scale[t]; t = view row when
  // per channel, else 0.
  const int8_t* lut = nullptr;
  int64_t lut_stride = 0;
  const float* lut_scale = nullptr;
  const float* bias = nullptr;  // [w->n] or null
  Activation act;
  float* y = nullptr;
  int64_t ldy = 0;
};

using QGemmFn = void (*)(const QGemmArgs&);

enum class QGemmAct : uint8_t { f32, i8 };

struct QGemmKernel {
  const char* name;
  uint16_t scheme;
  QGemmAct act;
  QGemmFn ref;
  QGemmFn simd;  // null when built without SIMD128
};

// Every row of qgemm.inc.
std::span<const QGemmKernel> qgemm_kernels();

#define QGEMM(name, scheme, act, ref_fn, simd_fn) void ref_fn(const QGemmArgs&);
#include "kernels/simd/qgemm.inc"
#undef QGEMM

}  // namespace qc
