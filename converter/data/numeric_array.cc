#include "data/numeric_array.h"

#include <cstring>

#include "common/checked_math.h"
#include "common/error.h"

namespace qc {

namespace {

uint64_t load_uint(const uint8_t* p, size_t n, bool big_endian) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[big_endian ? n - 1 - i : i]) << (8 * i);
  return v;
}

double half_to_double(uint16_t h) {
  const int sign = h >> 15, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  double v;
  if (exp == 0) v = mant * 0x1p-24;
  else if (exp == 31) v = mant ? __builtin_nan("") : __builtin_inf();
  else v = (1.0 + mant * 0x1p-10) * __builtin_ldexp(1.0, exp - 15);
  return sign ? -v : v;
}

}  // namespace

size_t elem_kind_size(ElemKind k) {
  switch (k) {
    case ElemKind::u8: case ElemKind::i8: case ElemKind::boolean: return 1;
    case ElemKind::u16: case ElemKind::i16: case ElemKind::f16: return 2;
    case ElemKind::u32: case ElemKind::i32: case ElemKind::f32: return 4;
    case ElemKind::u64: case ElemKind::i64: case ElemKind::f64: return 8;
  }
  return 0;
}

bool elem_kind_is_integer(ElemKind k) { return k != ElemKind::f16 && k != ElemKind::f32 && k != ElemKind::f64; }

double element_as_double(const NumericArray& a, size_t i) {
  const uint8_t* p = a.data + i * a.elem_bytes;
  const uint64_t u = load_uint(p, a.elem_bytes, a.big_endian);
  switch (a.kind) {
    case ElemKind::u8: case ElemKind::u16: case ElemKind::u32: case ElemKind::u64: return static_cast<double>(u);
    case ElemKind::boolean: return u ? 1.0 : 0.0;
    case ElemKind::i8: return static_cast<int8_t>(u);
    case ElemKind::i16: return static_cast<int16_t>(u);
    case ElemKind::i32: return static_cast<int32_t>(u);
    case ElemKind::i64: return static_cast<double>(static_cast<int64_t>(u));
    case ElemKind::f16: return half_to_double(static_cast<uint16_t>(u));
    case ElemKind::f32: {
      const uint32_t b = static_cast<uint32_t>(u);
      float f;
      std::memcpy(&f, &b, 4);
      return f;
    }
    case ElemKind::f64: {
      double d;
      std::memcpy(&d, &u, 8);
      return d;
    }
  }
  return 0;
}

void check_array_extent(const NumericArray& a, size_t file_bytes, const std::string& path) {
  uint64_t elems = 0, bytes = 0;
  if (!checked_product(a.dims, UINT64_MAX, &elems) || mul_overflows(elems, a.elem_bytes, &bytes))
    fail(Errc::invalid_argument, path + ": the dims in the header at byte offset 0 overflow (too many elements)");
  const uint64_t available = file_bytes - a.data_offset;
  if (bytes > available)
    fail(Errc::invalid_argument, path + ": truncated: the data starting at byte offset " +
                                     std::to_string(a.data_offset) + " needs " + std::to_string(bytes) +
                                     " bytes, the file has " + std::to_string(available));
  if (bytes < available)
    fail(Errc::invalid_argument, path + ": " + std::to_string(available - bytes) +
                                     " unexpected bytes after the data, at byte offset " +
                                     std::to_string(a.data_offset + bytes));
}

}  // namespace qc
