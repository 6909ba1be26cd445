// Per-thread scratch vectors of the kernels.
#pragma once
#include <cstddef>
#include <vector>

namespace qc {

// At least n elements of v, which only grows: resizing down and up again between two
// layers would zero the new part on every call.
template <class T, class N>
T* scratch(std::vector<T>& v, N n) {
  if (v.size() < static_cast<size_t>(n)) v.resize(static_cast<size_t>(n));
  return v.data();
}

}  // namespace qc
