// Pad in mode constant / reflect / edge. Pads come from input 1 (opset 11+) or
// attr "pads"; the constant from input 2 or attr "value"; optional input 3
// (opset 18) lists the axes the pads apply to. Negative pads crop.
#include <algorithm>
#include <cstring>

#include "kernels/ref/dtype_dispatch.h"

namespace qc {

namespace {

enum class PadMode { constant, reflect, edge };

struct PadSpec {
  PadMode mode = PadMode::constant;
  std::vector<int64_t> begin, end;  // per input dim
};

PadSpec pad_spec(const Node& node, const std::vector<const TensorRef*>& in) {
  const TensorRef& x = req_input(node, in, 0);
  const int64_t rank = static_cast<int64_t>(x.dims.size());
  PadSpec s;
  const std::string mode = node.attr_s("mode", "constant");
  if (mode == "reflect") s.mode = PadMode::reflect;
  else if (mode == "edge") s.mode = PadMode::edge;
  else if (mode != "constant")
    fail_node(node, Errc::unsupported_op, "mode '" + mode + "' is not supported (constant, reflect, edge)");

  std::vector<int64_t> pads;
  if (const TensorRef* p = optional_input(in, 1)) pads = read_int_input(node, *p, "pads (input 1)");
  else if (node.attr("pads")) pads = node.attr_ints("pads");
  else fail_node(node, Errc::shape_mismatch, "pads are required (input 1 or attr 'pads')");

  std::vector<int64_t> axes;
  if (const TensorRef* a = optional_input(in, 3)) {
    axes = normalize_axes(node, read_int_input(node, *a, "axes (input 3)"), rank);
  } else {
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  }
  if (pads.size() != 2 * axes.size())
    fail_node(node, Errc::shape_mismatch,
            "pads has " + std::to_string(pads.size()) + " values, expected " + std::to_string(2 * axes.size()));
  s.begin.assign(rank, 0);
  s.end.assign(rank, 0);
  for (size_t i = 0; i < axes.size(); ++i) {
    s.begin[axes[i]] = pads[i];
    s.end[axes[i]] = pads[i + axes.size()];
  }
  return s;
}

// Source index along one axis of size n for output index o (begin pad b), or -1
// where the output takes the constant.
int64_t pad_source(PadMode mode, int64_t o, int64_t b, int64_t n) {
  int64_t i = o - b;
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case PadMode::constant: return -1;
    case PadMode::edge: return i < 0 ? 0 : n - 1;
    case PadMode::reflect: {
      if (n == 1) return 0;
      const int64_t period = 2 * (n - 1);
      i %= period;
      if (i < 0) i += period;
      return i < n ? i : period - i;
    }
  }
  return -1;
}

// The pad constant as an element of dtype t, from input 2 or attr "value".
template <class T> T pad_constant(const Node& node, const std::vector<const TensorRef*>& in) {
  if (const TensorRef* v = optional_input(in, 2)) return *v->as<const T>();
  const float f = node.attr_f("value", 0.f);
  const DType t = in[0]->dtype;
  T out{};
  if (t == DType::f32) {
    if constexpr (sizeof(T) == sizeof(float)) std::memcpy(&out, &f, sizeof f);
  } else if (t == DType::i64) out = static_cast<T>(float_to_int<int64_t>(f));
  else if (t == DType::i32) out = static_cast<T>(float_to_int<int32_t>(f));
  else if (t == DType::u8) out = static_cast<T>(float_to_int<uint8_t>(f));
  else if (t == DType::i8) out = static_cast<T>(float_to_int<int8_t>(f));
  else if (t == DType::boolean) out = static_cast<T>(f != 0);
  else if (f != 0) fail_node(node, Errc::dtype_mismatch, std::string("attr 'value' cannot be converted to ") + dtype_name(t));
  return out;
}

template <class T>
void pad_kernel(const PadSpec& s, const TensorRef& x, const TensorRef& y, T value) {
  const size_t rank = x.dims.size();
  const T* src = x.as<const T>();
  T* dst = y.as<T>();
  if (rank == 0) {
    *dst = *src;
    return;
  }
  if (y.numel() == 0) return;
  std::vector<std::vector<int64_t>> maps(rank);
  for (size_t d = 0; d < rank; ++d) {
    maps[d].resize(static_cast<size_t>(y.dims[d]));
    for (int64_t o = 0; o < y.dims[d]; ++o) maps[d][o] = pad_source(s.mode, o, s.begin[d], x.dims[d]);
  }
  const std::vector<int64_t> strides = row_major_strides(x.dims);
  const int64_t n = y.dims[rank - 1];
  const std::vector<int64_t>& last = maps[rank - 1];
  std::vector<int64_t> idx(rank - 1, 0);
  for (T* row = dst, *stop = dst + y.numel(); row < stop; row += n) {
    int64_t base = 0;
    bool padded = false;
    for (size_t d = 0; d + 1 < rank; ++d) {
      const int64_t m = maps[d][idx[d]];
      padded |= m < 0;
      base += m * strides[d];
    }
    if (padded) {
      std::fill(row, row + n, value);
    } else {
      for (int64_t j = 0; j < n; ++j) row[j] = last[j] < 0 ? value : src[base + last[j]];
    }
    for (size_t d = rank - 1; d-- > 0;) {
      if (++idx[d] < y.dims[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace

void shape_pad(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const TensorRef& x = req_input(node, in, 0);
  if (dtype_size(x.dtype) == 0) fail_node(node, Errc::dtype_mismatch, "input has no valid dtype");
  const PadSpec s = pad_spec(node, in);
  if (const TensorRef* v = optional_input(in, 2)) {
    if (v->dtype != x.dtype)
      fail_node(node, Errc::dtype_mismatch,
              std::string("constant_value has dtype ") + dtype_name(v->dtype) + " but input has " + dtype_name(x.dtype));
    if (v->numel() != 1)
      fail_node(node, Errc::shape_mismatch, "constant_value must be a scalar, got dims " + dims_text(v->dims));
  }
  std::vector<int64_t> dims = x.dims;
  for (size_t d = 0; d < dims.size(); ++d) {
    if (dims[d] < 0) continue;
    if (s.mode != PadMode::constant && dims[d] == 0 && (s.begin[d] > 0 || s.end[d] > 0))
      fail_node(node, Errc::shape_mismatch, "cannot reflect/edge-pad axis " + std::to_string(d) + " of size 0");
    int64_t v = 0;
    if (__builtin_add_overflow(dims[d], s.begin[d], &v) || __builtin_add_overflow(v, s.end[d], &v) || v < 0)
      fail_node(node, Errc::shape_mismatch,
              "pads " + std::to_string(s.begin[d]) + ", " + std::to_string(s.end[d]) + " are invalid for axis " +
                  std::to_string(d) + " of size " + std::to_string(dims[d]));
    dims[d] = v;
  }
  dims_numel(node, dims);
  out[0].dtype = x.dtype;
  out[0].dims = dims;
}

void ref_pad(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const PadSpec s = pad_spec(node, in);
  dispatch_elem_size(node, in[0]->dtype, [&]<class T>(TypeTag<T>) {
    pad_kernel<T>(s, *in[0], *out[0], pad_constant<T>(node, in));
  });
}

}  // namespace qc
