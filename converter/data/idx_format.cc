// IDX (the MNIST file format): u8 0, u8 0, u8 type, u8 ndims, then ndims
// big-endian u32 dims, then the big-endian elements in row-major order.
#include "common/error.h"
#include "data/numeric_array.h"

namespace qc {

namespace {

bool idx_kind(uint8_t code, ElemKind* kind) {
  switch (code) {
    case 0x08: *kind = ElemKind::u8; return true;
    case 0x09: *kind = ElemKind::i8; return true;
    case 0x0B: *kind = ElemKind::i16; return true;
    case 0x0C: *kind = ElemKind::i32; return true;
    case 0x0D: *kind = ElemKind::f32; return true;
    case 0x0E: *kind = ElemKind::f64; return true;
    default: return false;
  }
}

}  // namespace

NumericArray parse_idx(const std::vector<uint8_t>& bytes, const std::string& path) {
  if (bytes.size() < 4)
    fail(Errc::invalid_argument, path + ": truncated IDX header: " + std::to_string(bytes.size()) +
                                     " bytes, the magic needs 4 (byte offset 0)");
  if (bytes[0] != 0 || bytes[1] != 0)
    fail(Errc::invalid_argument, path + ": bad magic at byte offset 0: not an IDX or NPY file (gzip is detected too)");
  NumericArray a;
  if (!idx_kind(bytes[2], &a.kind))
    fail(Errc::invalid_argument, path + ": unknown IDX element type 0x" +
                                     std::string(1, "0123456789abcdef"[bytes[2] >> 4]) +
                                     std::string(1, "0123456789abcdef"[bytes[2] & 15]) + " at byte offset 2");
  const size_t ndims = bytes[3];
  if (ndims == 0) fail(Errc::invalid_argument, path + ": IDX header at byte offset 3 declares 0 dimensions");
  a.data_offset = 4 + 4 * ndims;
  if (bytes.size() < a.data_offset)
    fail(Errc::invalid_argument, path + ": truncated IDX header: " + std::to_string(ndims) + " dims need " +
                                     std::to_string(a.data_offset) + " bytes, the file has " +
                                     std::to_string(bytes.size()));
  for (size_t i = 0; i < ndims; ++i) {
    const uint8_t* p = bytes.data() + 4 + 4 * i;
    a.dims.push_back((int64_t{p[0]} << 24) | (int64_t{p[1]} << 16) | (int64_t{p[2]} << 8) | int64_t{p[3]});
  }
  a.big_endian = true;
  a.elem_bytes = elem_kind_size(a.kind);
  a.data = bytes.data() + a.data_offset;
  check_array_extent(a, bytes.size(), path);
  return a;
}

}  // namespace qc
