#include "passes/quantize_weights.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "passes/graph_edit.h"
#include "schemes/weight_encoders.h"
#include "tools/progress.h"

namespace qc {

namespace {

// Input 1 of this node can hold a compressed weight (the kernels' constraints).
bool reads_compressible_weight(const Graph& g, const Node& n) {
  if (n.inputs.size() < 2 || n.inputs[1] < 0) return false;
  const Value& w = g.values[n.inputs[1]];
  if (!is_dense_f32_constant(w)) return false;
  if (n.op == OpId::Gemm) return w.dims.size() == 2 && n.attr_i("transB", 0) == 1 && n.attr_f("alpha", 1.f) == 1.f;
  if (n.op == OpId::Conv) return w.dims.size() == 4;
  return false;
}

uint64_t element_count(const std::vector<int64_t>& dims) {
  uint64_t n = 1;
  for (int64_t d : dims) n *= static_cast<uint64_t>(d);
  return n;
}

ConstData encode(const float* w, const QuantLayer& l, const WeightScheme& s, const CodebookOptions& cb,
                 bool progress, const std::vector<int64_t>& dims) {
  using K = WeightScheme::Kind;
  switch (s.kind) {
    case K::f32: break;
    case K::f16: return encode_f16(w, dims);
    case K::int8: return encode_i8_channel(w, dims);
    case K::q4: return encode_q4_block(w, dims, false);
    case K::q4min: return encode_q4_block(w, dims, true);
    case K::codebook: {
      Progress bar("k-means " + l.tensor + " " + s.name(), 1000, !progress);
      return encode_codebook(w, dims, s.bits, cb.per_channel, cb.init, cb.max_iters, cb.seed,
                             [&](double done) { bar.update(static_cast<int64_t>(done * 1000)); });
    }
  }
  fail(Errc::internal, "encode: no encoder for weight scheme " + s.name());
}

void set_activation_attrs(Node& n, int x_quant, float scale) {
  n.erase_attr("x_quant");
  n.erase_attr("x_scale");
  if (x_quant < 0) return;
  n.set_i("x_quant", x_quant);
  if (x_quant == 2) n.set_f("x_scale", scale);
}

}  // namespace

std::vector<QuantLayer> find_quantizable_layers(const Graph& g) {
  std::vector<int> first_reader(g.values.size(), -1);
  std::vector<char> excluded(g.values.size(), 0);
  std::vector<std::vector<int>> readers(g.values.size());
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& n = g.nodes[k];
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      const int v = n.inputs[i];
      if (v < 0 || !g.values[v].constant) continue;
      if (i == 1 && reads_compressible_weight(g, n)) readers[v].push_back(static_cast<int>(k));
      else excluded[v] = 1;
    }
  }
  for (int o : g.outputs) excluded[o] = 1;
  std::vector<std::pair<int, int>> order;  // (first reader node, value)
  for (size_t v = 0; v < g.values.size(); ++v)
    if (!readers[v].empty() && !excluded[v]) order.push_back({readers[v].front(), static_cast<int>(v)});
  std::sort(order.begin(), order.end());
  std::vector<QuantLayer> layers;
  for (const auto& [node, v] : order) {
    const Value& w = g.values[v];
    QuantLayer l;
    l.weight = v;
    l.nodes = readers[v];
    l.tensor = w.name;
    l.node = g.nodes[node].name;
    l.dims = w.dims;
    l.n = w.dims[0];
    l.elements = element_count(w.dims);
    l.k = l.n > 0 ? static_cast<int64_t>(l.elements / static_cast<uint64_t>(l.n)) : 0;
    l.dense_bytes = w.constant->size;
    layers.push_back(std::move(l));
  }
  return layers;
}

WeightEncodingCache::WeightEncodingCache(const Graph& g, std::vector<QuantLayer> layers, CodebookOptions codebook,
                                         bool progress)
    : layers_(std::move(layers)), codebook_(codebook), progress_(progress) {
  for (const QuantLayer& l : layers_) {
    const Value& v = g.values.at(l.weight);
    if (v.name != l.tensor || !is_dense_f32_constant(v))
      fail(Errc::internal, "quantize: layer '" + l.tensor + "' is not a dense f32 constant of this graph");
    dense_.push_back(read_f32_constant(v));
    original_.push_back(*v.constant);
  }
}

const ConstData& WeightEncodingCache::encoded(size_t layer, const WeightScheme& s) {
  if (layer >= layers_.size()) fail(Errc::internal, "quantize: layer index out of range");
  if (s.dense()) return original_[layer];
  const auto key = std::make_pair(layer, s.name());
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  const QuantLayer& l = layers_[layer];
  ConstData c;
  try {
    c = encode(dense_[layer].data(), l, s, codebook_, progress_, l.dims);
  } catch (const Error& e) {
    fail(e.code(), "quantize layer '" + l.tensor + "' as " + s.name() + ": " + e.what());
  }
  return cache_.emplace(key, std::move(c)).first->second;
}

int x_quant_for(const WeightScheme& w, ActivationMode a) {
  using K = WeightScheme::Kind;
  if (w.kind == K::f32) return -1;
  if (w.kind == K::f16) return 0;
  switch (a) {
    case ActivationMode::float32: return 0;
    case ActivationMode::static_i8: return 2;
    case ActivationMode::standard:
    case ActivationMode::dynamic_i8: return 1;
  }
  return 1;
}

void apply_layer_quant(Graph& g, WeightEncodingCache& cache, const std::vector<LayerQuant>& plan) {
  const auto& layers = cache.layers();
  if (plan.size() != layers.size())
    fail(Errc::internal, "quantize: " + std::to_string(plan.size()) + " choices for " +
                             std::to_string(layers.size()) + " layers");
  for (size_t i = 0; i < layers.size(); ++i) {
    const QuantLayer& l = layers[i];
    const LayerQuant& q = plan[i];
    if (l.weight >= static_cast<int>(g.values.size()) || g.values[l.weight].name != l.tensor)
      fail(Errc::internal, "quantize: layer '" + l.tensor + "' is not in this graph");
    const int x_quant = x_quant_for(q.weights, q.activations);
    if (x_quant == 2 && !(std::isfinite(q.static_scale) && q.static_scale > 0))
      fail(Errc::invalid_argument, "quantize layer '" + l.tensor + "': static int8 activations need a calibrated " +
                                       "scale > 0 (got " + std::to_string(q.static_scale) + ")");
    g.values[l.weight].constant = cache.encoded(i, q.weights);
    for (int n : l.nodes) set_activation_attrs(g.nodes.at(n), x_quant, q.static_scale);
  }
}

}  // namespace qc
