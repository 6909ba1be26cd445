// An n-d array parsed from a dataset file (IDX or NPY): its dims, element type
// and a view of its element bytes inside the file's (inflated) bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qc {

enum class ElemKind : uint8_t { u8, i8, u16, i16, u32, i32, u64, i64, f16, f32, f64, boolean };

struct NumericArray {
  std::vector<int64_t> dims;
  ElemKind kind = ElemKind::u8;
  bool big_endian = false;
  size_t elem_bytes = 1;
  size_t data_offset = 0;  // where the elements start in the file bytes
  const uint8_t* data = nullptr;
};

size_t elem_kind_size(ElemKind k);
bool elem_kind_is_integer(ElemKind k);

// Element i converted to double (exact for integers up to 2^53).
double element_as_double(const NumericArray& a, size_t i);

// Validates that dims are non-negative and that their product times the element
// size fits and equals the bytes after data_offset exactly. Errors name `path`
// and the byte offset (Errc::invalid_argument).
void check_array_extent(const NumericArray& a, size_t file_bytes, const std::string& path);

// Parsers: `bytes` must stay alive while the returned view is used.
NumericArray parse_idx(const std::vector<uint8_t>& bytes, const std::string& path);
NumericArray parse_npy(const std::vector<uint8_t>& bytes, const std::string& path);

bool looks_like_npy(const std::vector<uint8_t>& bytes);

}  // namespace qc
