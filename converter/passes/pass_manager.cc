#include "passes/pass.h"

#include "common/error.h"

namespace qc {

void PassManager::add(std::unique_ptr<Pass> pass) { passes_.push_back(std::move(pass)); }

std::vector<PassRun> PassManager::run(Graph& g) const {
  std::vector<PassRun> runs;
  for (const auto& p : passes_) {
    PassRun r;
    r.name = p->name();
    r.nodes_before = g.nodes.size();
    r.changed = p->run(g);
    r.nodes_after = g.nodes.size();
    try {
      g.validate();
    } catch (const Error& e) {
      fail(Errc::internal, "pass '" + r.name + "' left an invalid graph: " + e.what());
    }
    runs.push_back(std::move(r));
  }
  return runs;
}

}  // namespace qc
