#include "runtime/session.h"

#include <cstring>

#include "common/error.h"
#include "runtime/plan.h"

namespace qc {

Session::Session(const Graph& graph, const PlanOptions& options) : graph_(graph), options_(options) {
  graph_.validate();
}
Session::~Session() = default;

void Session::drop_plan() {
  plan_.reset();
  outputs_.clear();
}

size_t Session::arena_bytes() const { return plan_ ? plan_->arena.size() : 0; }

const std::vector<TensorRef>& Session::run(const std::vector<TensorRef>& inputs) {
  if (!plan_ || !plan_matches(*plan_, inputs)) {
    plan_.reset();
    outputs_.clear();
    plan_ = build_plan(graph_, inputs, options_);
  }
  Plan& p = *plan_;
  for (size_t i = 0; i < inputs.size(); ++i) {
    TensorRef& slot = p.tensors[graph_.inputs[i]];
    if (!p.known[graph_.inputs[i]] && slot.bytes()) std::memcpy(slot.data, inputs[i].data, slot.bytes());
  }
  for (const Step& s : p.steps) s.kernel(*s.node, s.in, s.out);
  outputs_.clear();
  for (int o : graph_.outputs) outputs_.push_back(p.tensors[o]);
  return outputs_;
}

}  // namespace qc
