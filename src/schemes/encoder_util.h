// Helpers shared by the weight encoders (*_writer.cc): argument checks and packaging.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "common/checked_math.h"
#include "common/error.h"
#include "graph/ir.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_matrix.h"

namespace qc::encoder {

inline uint64_t element_count(const std::vector<int64_t>& dims, const char* scheme) {
  uint64_t n = 0;
  if (!checked_product(dims, uint64_t{1} << 40, &n))
    fail(Errc::invalid_argument, std::string("encode ") + scheme + ": invalid or overflowing weight shape");
  return n;
}

inline WeightMatrixShape matrix_shape(const std::vector<int64_t>& dims, const char* scheme) {
  (void)element_count(dims, scheme);
  WeightMatrixShape s;
  if (!weight_matrix_shape(dims, &s))
    fail(Errc::invalid_argument, std::string("encode ") + scheme + ": needs a weight of rank >= 1 (W[N, K])");
  return s;
}

inline void require_finite(const float* w, uint64_t count, const char* scheme) {
  for (uint64_t i = 0; i < count; ++i)
    if (!std::isfinite(w[i]))
      fail(Errc::invalid_argument, std::string("encode ") + scheme + ": weight element " + std::to_string(i) +
                                       " is not finite (" + std::to_string(w[i]) + ")");
}

inline ConstData package(SchemeId scheme, std::vector<uint8_t> payload, std::vector<uint8_t> side = {}) {
  ConstData c = ConstData::owned(std::move(payload), static_cast<uint16_t>(scheme));
  c.scheme_version = scheme_info(static_cast<uint16_t>(scheme)).latest_version;
  if (!side.empty()) {
    auto p = std::make_shared<const std::vector<uint8_t>>(std::move(side));
    c.side = p->data();
    c.side_size = p->size();
    c.side_owner = std::move(p);
  }
  return c;
}

}  // namespace qc::encoder
