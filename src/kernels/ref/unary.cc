// Elementwise unary ops: activations, Clip and the math functions.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/ref/dtype_dispatch.h"

namespace qc {

namespace {

template <class Ts, class Op>
void unary_kernel(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out,
                  Op op) {
  dispatch_dtype(Ts{}, node, in[0]->dtype, [&]<class T>(TypeTag<T>) {
    const T* x = in[0]->as<const T>();
    T* y = out[0]->as<T>();
    const int64_t n = out[0]->numel();
    for (int64_t i = 0; i < n; ++i) y[i] = op(x[i]);
  });
}

template <class Op>
void float_kernel(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out,
                  Op op) {
  unary_kernel<FloatTypes>(node, in, out, [&](float x) { return static_cast<float>(op(x)); });
}

// Clip bound from optional input i, else from attr `name` (opset < 11), else `dflt`.
template <class T>
T clip_bound(const Node& node, const std::vector<const TensorRef*>& in, size_t i, const char* name, T dflt) {
  if (const TensorRef* t = optional_input(in, i)) return *t->as<const T>();
  if (!node.attr(name)) return dflt;
  const float v = node.attr_f(name, 0);
  if constexpr (std::is_integral_v<T>) {
    const double lo = static_cast<double>(std::numeric_limits<T>::lowest());
    const double hi = static_cast<double>(std::numeric_limits<T>::max());
    return float_to_int<T>(std::clamp(static_cast<double>(v), lo, hi));
  } else {
    return v;
  }
}

}  // namespace

void ref_relu(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  unary_kernel<NumericTypes>(node, in, out, [](auto x) { return x < 0 ? decltype(x)(0) : x; });
}

void ref_leaky_relu(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const float alpha = node.attr_f("alpha", 0.01f);
  float_kernel(node, in, out, [=](float x) { return x < 0 ? alpha * x : x; });
}

void ref_sigmoid(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  float_kernel(node, in, out, [](float x) {
    if (x >= 0) return 1.f / (1.f + std::exp(-x));
    const float e = std::exp(x);
    return e / (1.f + e);
  });
}

void ref_hard_sigmoid(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const float alpha = node.attr_f("alpha", 0.2f), beta = node.attr_f("beta", 0.5f);
  float_kernel(node, in, out, [=](float x) { return std::clamp(alpha * x + beta, 0.f, 1.f); });
}

void ref_hard_swish(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  float_kernel(node, in, out, [](float x) { return x * std::clamp(x / 6.f + 0.5f, 0.f, 1.f); });
}

void ref_tanh(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  float_kernel(node, in, out, [](float x) { return std::tanh(x); });
}

void ref_clip(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  dispatch_dtype(NumericTypes{}, node, in[0]->dtype, [&]<class T>(TypeTag<T>) {
    const T lo = clip_bound<T>(node, in, 1, "min", std::numeric_limits<T>::lowest());
    const T hi = clip_bound<T>(node, in, 2, "max", std::numeric_limits<T>::max());
    const T* x = in[0]->as<const T>();
    T* y = out[0]->as<T>();
    const int64_t n = out[0]->numel();
    // min(max(x, lo), hi): when lo > hi every element becomes hi (as numpy.clip); NaN stays NaN.
    for (int64_t i = 0; i < n; ++i) {
      const T v = x[i] < lo ? lo : x[i];
      y[i] = v > hi ? hi : v;
    }
  });
}

void ref_exp(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  float_kernel(node, in, out, [](float x) { return std::exp(x); });
}

void ref_log(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  float_kernel(node, in, out, [](float x) { return std::log(x); });
}

void ref_sqrt(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  float_kernel(node, in, out, [](float x) { return std::sqrt(x); });
}

void ref_neg(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  unary_kernel<SignedTypes>(node, in, out, [](auto x) {
    using T = decltype(x);
    if constexpr (std::is_floating_point_v<T>) return -x;
    else return wrap_sub(T(0), x);
  });
}

void ref_abs(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  unary_kernel<NumericTypes>(node, in, out, [](auto x) {
    using T = decltype(x);
    if constexpr (std::is_floating_point_v<T>) return std::fabs(x);
    else return x < 0 ? wrap_sub(T(0), x) : x;
  });
}

void ref_reciprocal(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  float_kernel(node, in, out, [](float x) { return 1.f / x; });
}

void ref_elu(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const float alpha = node.attr_f("alpha", 1.f);
  float_kernel(node, in, out, [=](float x) { return x < 0 ? alpha * std::expm1(x) : x; });
}

void ref_softplus(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  // log(1 + e^x) without overflow for large x.
  float_kernel(node, in, out, [](float x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); });
}

}  // namespace qc
