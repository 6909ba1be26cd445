// eliminate_identity: y = Identity(x) is removed by making y's readers read x.
// When y is a graph output its name must survive, so x's producer is made to
// produce y directly instead; the Identity stays only when x has no producer node
// (graph input or constant) or is itself a graph output.
#include "passes/builtin_passes.h"
#include "passes/graph_edit.h"

namespace qc {

bool eliminate_identity(Graph& g) {
  std::vector<int> producer(g.values.size(), -1);
  for (size_t k = 0; k < g.nodes.size(); ++k)
    for (int o : g.nodes[k].outputs) producer[o] = static_cast<int>(k);
  std::vector<char> dead(g.nodes.size(), 0);
  bool changed = false;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& n = g.nodes[k];
    if (n.op != OpId::Identity) continue;
    const int x = n.inputs[0], y = n.outputs[0];
    if (!is_graph_output(g, y)) {
      dead[k] = 1;
      replace_node_uses(g, y, x);
    } else if (producer[x] >= 0 && !is_graph_output(g, x)) {
      Node& prod = g.nodes[producer[x]];
      for (int& o : prod.outputs)
        if (o == x) o = y;
      producer[y] = producer[x];
      producer[x] = -1;
      dead[k] = 1;
      replace_node_uses(g, x, y);
    } else {
      continue;
    }
    changed = true;
  }
  if (changed) {
    erase_nodes(g, dead);
    g.compact();
  }
  return changed;
}

}  // namespace qc
