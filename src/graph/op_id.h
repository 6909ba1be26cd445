#pragma once
#include <cstdint>

namespace qc {

enum class OpId : uint16_t {
#define OP(name, ...) name,
#include "graph/ops.def"
#undef OP
  count
};

}  // namespace qc
