// fold_batch_norm: y = scale * (x - mean) / sqrt(var + eps) + B, where x is the sole
// use of a Conv or Gemm output, becomes that op with per-channel scaled weights and
// a shifted bias: W' = W * s, b' = b * s + (B - mean * s), s = scale / sqrt(var + eps).
#include <cmath>

#include "graph/op_table.h"
#include "passes/builtin_passes.h"
#include "passes/graph_edit.h"

namespace qc {

namespace {

// Per-channel affine map of an inference BatchNormalization: y = x * s + t.
struct ChannelAffine {
  std::vector<float> s, t;
};

bool read_batch_norm(const Graph& g, const Node& bn, ChannelAffine* out) {
  for (int i = 1; i <= 4; ++i)
    if (!is_dense_f32_constant(g.values[bn.inputs[i]])) return false;
  const auto scale = read_f32_constant(g.values[bn.inputs[1]]);
  const auto bias = read_f32_constant(g.values[bn.inputs[2]]);
  const auto mean = read_f32_constant(g.values[bn.inputs[3]]);
  const auto var = read_f32_constant(g.values[bn.inputs[4]]);
  const size_t c = scale.size();
  if (c == 0 || bias.size() != c || mean.size() != c || var.size() != c) return false;
  const float eps = bn.attr_f("epsilon", 1e-5f);
  out->s.resize(c);
  out->t.resize(c);
  for (size_t k = 0; k < c; ++k) {
    out->s[k] = scale[k] / std::sqrt(var[k] + eps);
    out->t[k] = bias[k] - mean[k] * out->s[k];
  }
  return true;
}

// Conv: W [M, C/group, k...], bias [M]; channel m scales output feature map m.
bool fold_into_conv(Graph& g, Node& conv, const ChannelAffine& a) {
  const Value& wv = g.values[conv.inputs[1]];
  const size_t m = a.s.size();
  if (!is_dense_f32_constant(wv) || wv.dims.empty() || wv.dims[0] != static_cast<int64_t>(m)) return false;
  std::vector<float> w = read_f32_constant(wv);
  const std::vector<int64_t> wdims = wv.dims;
  const std::string wname = wv.name;
  std::vector<float> b(m, 0.f);
  std::string bname = conv.name + "_bias";
  const bool has_bias = conv.inputs.size() > 2 && conv.inputs[2] >= 0;
  if (has_bias) {
    const Value& bv = g.values[conv.inputs[2]];
    if (!is_dense_f32_constant(bv)) return false;
    b = read_f32_constant(bv);
    if (b.size() != m) return false;
    bname = bv.name;
  }
  if (m == 0 || w.size() % m != 0) return false;
  const size_t per_channel = w.size() / m;
  for (size_t c = 0; c < m; ++c) {
    for (size_t k = 0; k < per_channel; ++k) w[c * per_channel + k] *= a.s[c];
    b[c] = b[c] * a.s[c] + a.t[c];
  }
  conv.inputs[1] = add_f32_constant(g, wname + "_bn", wdims, w);
  conv.inputs.resize(3);
  conv.inputs[2] = add_f32_constant(g, bname + (has_bias ? "_bn" : ""), {static_cast<int64_t>(m)}, b);
  return true;
}

// Gemm: Y = alpha * A' B' + beta * C with output [M, N]; the channel is column n.
// The new bias is beta * s * C + t with beta set to 1.
bool fold_into_gemm(Graph& g, Node& gemm, const ChannelAffine& a) {
  const Value& wv = g.values[gemm.inputs[1]];
  const size_t n = a.s.size();
  if (!is_dense_f32_constant(wv) || wv.dims.size() != 2) return false;
  const bool trans_b = gemm.attr_i("transB", 0) != 0;
  if (wv.dims[trans_b ? 0 : 1] != static_cast<int64_t>(n)) return false;
  std::vector<float> w = read_f32_constant(wv);
  const std::vector<int64_t> wdims = wv.dims;
  const std::string wname = wv.name;
  const float beta = gemm.attr_f("beta", 1.f);
  std::vector<float> c(n, 0.f);
  std::string cname = gemm.name + "_bias";
  const bool has_c = gemm.inputs.size() > 2 && gemm.inputs[2] >= 0;
  if (has_c) {
    const Value& cv = g.values[gemm.inputs[2]];
    if (!is_dense_f32_constant(cv)) return false;
    const auto data = read_f32_constant(cv);
    if (data.size() == 1) c.assign(n, data[0]);
    else if (data.size() == n && cv.dims.size() <= 2 && cv.dims.back() == static_cast<int64_t>(n)) c = data;
    else return false;  // a full [M, N] bias would need M rows of scaling; left as is
    cname = cv.name;
  }
  const size_t rows = static_cast<size_t>(wdims[0]), cols = static_cast<size_t>(wdims[1]);
  for (size_t r = 0; r < rows; ++r)
    for (size_t k = 0; k < cols; ++k) w[r * cols + k] *= a.s[trans_b ? r : k];
  for (size_t k = 0; k < n; ++k) c[k] = (has_c ? beta * c[k] : 0.f) * a.s[k] + a.t[k];
  gemm.inputs[1] = add_f32_constant(g, wname + "_bn", wdims, w);
  gemm.inputs.resize(3);
  gemm.inputs[2] = add_f32_constant(g, cname + (has_c ? "_bn" : ""), {static_cast<int64_t>(n)}, c);
  gemm.set_f("beta", 1.f);
  return true;
}

}  // namespace

bool fold_batch_norm(Graph& g) {
  std::vector<int> producer(g.values.size(), -1);
  for (size_t k = 0; k < g.nodes.size(); ++k)
    for (int o : g.nodes[k].outputs) producer[o] = static_cast<int>(k);
  const std::vector<int> consumers = count_consumers(g);
  std::vector<char> dead(g.nodes.size(), 0);
  bool changed = false;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& bn = g.nodes[k];
    if (bn.op != OpId::BatchNormalization) continue;
    const int x = bn.inputs[0];
    const int p = producer[x];
    if (p < 0 || !has_single_consumer(g, consumers, x)) continue;
    Node& prod = g.nodes[p];
    if ((prod.op != OpId::Conv && prod.op != OpId::Gemm) || prod.attr_i("act", 0) != 0) continue;
    ChannelAffine affine;
    if (!read_batch_norm(g, bn, &affine)) continue;
    const bool folded = prod.op == OpId::Conv ? fold_into_conv(g, prod, affine) : fold_into_gemm(g, prod, affine);
    if (!folded) continue;
    prod.outputs[0] = g.nodes[k].outputs[0];
    dead[k] = 1;
    changed = true;
  }
  if (changed) {
    erase_nodes(g, dead);
    g.compact();
  }
  return changed;
}

}  // namespace qc
