#include "import/onnx_tensor.h"

#include <cstring>

#include "common/checked_math.h"
#include "common/error.h"
#include "import/onnx_external_data.h"

namespace qc {

namespace {

constexpr uint64_t kMaxTensorElements = 1ull << 31;

template <class Field>
std::vector<uint8_t> pack_typed(const Field& field, DType dtype, uint64_t count, const std::string& where) {
  if (static_cast<uint64_t>(field.size()) != count)
    fail(Errc::invalid_model, where + ": has " + std::to_string(field.size()) + " typed elements, dims say " +
                                  std::to_string(count));
  const size_t elem = dtype_size(dtype);
  std::vector<uint8_t> out(count * elem);
  for (uint64_t i = 0; i < count; ++i) {
    const auto v = field.Get(static_cast<int>(i));
    switch (dtype) {
      case DType::f32: { float f = static_cast<float>(v); std::memcpy(&out[i * 4], &f, 4); break; }
      case DType::i64: { int64_t x = static_cast<int64_t>(v); std::memcpy(&out[i * 8], &x, 8); break; }
      case DType::i32: { int32_t x = static_cast<int32_t>(v); std::memcpy(&out[i * 4], &x, 4); break; }
      case DType::f16: { uint16_t x = static_cast<uint16_t>(v); std::memcpy(&out[i * 2], &x, 2); break; }
      default: out[i] = static_cast<uint8_t>(v); break;  // u8, i8, bool: one byte each
    }
  }
  return out;
}

std::vector<uint8_t> typed_payload(const onnx::TensorProto& t, DType dtype, uint64_t count, const std::string& where) {
  switch (dtype) {
    case DType::f32: return pack_typed(t.float_data(), dtype, count, where);
    case DType::i64: return pack_typed(t.int64_data(), dtype, count, where);
    default: return pack_typed(t.int32_data(), dtype, count, where);  // ONNX stores narrow types in int32_data
  }
}

}  // namespace

DType dtype_from_onnx(int32_t elem_type, const std::string& where) {
  if (elem_type > 0 && elem_type < 256 && dtype_valid(static_cast<uint8_t>(elem_type))) return static_cast<DType>(elem_type);
  std::string name = onnx::TensorProto_DataType_IsValid(elem_type)
                         ? onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(elem_type))
                         : "#" + std::to_string(elem_type);
  fail(Errc::invalid_model, where + ": element type " + name +
                                " is not supported (supported: FLOAT, FLOAT16, INT8, UINT8, INT32, INT64, BOOL)");
}

Value constant_from_tensor_proto(const onnx::TensorProto& t, const std::string& name, const TensorSource& src) {
  const std::string where = src.file_label + ": tensor '" + name + "'";
  Value v;
  v.name = name;
  v.dtype = dtype_from_onnx(t.data_type(), where);
  for (int64_t d : t.dims()) {
    if (d < 0) fail(Errc::invalid_model, where + ": negative dim " + std::to_string(d));
    v.dims.push_back(d);
  }
  if (t.has_segment()) fail(Errc::invalid_model, where + ": segmented tensors are not supported");
  uint64_t count = 0, bytes = 0;
  if (!checked_product(v.dims, kMaxTensorElements, &count) || mul_overflows(count, dtype_size(v.dtype), &bytes))
    fail(Errc::shape_overflow, where + ": element count overflows (limit " + std::to_string(kMaxTensorElements) + ")");

  std::vector<uint8_t> payload;
  if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
    payload = read_external_tensor_data(t, src.model_dir, bytes, where);
  } else if (t.has_raw_data()) {
    if (t.raw_data().size() != bytes)
      fail(Errc::invalid_model, where + ": raw_data has " + std::to_string(t.raw_data().size()) + " bytes, dims say " +
                                    std::to_string(bytes));
    payload.assign(t.raw_data().begin(), t.raw_data().end());
  } else {
    payload = typed_payload(t, v.dtype, count, where);
  }
  v.constant = ConstData::owned(std::move(payload));
  return v;
}

}  // namespace qc
