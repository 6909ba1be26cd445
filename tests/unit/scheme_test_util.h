// Helpers for the weight-scheme tests: random weights, a one-Gemm bundle holding a
// compressed weight, and patching its tensor record / side data.
#pragma once
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "format/bundle.h"
#include "schemes/weight_decode.h"
#include "test_format_util.h"

namespace qc::test {

inline std::vector<float> random_weights(size_t count, uint32_t seed, float stddev = 0.1f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, stddev);
  std::vector<float> w(count);
  for (float& x : w) x = dist(rng);
  return w;
}

// The Errc that fn() throws (a qc::Error), or Errc::ok when it returns.
template <class Fn>
Errc code_of(Fn fn) {
  try {
    fn();
    return Errc::ok;
  } catch (const Error& e) {
    return e.code();
  }
}

inline uint64_t product(const std::vector<int64_t>& dims) {
  uint64_t p = 1;
  for (int64_t d : dims) p *= static_cast<uint64_t>(d);
  return p;
}

// x[-1, K] -> Gemm(x, w[N, K], transB=1) -> y for each weight; every y is an output.
inline Graph gemm_graph(const std::vector<std::pair<ConstData, std::vector<int64_t>>>& weights) {
  Graph g;
  g.name = "schemes";
  const int64_t k = static_cast<int64_t>(product(weights.at(0).second) / weights.at(0).second[0]);
  const int x = add_act(g, "x", DType::f32, {-1, k});
  g.inputs = {x};
  for (size_t i = 0; i < weights.size(); ++i) {
    Value v;
    v.name = "w" + std::to_string(i);
    v.dtype = DType::f32;
    v.dims = weights[i].second;
    v.constant = weights[i].first;
    const int w = g.add_value(std::move(v));
    const int y = add_act(g, "y" + std::to_string(i), DType::f32, {-1, weights[i].second[0]});
    Node n;
    n.op = OpId::Gemm;
    n.name = "fc" + std::to_string(i);
    n.inputs = {x, w};
    n.outputs = {y};
    n.set_i("transB", 1);
    g.nodes.push_back(std::move(n));
    g.outputs.push_back(y);
  }
  return g;
}

inline std::vector<uint8_t> one_weight_bundle(const ConstData& c, const std::vector<int64_t>& dims) {
  return write_bundle(gemm_graph({{c, dims}}), "{}");
}

// File offset of the first tensor record's header.
inline size_t first_record_offset(const std::vector<uint8_t>& f) {
  return entry_of(f, bundle::SectionKind::tensors).offset + bundle::kTensorSectionHeaderSize;
}

template <class T> void poke_record(std::vector<uint8_t>& f, size_t field_offset, T v) {
  poke<T>(f, first_record_offset(f) + field_offset, v);
  reseal(f);
}

// File offset of the first record's side data.
inline size_t first_side_offset(const std::vector<uint8_t>& f) {
  const auto side = peek<uint64_t>(f, first_record_offset(f) + offsetof(bundle::TensorRecordHeader, side_offset));
  return entry_of(f, bundle::SectionKind::data).offset + side;
}

inline std::vector<float> decode(const ConstData& c, const std::vector<int64_t>& dims) {
  return decode_weight(c, DType::f32, dims, "test");
}

// The reader's verdict when the first record's payload or side size is off by `delta`.
inline Errc read_with_size_delta(const ConstData& c, const std::vector<int64_t>& dims, bool side, int64_t delta,
                                 std::string* message = nullptr) {
  auto f = one_weight_bundle(c, dims);
  using H = bundle::TensorRecordHeader;
  const size_t field = side ? offsetof(H, side_size) : offsetof(H, payload_size);
  const auto size = peek<uint64_t>(f, first_record_offset(f) + field);
  poke_record<uint64_t>(f, field, static_cast<uint64_t>(static_cast<int64_t>(size) + delta));
  return read_code(f, message);
}

}  // namespace qc::test
