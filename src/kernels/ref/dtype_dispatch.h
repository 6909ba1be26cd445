// Runs a generic kernel body with the C++ element type of a runtime dtype.
//   dispatch_dtype(Types<float, int64_t>{}, node, t, [&]<class T>(TypeTag<T>) { ... });
// Shape functions reject unsupported dtypes first; the failure here is a backstop.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "kernels/ref/shape_util.h"

namespace qc {

template <class T> struct TypeTag { using type = T; };
template <class... Ts> struct Types {};

// Element of a bool tensor: one byte, any non-zero byte reads as true.
struct Bool8 {
  uint8_t v;
};

template <class T> constexpr DType dtype_of() {
  if constexpr (std::is_same_v<T, float>) return DType::f32;
  else if constexpr (std::is_same_v<T, int64_t>) return DType::i64;
  else if constexpr (std::is_same_v<T, int32_t>) return DType::i32;
  else if constexpr (std::is_same_v<T, uint8_t>) return DType::u8;
  else if constexpr (std::is_same_v<T, int8_t>) return DType::i8;
  else if constexpr (std::is_same_v<T, Bool8>) return DType::boolean;
  else static_assert(sizeof(T) == 0, "no dtype for this type");
}

template <class... Ts, class F> void dispatch_dtype(Types<Ts...>, const Node& node, DType t, F&& f) {
  const bool done = ((t == dtype_of<Ts>() ? (f(TypeTag<Ts>{}), true) : false) || ...);
  if (!done) fail_node(node, Errc::dtype_mismatch, std::string("no kernel for dtype ") + dtype_name(t));
}

// Dispatches on the element size only, for kernels that move elements unchanged.
template <class F> void dispatch_elem_size(const Node& node, DType t, F&& f) {
  switch (dtype_size(t)) {
    case 1: f(TypeTag<uint8_t>{}); return;
    case 2: f(TypeTag<uint16_t>{}); return;
    case 4: f(TypeTag<uint32_t>{}); return;
    case 8: f(TypeTag<uint64_t>{}); return;
    default: fail_node(node, Errc::dtype_mismatch, std::string("no kernel for dtype ") + dtype_name(t));
  }
}

using NumericTypes = Types<float, int64_t, int32_t, uint8_t, int8_t>;
using SignedTypes = Types<float, int64_t, int32_t, int8_t>;
using FloatTypes = Types<float>;

// Integer arithmetic that wraps like the hardware (ONNX leaves overflow
// undefined; wrapping keeps it free of C++ undefined behaviour).
template <class T> T wrap_add(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}
template <class T> T wrap_sub(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) - static_cast<U>(b)));
  } else {
    return a - b;
  }
}
template <class T> T wrap_mul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
  } else {
    return a * b;
  }
}

// Float to integer as ONNX Cast does: truncates toward zero, NaN becomes 0, and
// values past int64 saturate; narrower types then wrap modulo 2^bits (as numpy).
template <class T> T float_to_int(double v) {
  static_assert(std::is_integral_v<T>);
  if (std::isnan(v)) return 0;
  int64_t i;
  if (v >= 9223372036854775807.0) i = std::numeric_limits<int64_t>::max();
  else if (v <= -9223372036854775808.0) i = std::numeric_limits<int64_t>::min();
  else i = static_cast<int64_t>(v);
  return static_cast<T>(i);
}

}  // namespace qc
