// Runs one op through its shape function and reference kernel with tensors of
// any dtype, for the elementwise / shape-op reference tests (ref_op_runner.h is
// the float-only runner of the Gemm/Conv tests; its make_node and require_error
// are reused here).
#pragma once
#include <cstring>

#include "kernels/ref/dtype_dispatch.h"
#include "ref_op_runner.h"

namespace qc::test {

struct Tensor {
  DType dtype = DType::f32;
  std::vector<int64_t> dims;
  std::vector<uint8_t> bytes;
  bool known = true;  // false: the shape function sees data == nullptr

  template <class T> static Tensor of(std::vector<int64_t> dims, const std::vector<T>& v) {
    Tensor t;
    t.dtype = dtype_of<T>();
    t.dims = std::move(dims);
    t.bytes.resize(v.size() * sizeof(T));
    if (!v.empty()) std::memcpy(t.bytes.data(), v.data(), t.bytes.size());
    return t;
  }
  static Tensor f32(std::vector<int64_t> dims, const std::vector<float>& v) { return of<float>(std::move(dims), v); }
  static Tensor i64(std::vector<int64_t> dims, const std::vector<int64_t>& v) { return of<int64_t>(std::move(dims), v); }
  static Tensor i32(std::vector<int64_t> dims, const std::vector<int32_t>& v) { return of<int32_t>(std::move(dims), v); }
  static Tensor u8(std::vector<int64_t> dims, const std::vector<uint8_t>& v) { return of<uint8_t>(std::move(dims), v); }
  static Tensor i8(std::vector<int64_t> dims, const std::vector<int8_t>& v) { return of<int8_t>(std::move(dims), v); }
  static Tensor boolean(std::vector<int64_t> dims, const std::vector<uint8_t>& v) {
    Tensor t = of<uint8_t>(std::move(dims), v);
    t.dtype = DType::boolean;
    return t;
  }
  // A tensor whose value the shape function does not know (dims may hold -1).
  static Tensor unknown(DType dtype, std::vector<int64_t> dims) {
    Tensor t;
    t.dtype = dtype;
    t.dims = std::move(dims);
    t.known = false;
    return t;
  }

  template <class T> std::vector<T> values() const {
    REQUIRE(bytes.size() % sizeof(T) == 0);
    std::vector<T> v(bytes.size() / sizeof(T));
    if (!v.empty()) std::memcpy(v.data(), bytes.data(), bytes.size());
    return v;
  }
  TensorRef ref(bool for_shape) const {
    void* p = (known || !for_shape) ? const_cast<uint8_t*>(bytes.data()) : nullptr;
    return TensorRef{dtype, dims, p};
  }
};

inline std::vector<TensorRef> typed_refs(const std::vector<const Tensor*>& inputs, bool for_shape) {
  std::vector<TensorRef> refs;
  for (const Tensor* t : inputs) refs.push_back(t ? t->ref(for_shape) : TensorRef{});
  return refs;
}

inline std::vector<const TensorRef*> typed_ptrs(const std::vector<const Tensor*>& inputs,
                                                const std::vector<TensorRef>& refs) {
  std::vector<const TensorRef*> in;
  for (size_t i = 0; i < inputs.size(); ++i) in.push_back(inputs[i] ? &refs[i] : nullptr);
  return in;
}

// Output dtype and dims from the shape function alone.
inline TensorRef infer(const Node& node, const std::vector<const Tensor*>& inputs) {
  const auto refs = typed_refs(inputs, true);
  std::vector<TensorRef> out(1);
  op_info(node.op).shape(node, typed_ptrs(inputs, refs), out);
  return out[0];
}

// Shape function then reference kernel; the output is poisoned first so every
// element must be written.
inline Tensor run(const Node& node, const std::vector<const Tensor*>& inputs) {
  TensorRef shape = infer(node, inputs);
  Tensor out;
  out.dtype = shape.dtype;
  out.dims = shape.dims;
  out.bytes.assign(static_cast<size_t>(shape.numel()) * dtype_size(shape.dtype), 0xA5);
  const auto refs = typed_refs(inputs, false);
  TensorRef o{out.dtype, out.dims, out.bytes.data()};
  op_info(node.op).ref_kernel(node, typed_ptrs(inputs, refs), {&o});
  return out;
}

inline Node node_of(OpId op, const std::string& name = "n") { return make_node(op, name); }

// 0, 1, ..., n-1 as floats.
inline std::vector<float> iota_f32(int n) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i) v[i] = float(i);
  return v;
}

// Elementwise |got - want| within 1e-6 absolute or `rel` relative.
inline void check_close(const std::vector<float>& got, const std::vector<float>& want, double rel = 1e-6) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i);
    CHECK(got[i] == Approx(want[i]).margin(1e-6).epsilon(rel));
  }
}

}  // namespace qc::test
