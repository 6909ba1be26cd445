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

// Rows [0, a.w->n) of a codebook view decoded through the int8 centroid table
// (a.lut, a.lut_stride) into out + r * stride; each row writes (K + 15) / 16 * 16
// bytes (stride may be smaller when rows are decoded in order).
void decode_codebook_rows_i8(const QGemmArgs& a, int64_t stride, int8_t* out);
#endif

}  // namespace qc
