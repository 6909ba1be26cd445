// 4-bit block schemes: each row of W[N, K] is cut into ceil(K/32) blocks of 32
// weights; the last block of a row is zero-padded.
//   q4_block     (id 3): { f16 d; u8 qs[16]; }          w = d * (q - 8)
//   q4_block_min (id 4): { f16 d; f16 m; u8 qs[16]; }   w = d * q + m
// Element j (0..15) of a block is the low nibble of qs[j], element j + 16 the high
// nibble. Padding: q = 8 (0.0) in q4_block, q = 0 in q4_block_min.
#pragma once
#include <cstdint>
#include <cstring>

#include "schemes/f16.h"

namespace qc {

inline constexpr int64_t kQ4BlockLen = 32;

struct BlockQ4 {
  uint16_t d;  // f16
  uint8_t qs[kQ4BlockLen / 2];
};
static_assert(sizeof(BlockQ4) == 18, "q4_block: 18-byte blocks");

struct BlockQ4Min {
  uint16_t d;  // f16
  uint16_t m;  // f16
  uint8_t qs[kQ4BlockLen / 2];
};
static_assert(sizeof(BlockQ4Min) == 20, "q4_block_min: 20-byte blocks");

inline constexpr int64_t q4_blocks_per_row(int64_t k) { return (k + kQ4BlockLen - 1) / kQ4BlockLen; }

// The 32 nibbles of a block as q values 0..15, in element order.
inline void q4_unpack(const uint8_t* qs, uint8_t q[kQ4BlockLen]) {
  for (int j = 0; j < kQ4BlockLen / 2; ++j) {
    q[j] = qs[j] & 0x0f;
    q[j + kQ4BlockLen / 2] = qs[j] >> 4;
  }
}

// Blocks are read from unaligned bytes (18-byte strides), so fields go through memcpy.
inline BlockQ4 load_block_q4(const uint8_t* p) {
  BlockQ4 b;
  std::memcpy(&b, p, sizeof b);
  return b;
}
inline BlockQ4Min load_block_q4_min(const uint8_t* p) {
  BlockQ4Min b;
  std::memcpy(&b, p, sizeof b);
  return b;
}

}  // namespace qc
