// A tensor as kernels see it: dtype, dims and a pointer (not owning).
#pragma once
#include <cstdint>
#include <vector>

#include "graph/dtype.h"

namespace qc {

struct TensorRef {
  DType dtype = DType::f32;
  std::vector<int64_t> dims;
  void* data = nullptr;
  // A constant stored in a compressed weight scheme (0 = dense: `data` holds the
  // elements). Only ops flagged kOpCompressedWeight read such tensors, as input 1.
  uint16_t scheme = 0;
  size_t stored_bytes = 0;
  const uint8_t* side = nullptr;
  size_t side_bytes = 0;
  // Set by the plan for such a constant when a kernel reads it (kernels/quant/prepared_weight.h).
  const void* prepared = nullptr;

  int64_t numel() const {
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    return n;
  }
  size_t bytes() const { return static_cast<size_t>(numel()) * dtype_size(dtype); }
  template <class T> T* as() const { return static_cast<T*>(data); }
};

}  // namespace qc
