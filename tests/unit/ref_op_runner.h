// Runs one op through its shape function and reference kernel, for the
// reference-kernel unit tests.
#pragma once
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "graph/ir.h"
#include "graph/op_table.h"
#include "runtime/tensor.h"

namespace qc::test {

struct HostTensor {
  std::vector<int64_t> dims;
  std::vector<float> data;
  DType dtype = DType::f32;

  TensorRef ref() const { return TensorRef{dtype, dims, const_cast<float*>(data.data())}; }
};

struct OpResult {
  std::vector<int64_t> dims;
  std::vector<float> data;
  std::vector<int64_t> indices;  // second output, when requested and int64
  std::vector<int64_t> indices_dims;
};

inline Node make_node(OpId op, const std::string& name) {
  Node n;
  n.op = op;
  n.name = name;
  return n;
}

// `inputs` may hold nullptr for an omitted optional input.
inline std::vector<TensorRef> output_shapes(const Node& node, const std::vector<const HostTensor*>& inputs, size_t outputs = 1) {
  std::vector<TensorRef> refs;
  for (const HostTensor* t : inputs) refs.push_back(t ? t->ref() : TensorRef{});
  std::vector<const TensorRef*> in;
  for (size_t i = 0; i < inputs.size(); ++i) in.push_back(inputs[i] ? &refs[i] : nullptr);
  std::vector<TensorRef> out(outputs);
  op_info(node.op).shape(node, in, out);
  return out;
}

inline std::vector<int64_t> output_dims(const Node& node, const std::vector<const HostTensor*>& inputs) {
  return output_shapes(node, inputs)[0].dims;
}

inline OpResult run_op(const Node& node, const std::vector<const HostTensor*>& inputs, size_t outputs = 1) {
  std::vector<TensorRef> refs;
  for (const HostTensor* t : inputs) refs.push_back(t ? t->ref() : TensorRef{});
  std::vector<const TensorRef*> in;
  for (size_t i = 0; i < inputs.size(); ++i) in.push_back(inputs[i] ? &refs[i] : nullptr);
  std::vector<TensorRef> out(outputs);
  op_info(node.op).shape(node, in, out);

  OpResult r;
  r.dims = out[0].dims;
  r.data.assign(static_cast<size_t>(out[0].numel()), -12345.f);  // poison: every element must be written
  out[0].data = r.data.data();
  if (outputs > 1) {
    REQUIRE(out[1].dtype == DType::i64);
    r.indices_dims = out[1].dims;
    r.indices.assign(static_cast<size_t>(out[1].numel()), -12345);
    out[1].data = r.indices.data();
  }
  std::vector<TensorRef*> out_ptrs;
  for (auto& o : out) out_ptrs.push_back(&o);
  op_info(node.op).ref_kernel(node, in, out_ptrs);
  return r;
}

template <class F>
void require_error(F&& f, Errc code, const std::string& needle) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(errc_name(e.code()) == std::string(errc_name(code)));
    CHECK_THAT(std::string(e.what()), Catch::Contains(needle));
    return;
  }
  FAIL("expected qc::Error " << errc_name(code) << " mentioning '" << needle << "'");
}

inline void require_near(const std::vector<float>& got, const std::vector<float>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i);
    CHECK(got[i] == Approx(want[i]).margin(1e-6));
  }
}

}  // namespace qc::test
