// Codebook scheme (id 5): k = 2^bits centroids (bits 2..8), per tensor or per
// output channel, and b-bit indices packed LSB-first.
//   side:    CodebookHeader (8 B), then f32 centroids[k] (per tensor) or [N][k]
//   payload: per row n of W[N, K], codebook_row_bytes(K, bits) bytes; index i of the
//            row occupies bits [i*bits, (i+1)*bits) of that row's byte string.
#pragma once
#include <cstdint>
#include <cstring>

namespace qc {

inline constexpr int kCodebookMinBits = 2;
inline constexpr int kCodebookMaxBits = 8;

struct CodebookHeader {
  uint8_t bits;         // 2..8
  uint8_t per_channel;  // 0: one table for the tensor; 1: one table per row
  uint8_t reserved[6];  // 0
};
static_assert(sizeof(CodebookHeader) == 8, "codebook: 8-byte side-data header");

inline bool codebook_header_valid(const CodebookHeader& h) {
  if (h.bits < kCodebookMinBits || h.bits > kCodebookMaxBits || h.per_channel > 1) return false;
  for (uint8_t r : h.reserved)
    if (r != 0) return false;
  return true;
}

// Caller guarantees K * bits does not overflow (the layout check does).
inline constexpr uint64_t codebook_row_bytes(uint64_t k, int bits) { return (k * bits + 7) / 8; }

inline CodebookHeader load_codebook_header(const uint8_t* side) {
  CodebookHeader h;
  std::memcpy(&h, side, sizeof h);
  return h;
}

// Centroid table of row n (the shared table when per tensor). 4-byte aligned when
// the side data is (the bundle aligns it to 64).
inline const uint8_t* codebook_table(const uint8_t* side, const CodebookHeader& h, int64_t n) {
  const uint64_t k = uint64_t{1} << h.bits;
  return side + sizeof(CodebookHeader) + (h.per_channel ? static_cast<uint64_t>(n) * k * 4 : 0);
}

// Index i of a packed row (bits <= 8, so it spans at most two bytes).
inline uint32_t codebook_index(const uint8_t* row, uint64_t row_bytes, uint64_t i, int bits) {
  const uint64_t bit = i * static_cast<uint64_t>(bits);
  const uint64_t byte = bit / 8;
  const unsigned shift = static_cast<unsigned>(bit % 8);
  uint32_t v = row[byte];
  if (shift + bits > 8 && byte + 1 < row_bytes) v |= static_cast<uint32_t>(row[byte + 1]) << 8;
  return (v >> shift) & ((1u << bits) - 1);
}

}  // namespace qc
