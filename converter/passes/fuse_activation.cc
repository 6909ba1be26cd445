// fuse_activation: an activation that is the sole use of a Conv or Gemm output is
// folded into that op's act attrs (graph/activation.h) and its node removed.
#include <cmath>

#include "graph/activation.h"
#include "passes/builtin_passes.h"
#include "passes/graph_edit.h"

namespace qc {

namespace {

// Reads Clip's bounds from its optional constant inputs (opset >= 11) or attrs.
bool clip_bounds(const Graph& g, const Node& clip, float* lo, float* hi) {
  *lo = clip.attr_f("min", -INFINITY);
  *hi = clip.attr_f("max", INFINITY);
  if (clip.inputs.size() > 1 && clip.inputs[1] >= 0 && !read_scalar_constant(g.values[clip.inputs[1]], lo)) return false;
  if (clip.inputs.size() > 2 && clip.inputs[2] >= 0 && !read_scalar_constant(g.values[clip.inputs[2]], hi)) return false;
  return true;
}

// Writes the act attrs for `act` onto `target`; false when `act` cannot be fused.
bool set_fused_activation(const Graph& g, const Node& act, Node& target) {
  switch (act.op) {
    case OpId::Relu: target.set_i("act", static_cast<int>(Act::relu)); return true;
    case OpId::Sigmoid: target.set_i("act", static_cast<int>(Act::sigmoid)); return true;
    case OpId::Tanh: target.set_i("act", static_cast<int>(Act::tanh)); return true;
    case OpId::LeakyRelu:
      target.set_i("act", static_cast<int>(Act::leaky_relu));
      target.set_f("act_alpha", act.attr_f("alpha", 0.01f));
      return true;
    case OpId::Clip: {
      float lo = 0, hi = 0;
      if (!clip_bounds(g, act, &lo, &hi)) return false;
      target.set_i("act", static_cast<int>(Act::clip));
      if (std::isfinite(lo)) target.set_f("act_min", lo);
      if (std::isfinite(hi)) target.set_f("act_max", hi);
      return true;
    }
    default: return false;
  }
}

}  // namespace

bool fuse_activations(Graph& g) {
  std::vector<int> producer(g.values.size(), -1);
  for (size_t k = 0; k < g.nodes.size(); ++k)
    for (int o : g.nodes[k].outputs) producer[o] = static_cast<int>(k);
  const std::vector<int> consumers = count_consumers(g);
  std::vector<char> dead(g.nodes.size(), 0);
  bool changed = false;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& act = g.nodes[k];
    const int x = act.inputs.empty() ? -1 : act.inputs[0];
    if (x < 0 || producer[x] < 0 || !has_single_consumer(g, consumers, x)) continue;
    Node& prod = g.nodes[producer[x]];
    if ((prod.op != OpId::Conv && prod.op != OpId::Gemm) || prod.attr_i("act", 0) != 0) continue;
    if (!set_fused_activation(g, act, prod)) continue;
    prod.outputs[0] = act.outputs[0];
    producer[act.outputs[0]] = producer[x];
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
