// shape_same: ops whose output has the dims and dtype of input 0. Checks the
// dtypes each op's kernel supports and the op's other inputs.
#include "graph/op_table.h"
#include "kernels/ref/same_shape_checks.h"
#include "kernels/ref/shape_util.h"

namespace qc {

namespace {

void check_clip_bounds(const Node& node, const std::vector<const TensorRef*>& in) {
  for (size_t i = 1; i < 3; ++i) {
    const TensorRef* b = optional_input(in, i);
    if (!b) continue;
    const char* what = i == 1 ? "min (input 1)" : "max (input 2)";
    if (b->dtype != in[0]->dtype)
      fail_node(node, Errc::dtype_mismatch,
              std::string(what) + " has dtype " + dtype_name(b->dtype) + " but input has " + dtype_name(in[0]->dtype));
    if (b->numel() != 1)
      fail_node(node, Errc::shape_mismatch, std::string(what) + " must be a scalar, got dims " + dims_text(b->dims));
  }
}

}  // namespace

void shape_same(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const TensorRef& x = req_input(node, in, 0);
  constexpr auto f32 = DType::f32, i64 = DType::i64, i32 = DType::i32, i8 = DType::i8, u8 = DType::u8;
  switch (node.op) {
    case OpId::Relu:
    case OpId::Abs: require_dtype(node, x.dtype, {f32, i64, i32, i8, u8}, "input"); break;
    case OpId::Neg: require_dtype(node, x.dtype, {f32, i64, i32, i8}, "input"); break;
    case OpId::Clip:
      require_dtype(node, x.dtype, {f32, i64, i32, i8, u8}, "input");
      check_clip_bounds(node, in);
      break;
    case OpId::Softmax:
    case OpId::LogSoftmax: check_softmax(node, in); break;
    case OpId::BatchNormalization: check_batch_norm(node, in); break;
    case OpId::Identity:
      if (dtype_size(x.dtype) == 0) fail_node(node, Errc::dtype_mismatch, "input has no valid dtype");
      break;
    default: require_dtype(node, x.dtype, {f32}, "input"); break;
  }
  out[0].dtype = x.dtype;
  out[0].dims = x.dims;
}

}  // namespace qc
