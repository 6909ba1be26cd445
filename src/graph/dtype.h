// Element types. Values match ONNX TensorProto.DataType so the importer maps 1:1.
#pragma once
#include <cstddef>
#include <cstdint>

namespace qc {

enum class DType : uint8_t {
  undefined = 0,
  f32 = 1,
  u8 = 2,
  i8 = 3,
  i32 = 6,
  i64 = 7,
  boolean = 9,
  f16 = 10,
};

inline size_t dtype_size(DType t) {
  switch (t) {
    case DType::f32: return 4;
    case DType::u8: return 1;
    case DType::i8: return 1;
    case DType::i32: return 4;
    case DType::i64: return 8;
    case DType::boolean: return 1;
    case DType::f16: return 2;
    default: return 0;
  }
}

inline bool dtype_valid(uint8_t raw) { return dtype_size(static_cast<DType>(raw)) != 0; }

const char* dtype_name(DType t);

}  // namespace qc
