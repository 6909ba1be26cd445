#include "bench_weights.h"

#include <random>

#include "kernels/quant/prepared_weight.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_encoders.h"

namespace qc::bench {

std::vector<WeightVariant> weight_variants(uint16_t scheme) {
  if (scheme == static_cast<uint16_t>(SchemeId::codebook)) return {{"4-bit", 4}, {"3-bit", 3}};
  return {{"", 0}};
}

TensorRef BenchWeight::ref() const {
  TensorRef t{DType::f32, dims, const_cast<uint8_t*>(data.bytes)};
  t.scheme = data.scheme;
  t.stored_bytes = data.size;
  t.side = data.side;
  t.side_bytes = data.side_size;
  t.prepared = prepared.empty() ? nullptr : prepared.data();
  return t;
}

WeightView BenchWeight::view() const { return weight_view(ref(), "bench weight"); }

std::optional<BenchWeight> encode_bench_weight(uint16_t scheme, const WeightVariant& variant,
                                               const std::vector<float>& w, int64_t n, int64_t k) {
  BenchWeight out;
  out.dims = {n, k};
  switch (static_cast<SchemeId>(scheme)) {
    case SchemeId::f32_packed: out.data = encode_f32_packed(w.data(), out.dims); break;
    case SchemeId::f16: out.data = encode_f16(w.data(), out.dims); break;
    case SchemeId::i8_channel: out.data = encode_i8_channel(w.data(), out.dims); break;
    case SchemeId::q4_block: out.data = encode_q4_block(w.data(), out.dims, false); break;
    case SchemeId::q4_block_min: out.data = encode_q4_block(w.data(), out.dims, true); break;
    case SchemeId::codebook:
      out.data = encode_codebook(w.data(), out.dims, variant.codebook_bits, false, CodebookInit::linear, 10, 1);
      break;
    default: return std::nullopt;
  }
  const WeightView v = out.view();
  if (const size_t bytes = prepared_bytes(v)) {
    out.prepared.resize(bytes / sizeof(float) + 1);
    prepare_weight(v, out.prepared.data());
  }
  return out;
}

std::vector<float> normal_floats(size_t count, uint32_t seed, float scale) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.f, scale);
  std::vector<float> v(count);
  for (float& f : v) f = normal(rng);
  return v;
}

}  // namespace qc::bench
