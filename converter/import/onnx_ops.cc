#include "import/onnx_ops.h"

#include <cstring>

#include "common/error.h"
#include "graph/op_table.h"

namespace qc {

namespace {

// Inference-time Dropout is the identity; ratio / training_mode inputs are dropped.
// A used mask output is rejected by the importer (the IR Identity has one output).
void normalize_dropout(Node& n, const OnnxNodeContext& ctx) {
  if (n.inputs.size() > 2 && n.inputs[2] >= 0) {
    const Value& mode = ctx.graph.values[n.inputs[2]];
    bool training = !mode.constant || mode.constant->scheme != 0;
    for (size_t i = 0; !training && i < mode.constant->size; ++i) training = mode.constant->bytes[i] != 0;
    if (training)
      fail(Errc::unsupported_op, "node '" + n.name + "' (Dropout): training_mode '" + mode.name +
                                     "' is true or not a constant; only inference Dropout is supported");
  }
  n.inputs.resize(1);
  n.attrs.clear();
}

// Before opset 13, Softmax/LogSoftmax flattened the input to 2-D at `axis`.
void normalize_softmax(Node& n, const OnnxNodeContext& ctx) {
  if (ctx.opset < 13) n.set_i("legacy_2d", 1);
}

void normalize_batch_norm_legacy(Node& n);

void normalize_batch_norm(Node& n, const OnnxNodeContext&) {
  normalize_batch_norm_legacy(n);
  if (n.attr_i("training_mode", 0) != 0)
    fail(Errc::unsupported_op, "node '" + n.name + "' (BatchNormalization): training_mode=1 is not supported");
  n.erase_attr("training_mode");
  n.erase_attr("momentum");
}

// Before opset 10, Slice took starts/ends/axes as attrs; the IR takes them as inputs.
void normalize_slice(Node& n, const OnnxNodeContext& ctx) {
  if (ctx.opset >= 10) return;
  auto add_const = [&](const std::string& suffix, const std::vector<int64_t>& v) {
    std::vector<uint8_t> bytes(v.size() * sizeof(int64_t));
    if (!v.empty()) std::memcpy(bytes.data(), v.data(), bytes.size());
    return ctx.graph.add_value(Value{n.name + "/" + suffix, DType::i64, {static_cast<int64_t>(v.size())},
                                     ConstData::owned(std::move(bytes))});
  };
  const std::vector<int64_t> starts = n.attr_ints("starts"), ends = n.attr_ints("ends");
  if (starts.size() != ends.size())
    fail(Errc::invalid_model, "node '" + n.name + "' (Slice): starts and ends differ in length");
  std::vector<int64_t> axes = n.attr_ints("axes");
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  n.inputs.resize(1);
  n.inputs.push_back(add_const("starts", starts));
  n.inputs.push_back(add_const("ends", ends));
  n.inputs.push_back(add_const("axes", axes));
  n.attrs.clear();
}

// Opsets 7-8 had a `spatial` attr; spatial=0 (per-element statistics) is not supported.
void normalize_batch_norm_legacy(Node& n) {
  if (n.attr_i("spatial", 1) != 1)
    fail(Errc::unsupported_op, "node '" + n.name + "' (BatchNormalization): spatial=0 is not supported");
  n.erase_attr("spatial");
  n.erase_attr("is_test");
}

const OnnxOpRule kRules[] = {
    {"Slice", OpId::Slice, normalize_slice},
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
