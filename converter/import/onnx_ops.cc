#include "import/onnx_ops.h"

#include "common/error.h"
#include "graph/op_table.h"

namespace qc {

namespace {

// Inference-time Dropout is the identity; ratio / training_mode inputs are dropped.
// A used mask output is rejected by the importer (the IR Identity has one output).
void normalize_dropout(Node& n, int64_t) {
  n.inputs.resize(1);
  n.attrs.clear();
}

// Before opset 13, Softmax/LogSoftmax flattened the input to 2-D at `axis`.
void normalize_softmax(Node& n, int64_t opset) {
  if (opset < 13) n.set_i("legacy_2d", 1);
}

void normalize_batch_norm(Node& n, int64_t) {
  if (n.attr_i("training_mode", 0) != 0)
    fail(Errc::unsupported_op, "node '" + n.name + "' (BatchNormalization): training_mode=1 is not supported");
  n.erase_attr("training_mode");
  n.erase_attr("momentum");
}

const OnnxOpRule kRules[] = {
    {"Dropout", OpId::Identity, normalize_dropout},
    {"Softmax", OpId::Softmax, normalize_softmax},
    {"LogSoftmax", OpId::LogSoftmax, normalize_softmax},
    {"BatchNormalization", OpId::BatchNormalization, normalize_batch_norm},
#define OP(name, ...) {#name, OpId::name, nullptr},
#include "graph/ops.def"
#undef OP
};

}  // namespace

const OnnxOpRule* find_onnx_op_rule(const std::string& onnx_type) {
  for (const auto& r : kRules)
    if (onnx_type == r.onnx_type) return &r;  // first row wins: overrides precede the defaults
  return nullptr;
}

std::string onnx_supported_op_list() { return supported_op_list() + ", Constant, Dropout"; }

}  // namespace qc
