// Broadcasting binary ops: Add Sub Mul Div Pow, variadic Max Min.
#include <cmath>
#include <cstring>
#include <type_traits>

#include "graph/op_table.h"
#include "kernels/ref/broadcast.h"
#include "kernels/ref/dtype_dispatch.h"

namespace qc {

namespace {

using PowTypes = Types<float, int64_t, int32_t>;

// out = op(a, b) elementwise with broadcasting; `out` may alias `a` when they
// have the same dims.
template <class TA, class TB, class TO, class Op>
void binary_kernel(const TensorRef& a, const TensorRef& b, const TensorRef& out, Op op) {
  const auto plan = plan_broadcast<2>(out.dims, {&a.dims, &b.dims});
  const TA* pa = a.as<const TA>();
  const TB* pb = b.as<const TB>();
  TO* po = out.as<TO>();
  for_each_broadcast_row(plan, [&](const std::array<int64_t, 2>& off, int64_t o, int64_t n,
                                   const std::array<int64_t, 2>& s) {
    const TA* x = pa + off[0];
    const TB* y = pb + off[1];
    TO* z = po + o;
    // Contiguous / scalar-operand loops for float only; integer ops (shape
    // arithmetic, small tensors) take the generic loop to keep the wasm small.
    if constexpr (!std::is_same_v<TO, float>) {
      for (int64_t j = 0; j < n; ++j) z[j] = op(x[j * s[0]], y[j * s[1]]);
    } else if (s[0] == 1 && s[1] == 1) {
      for (int64_t j = 0; j < n; ++j) z[j] = op(x[j], y[j]);
    } else if (s[0] == 1 && s[1] == 0) {
      const TB yv = *y;
      for (int64_t j = 0; j < n; ++j) z[j] = op(x[j], yv);
    } else if (s[0] == 0 && s[1] == 1) {
      const TA xv = *x;
      for (int64_t j = 0; j < n; ++j) z[j] = op(xv, y[j]);
    } else {
      for (int64_t j = 0; j < n; ++j) z[j] = op(x[j * s[0]], y[j * s[1]]);
    }
  });
}

template <class Op> void numeric_binary(const Node& node, const std::vector<const TensorRef*>& in,
                                        const std::vector<TensorRef*>& out, Op op) {
  dispatch_dtype(NumericTypes{}, node, out[0]->dtype, [&]<class T>(TypeTag<T>) {
    binary_kernel<T, T, T>(*in[0], *in[1], *out[0], [&](T a, T b) { return op(a, b); });
  });
}

template <class T> T div_value(const Node& node, T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == 0) fail_node(node, Errc::invalid_argument, "integer division by zero");
    if constexpr (std::is_signed_v<T>)
      if (b == -1) return wrap_sub<T>(0, a);  // INT_MIN / -1 overflows
    return static_cast<T>(a / b);
  } else {
    return a / b;
  }
}

template <class T> T int_pow(T base, int64_t e) {
  if (e < 0) {
    if (base == 1) return 1;
    if (base == -1) return (e & 1) ? T(-1) : T(1);
    return 0;  // |1 / base^|e|| < 1 truncates to 0 (and 0^negative has no integer value)
  }
  T r = 1;
  while (e) {
    if (e & 1) r = wrap_mul(r, base);
    base = wrap_mul(base, base);
    e >>= 1;
  }
  return r;
}

template <class TA, class TB> TA pow_value(TA a, TB b) {
  if constexpr (std::is_integral_v<TA> && std::is_integral_v<TB>) {
    return int_pow<TA>(a, static_cast<int64_t>(b));
  } else {
    const double r = std::pow(static_cast<double>(a), static_cast<double>(b));
    if constexpr (std::is_integral_v<TA>) return float_to_int<TA>(r);
    else return static_cast<TA>(r);
  }
}

template <class T> T max_value(T a, T b) {
  if constexpr (std::is_floating_point_v<T>)
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? a : b;
  return a < b ? b : a;
}
template <class T> T min_value(T a, T b) {
  if constexpr (std::is_floating_point_v<T>)
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? a : b;
  return b < a ? b : a;
}

template <class Op> void variadic_kernel(const Node& node, const std::vector<const TensorRef*>& in,
                                         const std::vector<TensorRef*>& out, Op op) {
  const TensorRef& y = *out[0];
  if (in.size() == 1) {
    std::memcpy(y.data, in[0]->data, y.bytes());
    return;
  }
  dispatch_dtype(NumericTypes{}, node, y.dtype, [&]<class T>(TypeTag<T>) {
    auto f = [&](T a, T b) { return op(a, b); };
    binary_kernel<T, T, T>(*in[0], *in[1], y, f);
    for (size_t k = 2; k < in.size(); ++k) binary_kernel<T, T, T>(y, *in[k], y, f);
  });
}

}  // namespace

void shape_broadcast(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  for (size_t i = 0; i < in.size(); ++i) req_input(node, in, i);
  if (in.empty()) fail_node(node, Errc::shape_mismatch, "needs at least one input");
  if (node.op == OpId::Pow) {
    require_dtype(node, in[0]->dtype, {DType::f32, DType::i64, DType::i32}, "base (input 0)");
    require_dtype(node, in[1]->dtype, {DType::f32, DType::i64, DType::i32}, "exponent (input 1)");
  } else {
    require_dtype(node, in[0]->dtype, {DType::f32, DType::i64, DType::i32, DType::u8, DType::i8}, "input 0");
    for (size_t i = 1; i < in.size(); ++i)
      if (in[i]->dtype != in[0]->dtype)
        fail_node(node, Errc::dtype_mismatch,
                "input " + std::to_string(i) + " has dtype " + dtype_name(in[i]->dtype) + " but input 0 has " +
                    dtype_name(in[0]->dtype));
  }
  out[0].dtype = in[0]->dtype;
  out[0].dims = broadcast_dims(node, in);
}

void ref_add(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  numeric_binary(node, in, out, [](auto a, auto b) { return wrap_add(a, b); });
}

void ref_sub(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  numeric_binary(node, in, out, [](auto a, auto b) { return wrap_sub(a, b); });
}

void ref_mul(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  numeric_binary(node, in, out, [](auto a, auto b) { return wrap_mul(a, b); });
}

void ref_div(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  numeric_binary(node, in, out, [&](auto a, auto b) { return div_value(node, a, b); });
}

void ref_pow(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  dispatch_dtype(PowTypes{}, node, in[0]->dtype, [&]<class TA>(TypeTag<TA>) {
    dispatch_dtype(PowTypes{}, node, in[1]->dtype, [&]<class TB>(TypeTag<TB>) {
      binary_kernel<TA, TB, TA>(*in[0], *in[1], *out[0], [](TA a, TB b) { return pow_value(a, b); });
    });
  });
}

void ref_max(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  variadic_kernel(node, in, out, [](auto a, auto b) { return max_value(a, b); });
}

void ref_min(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  variadic_kernel(node, in, out, [](auto a, auto b) { return min_value(a, b); });
}

}  // namespace qc
