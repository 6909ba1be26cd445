#include "tensor_compare.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace qc::conformance {

namespace {

std::string dims_str(const std::vector<int64_t>& d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? "," : "") + std::to_string(d[i]);
  return s + "]";
}

bool float_close(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return true;
  return std::fabs(static_cast<double>(a) - b) <= 1e-4 * std::fmax(1.0, std::fabs(static_cast<double>(b)));
}

int64_t int_at(const uint8_t* p, DType t, int64_t i) {
  switch (t) {
    case DType::i64: { int64_t v; std::memcpy(&v, p + i * 8, 8); return v; }
    case DType::i32: { int32_t v; std::memcpy(&v, p + i * 4, 4); return v; }
    case DType::i8: return static_cast<int8_t>(p[i]);
    default: return p[i];  // u8, bool
  }
}

}  // namespace

std::string compare_tensors(const TensorRef& actual, const HostTensor& expected) {
  if (actual.dtype != expected.dtype)
    return std::string("dtype ") + dtype_name(actual.dtype) + ", expected " + dtype_name(expected.dtype);
  if (actual.dims != expected.dims) return "dims " + dims_str(actual.dims) + ", expected " + dims_str(expected.dims);
  const int64_t n = actual.numel();
  if (n && !actual.data) return "output has no data";
  const auto* a = static_cast<const uint8_t*>(actual.data);
  const uint8_t* b = expected.bytes.data();
  int64_t bad = 0, first = -1;
  std::string first_msg;
  for (int64_t i = 0; i < n; ++i) {
    bool ok;
    std::string msg;
    if (actual.dtype == DType::f32) {
      float x, y;
      std::memcpy(&x, a + i * 4, 4);
      std::memcpy(&y, b + i * 4, 4);
      ok = float_close(x, y);
      if (!ok && first < 0) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "got %.9g, expected %.9g", x, y);
        msg = buf;
      }
    } else {
      const int64_t x = int_at(a, actual.dtype, i), y = int_at(b, actual.dtype, i);
      ok = x == y;
      if (!ok && first < 0) msg = "got " + std::to_string(x) + ", expected " + std::to_string(y);
    }
    if (!ok) {
      ++bad;
      if (first < 0) { first = i; first_msg = msg; }
    }
  }
  if (!bad) return "";
  return std::to_string(bad) + "/" + std::to_string(n) + " elements differ; first at flat index " +
         std::to_string(first) + ": " + first_msg;
}

}  // namespace qc::conformance
