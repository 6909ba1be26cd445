// Fused activation carried by Conv and Gemm after the fusion pass:
//   attr "act" (int): 0 none, 1 Relu, 2 Clip (attrs "act_min", "act_max"),
//   3 LeakyRelu ("act_alpha"), 4 Sigmoid, 5 Tanh.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "graph/ir.h"

namespace qc {

enum class Act : int { none = 0, relu = 1, clip = 2, leaky_relu = 3, sigmoid = 4, tanh = 5 };

struct Activation {
  Act kind = Act::none;
  float lo = 0, hi = 0, alpha = 0.01f;

  static Activation from(const Node& n) {
    Activation a;
    a.kind = static_cast<Act>(n.attr_i("act", 0));
    if (a.kind == Act::clip) {  // the other fields only where the kind reads them (kernels call this every run)
      a.lo = n.attr_f("act_min", -INFINITY);
      a.hi = n.attr_f("act_max", INFINITY);
    }
    if (a.kind == Act::leaky_relu) a.alpha = n.attr_f("act_alpha", 0.01f);
    return a;
  }

  float apply(float x) const {
    switch (kind) {
      case Act::none: return x;
      case Act::relu: return x > 0 ? x : 0;
      case Act::clip: return std::min(std::max(x, lo), hi);
      case Act::leaky_relu: return x >= 0 ? x : x * alpha;
      case Act::sigmoid: return 1.f / (1.f + std::exp(-x));
      case Act::tanh: return std::tanh(x);
    }
    return x;
  }

  void apply(float* x, int64_t n) const {
    if (kind == Act::none) return;
    for (int64_t i = 0; i < n; ++i) x[i] = apply(x[i]);
  }
};

}  // namespace qc
