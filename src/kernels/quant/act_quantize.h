// Symmetric int8 quantization (zero point 0) of activation rows for the int8 GEMM
// kernels: row m of x[m][k] becomes q[m * stride + k] with x ~ q * scale[m], values
// in [-127, 127], round to nearest even, and zeros from k to stride.
#pragma once
#include <cstdint>

namespace qc {

// Per-row scale max|x_row| / 127 (0 for an all-zero or non-finite row, whose q are 0).
void quantize_rows_dynamic(const float* x, int64_t m, int64_t k, int64_t stride, int8_t* q, float* scale);

// One scale for every row (from calibration); values beyond +-127 * scale clamp.
void quantize_rows_static(const float* x, int64_t m, int64_t k, int64_t stride, float static_scale, int8_t* q,
                          float* scale);

// sums[m * blocks + b] = sum of q[m * stride + 32 b .. 32 b + 31]; stride >= 32 * blocks.
void int8_block_sums(const int8_t* q, int64_t m, int64_t stride, int64_t blocks, int32_t* sums);

}  // namespace qc
