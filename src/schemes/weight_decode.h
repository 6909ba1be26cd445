// Decoding compressed weights back to f32, row by row of W[N, K] (see weight_matrix.h).
// For tests and the converter's accuracy evaluation: the runtime's kernels work on
// the compressed form and never call these on the hot path.
// The row decoders trust their inputs: payload/side must have the sizes the scheme's
// layout_fn requires (validate with scheme_layout first, as decode_weight does).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "graph/ir.h"

namespace qc {

void decode_f16_row(const uint8_t* payload, int64_t k, int64_t row, float* out);
void decode_i8_channel_row(const uint8_t* payload, const uint8_t* side, int64_t k, int64_t row, float* out);
void decode_q4_block_row(const uint8_t* payload, int64_t k, int64_t row, float* out);
void decode_q4_block_min_row(const uint8_t* payload, int64_t k, int64_t row, float* out);
void decode_f32_packed_row(const uint8_t* payload, int64_t k, int64_t row, float* out);
void decode_codebook_row(const uint8_t* payload, const uint8_t* side, int64_t k, int64_t row, float* out);

// Row `row` (K floats) of a weight in `scheme` (0 = dense f32 too). Throws
// Errc::unknown_scheme for a scheme without a row decoder.
void decode_weight_row(uint16_t scheme, const uint8_t* payload, const uint8_t* side, int64_t k, int64_t row,
                       float* out);

// Every element of a constant as f32, in the value's element order. Validates the
// sizes against the scheme's layout first (Errc::bad_tensor_record / unknown_scheme,
// naming `name`). Dense constants must be f32.
std::vector<float> decode_weight(const ConstData& c, DType dtype, const std::vector<int64_t>& dims,
                                 const std::string& name);

}  // namespace qc
