// The SIMD128 op kernels listed in op_kernels.inc.
#pragma once
#include "graph/op_table.h"
#include "kernels/simd/simd_available.h"

namespace qc {

// The SIMD128 kernel of `op`, or null (no row, or built without SIMD128).
KernelFn simd_op_kernel(OpId op);

#if QC_SIMD128
#define SIMD_OP(op, fn) \
  void fn(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out);
#include "kernels/simd/op_kernels.inc"
#undef SIMD_OP
#endif

}  // namespace qc
