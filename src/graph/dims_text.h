// Dims as error messages print them: "[1,3,?,?]" (? = fixed only at run time).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace qc {

inline std::string dims_text(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ",";
    s += dims[i] < 0 ? std::string("?") : std::to_string(dims[i]);
  }
  return s + "]";
}

}  // namespace qc
