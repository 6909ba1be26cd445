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

// The int8 activation rows of a call (2 or more) as the pair groups of
// i8_pair_tile.h, K padded as the kernel of a.w's scheme reads it (whole q4 blocks,
// else 8): a.x_pairs when the caller made them, else made here (this thread's scratch).
const int32_t* activation_pair_groups(const QGemmArgs& a);
#endif

}  // namespace qc
