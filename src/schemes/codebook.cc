// Scheme 5, codebook: packed b-bit indices into k = 2^b f32 centroids (layout in
// codebook.h). The sizes depend on the side-data header, so the layout reads it.
#include "schemes/codebook.h"

#include <cstring>

#include "common/checked_math.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_decode.h"
#include "schemes/weight_matrix.h"

namespace qc {

bool codebook_layout(uint16_t /*version*/, DType dtype, std::span<const int64_t> dims, uint64_t /*elements*/,
                     std::span<const uint8_t> side, SchemeLayout* out) {
  WeightMatrixShape s;
  if (dtype != DType::f32 || !weight_matrix_shape(dims, &s) || side.size() < sizeof(CodebookHeader)) return false;
  const CodebookHeader h = load_codebook_header(side.data());
  if (!codebook_header_valid(h)) return false;
  const uint64_t n = static_cast<uint64_t>(s.n), k = static_cast<uint64_t>(s.k);
  const uint64_t tables = h.per_channel ? n : 1;
  uint64_t row_bits, payload, table_bytes, side_bytes;
  if (mul_overflows(k, h.bits, &row_bits) || mul_overflows(n, (row_bits + 7) / 8, &payload) ||
      mul_overflows(tables, (uint64_t{4} << h.bits), &table_bytes) ||
      add_overflows(table_bytes, sizeof(CodebookHeader), &side_bytes))
    return false;
  *out = SchemeLayout{payload, side_bytes};
  return true;
}

void decode_codebook_row(const uint8_t* payload, const uint8_t* side, int64_t k, int64_t row, float* out) {
  const CodebookHeader h = load_codebook_header(side);
  const uint64_t row_bytes = codebook_row_bytes(static_cast<uint64_t>(k), h.bits);
  const uint8_t* packed = payload + static_cast<uint64_t>(row) * row_bytes;
  const uint8_t* table = codebook_table(side, h, row);
  for (int64_t i = 0; i < k; ++i)
    std::memcpy(out + i, table + 4 * codebook_index(packed, row_bytes, static_cast<uint64_t>(i), h.bits), 4);
}

}  // namespace qc
