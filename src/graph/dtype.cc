#include "graph/dtype.h"

namespace qc {

const char* dtype_name(DType t) {
  switch (t) {
    case DType::f32: return "float32";
    case DType::u8: return "uint8";
    case DType::i8: return "int8";
    case DType::i32: return "int32";
    case DType::i64: return "int64";
    case DType::boolean: return "bool";
    case DType::f16: return "float16";
    default: return "undefined";
  }
}

}  // namespace qc
