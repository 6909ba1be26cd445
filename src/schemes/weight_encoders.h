// Encoders of the compressed weight schemes (converter side, *_writer.cc files).
// `w` holds the weight's elements in order; `dims` its shape, viewed as W[N, K]
// (weight_matrix.h). Each returns ConstData with scheme, scheme_version, payload and
// side data set (owned). Non-finite weights, a rank-0 shape (except f16) or bad
// parameters throw Errc::invalid_argument.
#pragma once
#include <cstdint>
#include <vector>

#include "graph/ir.h"
#include "schemes/kmeans.h"

namespace qc {

// f16 storage, any rank; rounds to nearest even (values beyond f16 become +-inf).
ConstData encode_f16(const float* w, const std::vector<int64_t>& dims);

// f32 in the GEMM panel layout (f32_packed.h), exact: no rounding, any values
// (non-finite included) stay as they are.
ConstData encode_f32_packed(const float* w, const std::vector<int64_t>& dims);

// Symmetric int8 per row: scale = max|w_row| / 127, q = round(w / scale).
ConstData encode_i8_channel(const float* w, const std::vector<int64_t>& dims);

// 4-bit blocks of 32: q4_block (symmetric, scale per block) or, with_min,
// q4_block_min (scale and minimum per block). Every weight is within |d|/2 of its
// decoded value.
ConstData encode_q4_block(const float* w, const std::vector<int64_t>& dims, bool with_min);

// k-means weight sharing with k = 2^bits centroids (bits 2..8), one table for the
// tensor or one per row. `progress` reports k-means progress.
ConstData encode_codebook(const float* w, const std::vector<int64_t>& dims, int bits, bool per_channel,
                          CodebookInit init, int max_iters, uint64_t seed, const ProgressFn& progress = nullptr);

}  // namespace qc
