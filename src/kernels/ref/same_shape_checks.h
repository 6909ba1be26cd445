// Per-op input checks of the ops whose output has the input's dims and dtype
// (shape_same); each fails with a message naming the node.
#pragma once
#include <vector>

#include "graph/ir.h"
#include "runtime/tensor.h"

namespace qc {

void check_softmax(const Node& node, const std::vector<const TensorRef*>& in);
void check_batch_norm(const Node& node, const std::vector<const TensorRef*>& in);

}  // namespace qc
