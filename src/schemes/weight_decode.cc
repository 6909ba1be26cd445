// Dispatch of the row decoders and whole-tensor decoding (see weight_decode.h).
#include "schemes/weight_decode.h"

#include <cstring>

#include "common/checked_math.h"
#include "common/error.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_matrix.h"

namespace qc {

void decode_weight_row(uint16_t scheme, const uint8_t* payload, const uint8_t* side, int64_t k, int64_t row,
                       float* out) {
  switch (static_cast<SchemeId>(scheme)) {
    case SchemeId::dense:
      if (k) std::memcpy(out, payload + static_cast<uint64_t>(row) * k * 4, static_cast<size_t>(k) * 4);
      return;
    case SchemeId::f16: return decode_f16_row(payload, k, row, out);
    case SchemeId::i8_channel: return decode_i8_channel_row(payload, side, k, row, out);
    case SchemeId::q4_block: return decode_q4_block_row(payload, k, row, out);
    case SchemeId::q4_block_min: return decode_q4_block_min_row(payload, k, row, out);
    case SchemeId::codebook: return decode_codebook_row(payload, side, k, row, out);
    case SchemeId::f32_packed: return decode_f32_packed_row(payload, k, row, out);
  }
  fail(Errc::unknown_scheme, "no decoder for weight scheme '" + std::string(scheme_name(scheme)) + "' (id " +
                                 std::to_string(scheme) + ")");
}

std::vector<float> decode_weight(const ConstData& c, DType dtype, const std::vector<int64_t>& dims,
                                 const std::string& name) {
  const std::string where = "weight '" + name + "'";
  if (dtype != DType::f32)
    fail(Errc::dtype_mismatch, where + ": only f32 weights decode to f32, this one is " + dtype_name(dtype));
  uint64_t elements = 0;
  if (!checked_product(dims, uint64_t{1} << 40, &elements))
    fail(Errc::shape_overflow, where + ": invalid or overflowing shape");
  const SchemeLayout want = scheme_layout(c.scheme, c.scheme_version, dtype, dims, elements, {c.side, c.side_size}, where);
  if (want.payload_bytes != c.size || want.side_bytes != c.side_size)
    fail(Errc::bad_tensor_record, where + ": scheme '" + scheme_name(c.scheme) + "' needs " +
                                      std::to_string(want.payload_bytes) + " payload + " +
                                      std::to_string(want.side_bytes) + " side bytes, it has " +
                                      std::to_string(c.size) + " + " + std::to_string(c.side_size));
  std::vector<float> out(elements);
  WeightMatrixShape s{1, static_cast<int64_t>(elements)};  // rank 0 (dense, f16): one row
  if (!dims.empty()) weight_matrix_shape(dims, &s);
  for (int64_t n = 0; n < s.n && s.k > 0; ++n)
    decode_weight_row(c.scheme, c.bytes, c.side, s.k, n, out.data() + n * s.k);
  return out;
}

}  // namespace qc
