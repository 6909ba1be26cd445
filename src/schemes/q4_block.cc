// Schemes 3 (q4_block) and 4 (q4_block_min): 4-bit blocks of 32 along K; the block
// structs and nibble order are in q4_block.h. No side data.
#include "schemes/q4_block.h"

#include <algorithm>

#include "common/checked_math.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_decode.h"
#include "schemes/weight_matrix.h"

namespace qc {

namespace {

bool q4_layout(DType dtype, std::span<const int64_t> dims, uint64_t block_bytes, SchemeLayout* out) {
  WeightMatrixShape s;
  if (dtype != DType::f32 || !weight_matrix_shape(dims, &s)) return false;
  uint64_t blocks, bytes;
  if (mul_overflows(static_cast<uint64_t>(s.n), static_cast<uint64_t>(q4_blocks_per_row(s.k)), &blocks) ||
      mul_overflows(blocks, block_bytes, &bytes))
    return false;
  *out = SchemeLayout{bytes, 0};
  return true;
}

// Writes the first `count` (<= 32) elements of a block.
template <class Decode> void decode_block(const uint8_t* qs, int64_t count, float* out, Decode value_of) {
  uint8_t q[kQ4BlockLen];
  q4_unpack(qs, q);
  for (int64_t j = 0; j < count; ++j) out[j] = value_of(q[j]);
}

}  // namespace

bool q4_block_layout(uint16_t /*version*/, DType dtype, std::span<const int64_t> dims, uint64_t /*elements*/,
                     std::span<const uint8_t> /*side*/, SchemeLayout* out) {
  return q4_layout(dtype, dims, sizeof(BlockQ4), out);
}

bool q4_block_min_layout(uint16_t /*version*/, DType dtype, std::span<const int64_t> dims, uint64_t /*elements*/,
                         std::span<const uint8_t> /*side*/, SchemeLayout* out) {
  return q4_layout(dtype, dims, sizeof(BlockQ4Min), out);
}

void decode_q4_block_row(const uint8_t* payload, int64_t k, int64_t row, float* out) {
  const int64_t blocks = q4_blocks_per_row(k);
  const uint8_t* p = payload + static_cast<uint64_t>(row) * blocks * sizeof(BlockQ4);
  for (int64_t b = 0; b < blocks; ++b, p += sizeof(BlockQ4)) {
    const BlockQ4 blk = load_block_q4(p);
    const float d = f16_to_f32(blk.d);
    const int64_t count = std::min(kQ4BlockLen, k - b * kQ4BlockLen);
    decode_block(blk.qs, count, out + b * kQ4BlockLen, [d](uint8_t q) { return d * static_cast<float>(q - 8); });
  }
}

void decode_q4_block_min_row(const uint8_t* payload, int64_t k, int64_t row, float* out) {
  const int64_t blocks = q4_blocks_per_row(k);
  const uint8_t* p = payload + static_cast<uint64_t>(row) * blocks * sizeof(BlockQ4Min);
  for (int64_t b = 0; b < blocks; ++b, p += sizeof(BlockQ4Min)) {
    const BlockQ4Min blk = load_block_q4_min(p);
    const float d = f16_to_f32(blk.d), m = f16_to_f32(blk.m);
    const int64_t count = std::min(kQ4BlockLen, k - b * kQ4BlockLen);
    decode_block(blk.qs, count, out + b * kQ4BlockLen, [d, m](uint8_t q) { return d * static_cast<float>(q) + m; });
  }
}

}  // namespace qc
