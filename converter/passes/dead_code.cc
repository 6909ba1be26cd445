// dead_code: drops nodes none of whose outputs reach a graph output, then every
// value (including constants) nothing references any more. Graph inputs stay.
#include "passes/builtin_passes.h"
#include "passes/graph_edit.h"

namespace qc {

bool eliminate_dead_code(Graph& g) {
  std::vector<char> live(g.values.size(), 0);
  for (int o : g.outputs) live[o] = 1;
  std::vector<char> dead(g.nodes.size(), 1);
  bool removed_node = false;
  for (size_t k = g.nodes.size(); k-- > 0;) {
    const Node& n = g.nodes[k];
    for (int o : n.outputs)
      if (live[o]) dead[k] = 0;
    if (dead[k]) {
      removed_node = true;
      continue;
    }
    for (int i : n.inputs)
      if (i >= 0) live[i] = 1;
  }
  if (removed_node) erase_nodes(g, dead);
  const size_t values_before = g.values.size();
  g.compact();
  return removed_node || g.values.size() != values_before;
}

}  // namespace qc
