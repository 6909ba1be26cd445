// Weights for the kernel benchmark, encoded by the converter's own encoders
// (schemes/*_writer.cc, compiled into the bench for native and wasm) from random
// normal floats: a kernel row of qgemm.inc gets its scheme's encoding.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/ir.h"
#include "kernels/quant/weight_view.h"
#include "runtime/tensor.h"

namespace qc::bench {

// Encodings benchmarked per scheme: one, or for codebook several bit widths
// (the 4-bit and the generic unpack paths).
struct WeightVariant {
  std::string label;  // "" or e.g. "4-bit"
  int codebook_bits = 0;
};
std::vector<WeightVariant> weight_variants(uint16_t scheme);

struct BenchWeight {
  ConstData data;
  std::vector<int64_t> dims;  // {N, K}
  std::vector<float> prepared;  // what a plan prepares (kernels/quant/prepared_weight.h), if any
  TensorRef ref() const;
  WeightView view() const;
};

// Nullopt when the bench has no encoder for the scheme (a new qgemm.inc row: add
// its encoder to encode() in bench_weights.cc).
std::optional<BenchWeight> encode_bench_weight(uint16_t scheme, const WeightVariant& variant,
                                               const std::vector<float>& w, int64_t n, int64_t k);

// Deterministic N(0, scale^2) values.
std::vector<float> normal_floats(size_t count, uint32_t seed, float scale);

}  // namespace qc::bench
