// Float arithmetic applied to the exact int32 dot products of the int8 kernels.
// Reference and SIMD kernels do these same operations in the same order (SIMD lane
// by lane), so their outputs are bit-identical. This relies on a * b + c not being
// contracted into a fused multiply-add (wasm SIMD128 and x86-64-v2 have none).
#pragma once
#include <cstdint>

namespace qc {

// i8_channel and codebook: one int32 dot per output, one weight scale per row.
inline float scaled_dot_out(int32_t acc, float x_scale, float w_scale, float bias) {
  return static_cast<float>(acc) * (x_scale * w_scale) + bias;
}

// q4_block: sum over blocks of d * dot(xq, q - 8).
inline float q4_block_accumulate(float sum, float d, int32_t acc) { return sum + d * static_cast<float>(acc); }

// q4_block_min: sum over blocks of d * dot(xq, q) + m * sum(xq).
inline float q4_block_min_accumulate(float sum, float d, int32_t acc, float m, int32_t x_sum) {
  return sum + (d * static_cast<float>(acc) + m * static_cast<float>(x_sum));
}

inline float block_sum_out(float sum, float x_scale, float bias) { return sum * x_scale + bias; }

}  // namespace qc
