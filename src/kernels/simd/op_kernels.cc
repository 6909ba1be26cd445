#include "kernels/simd/op_kernels.h"

namespace qc {

KernelFn simd_op_kernel(OpId op) {
#if QC_SIMD128
  switch (op) {
#define SIMD_OP(name, fn) \
  case OpId::name: return fn;
#include "kernels/simd/op_kernels.inc"
#undef SIMD_OP
    default: break;
  }
#else
  (void)op;
#endif
  return nullptr;
}

}  // namespace qc
