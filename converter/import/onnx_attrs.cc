#include "import/onnx_attrs.h"

#include <cstring>

#include "common/error.h"

namespace qc {

namespace {

using AttrType = onnx::AttributeProto_AttributeType;

// Models written by old exporters leave `type` unset; infer it from the field present.
AttrType attr_type(const onnx::AttributeProto& a) {
  if (a.type() != onnx::AttributeProto_AttributeType_UNDEFINED) return a.type();
  if (a.ints_size() > 0) return onnx::AttributeProto_AttributeType_INTS;
  if (a.floats_size() > 0) return onnx::AttributeProto_AttributeType_FLOATS;
  if (a.strings_size() > 0) return onnx::AttributeProto_AttributeType_STRINGS;
  if (a.has_t()) return onnx::AttributeProto_AttributeType_TENSOR;
  if (a.has_g()) return onnx::AttributeProto_AttributeType_GRAPH;
  if (a.has_s()) return onnx::AttributeProto_AttributeType_STRING;
  if (a.has_f()) return onnx::AttributeProto_AttributeType_FLOAT;
  if (a.has_i()) return onnx::AttributeProto_AttributeType_INT;
  return onnx::AttributeProto_AttributeType_UNDEFINED;
}

template <class T>
Value small_constant(const std::string& name, DType dtype, std::vector<int64_t> dims, const std::vector<T>& elems) {
  Value v;
  v.name = name;
  v.dtype = dtype;
  v.dims = std::move(dims);
  std::vector<uint8_t> bytes(elems.size() * sizeof(T));
  if (!elems.empty()) std::memcpy(bytes.data(), elems.data(), bytes.size());
  v.constant = ConstData::owned(std::move(bytes));
  return v;
}

}  // namespace

Attr attr_from_onnx(const onnx::AttributeProto& a, const std::string& where) {
  Attr out;
  out.name = a.name();
  switch (attr_type(a)) {
    case onnx::AttributeProto_AttributeType_INT: out.kind = Attr::Kind::i; out.i = a.i(); break;
    case onnx::AttributeProto_AttributeType_FLOAT: out.kind = Attr::Kind::f; out.f = a.f(); break;
    case onnx::AttributeProto_AttributeType_STRING: out.kind = Attr::Kind::s; out.s = a.s(); break;
    case onnx::AttributeProto_AttributeType_INTS:
      out.kind = Attr::Kind::ints;
      out.ints.assign(a.ints().begin(), a.ints().end());
      break;
    case onnx::AttributeProto_AttributeType_FLOATS:
      out.kind = Attr::Kind::floats;
      out.floats.assign(a.floats().begin(), a.floats().end());
      break;
    default:
      fail(Errc::unsupported_op, where + ": attribute '" + a.name() + "' of type " +
                                     onnx::AttributeProto_AttributeType_Name(attr_type(a)) + " is not supported");
  }
  return out;
}

Value constant_from_constant_node(const onnx::NodeProto& node, const std::string& output_name,
                                  const TensorSource& src, const std::string& where) {
  if (node.attribute_size() != 1)
    fail(Errc::invalid_model, where + ": a Constant node needs exactly one value attribute, has " +
                                  std::to_string(node.attribute_size()));
  const auto& a = node.attribute(0);
  if (a.name() == "value") return constant_from_tensor_proto(a.t(), output_name, src);
  if (a.name() == "value_float") return small_constant(output_name, DType::f32, {}, std::vector<float>{a.f()});
  if (a.name() == "value_int") return small_constant(output_name, DType::i64, {}, std::vector<int64_t>{a.i()});
  if (a.name() == "value_floats") {
    std::vector<float> v(a.floats().begin(), a.floats().end());
    return small_constant(output_name, DType::f32, {static_cast<int64_t>(v.size())}, v);
  }
  if (a.name() == "value_ints") {
    std::vector<int64_t> v(a.ints().begin(), a.ints().end());
    return small_constant(output_name, DType::i64, {static_cast<int64_t>(v.size())}, v);
  }
  fail(Errc::unsupported_op, where + ": Constant attribute '" + a.name() +
                                 "' is not supported (value, value_float, value_int, value_floats, value_ints are)");
}

}  // namespace qc
