// Declarations of the SIMD128 quantized GEMM kernels listed in qgemm.inc (compiled
// only when QC_SIMD128).
#pragma once
#include "kernels/quant/qgemm_args.h"
#include "kernels/simd/simd_available.h"

namespace qc {

#if QC_SIMD128
#define QGEMM(name, scheme, act, ref_fn, simd_fn) void simd_fn(const QGemmArgs&);
#include "kernels/simd/qgemm.inc"
#undef QGEMM
#endif

}  // namespace qc
