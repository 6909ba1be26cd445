// ReduceMean ReduceSum ReduceMax: axes from input 1 (ReduceSum opset 13+, all
// opset 18+) or attr "axes"; keepdims (default 1); noop_with_empty_axes.
#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kernels/ref/broadcast.h"
#include "kernels/ref/dtype_dispatch.h"

namespace qc {

namespace {

struct ReduceSpec {
  bool noop = false;
  std::vector<int64_t> keep_dims;  // input dims with reduced dims set to 1
  std::vector<int64_t> out_dims;
};

ReduceSpec reduce_spec(const Node& node, const std::vector<const TensorRef*>& in) {
  const TensorRef& x = req_input(node, in, 0);
  std::vector<int64_t> axes;
  if (const TensorRef* a = optional_input(in, 1)) axes = read_int_input(node, *a, "axes (input 1)");
  else axes = node.attr_ints("axes");
  const int64_t rank = static_cast<int64_t>(x.dims.size());
  ReduceSpec s;
  s.keep_dims = x.dims;
  if (axes.empty()) {
    if (node.attr_i("noop_with_empty_axes", 0) != 0) {
      s.noop = true;
      s.out_dims = x.dims;
      return s;
    }
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  }
  axes = normalize_axes(node, axes, rank);
  for (int64_t a : axes) s.keep_dims[a] = 1;
  const bool keepdims = node.attr_i("keepdims", 1) != 0;
  for (int64_t d = 0; d < rank; ++d) {
    const bool reduced = std::find(axes.begin(), axes.end(), d) != axes.end();
    if (!reduced || keepdims) s.out_dims.push_back(s.keep_dims[d]);
  }
  return s;
}

enum class ReduceKind { sum, mean, max };

template <class T> void reduce_kernel(const ReduceSpec& s, const TensorRef& x, const TensorRef& y, ReduceKind kind) {
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;
  const int64_t out_n = y.numel();
  Acc init = 0;
  if (kind == ReduceKind::max) {
    if constexpr (std::is_floating_point_v<Acc>) init = -std::numeric_limits<Acc>::infinity();
    else init = std::numeric_limits<Acc>::lowest();
  }
  std::vector<Acc> acc(static_cast<size_t>(out_n), init);
  const auto plan = plan_broadcast<2>(x.dims, {&x.dims, &s.keep_dims});
  const T* px = x.as<const T>();
  Acc* pa = acc.data();
  for_each_broadcast_row(plan, [&](const std::array<int64_t, 2>& off, int64_t, int64_t n,
                                   const std::array<int64_t, 2>& st) {
    const T* xs = px + off[0];
    Acc* as = pa + off[1];
    for (int64_t j = 0; j < n; ++j) {
      Acc& a = as[j * st[1]];
      const Acc v = static_cast<Acc>(xs[j]);
      if (kind == ReduceKind::max) a = (v > a || v != v) ? v : a;
      else a = wrap_add(a, v);
    }
  });
  const int64_t count = out_n ? x.numel() / out_n : 0;
  T* py = y.as<T>();
  for (int64_t i = 0; i < out_n; ++i) {
    Acc a = acc[static_cast<size_t>(i)];
    if (kind == ReduceKind::mean) a = count ? a / static_cast<Acc>(count) : a;
    py[i] = static_cast<T>(a);
  }
}

void run_reduce(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out,
                ReduceKind kind) {
  const ReduceSpec s = reduce_spec(node, in);
  if (s.noop) {
    std::memcpy(out[0]->data, in[0]->data, out[0]->bytes());
    return;
  }
  dispatch_dtype(Types<float, int64_t, int32_t>{}, node, in[0]->dtype,
                 [&]<class T>(TypeTag<T>) { reduce_kernel<T>(s, *in[0], *out[0], kind); });
}

}  // namespace

void shape_reduce(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const ReduceSpec s = reduce_spec(node, in);
  require_dtype(node, in[0]->dtype, {DType::f32, DType::i64, DType::i32}, "input");
  out[0].dtype = in[0]->dtype;
  out[0].dims = s.out_dims;
}

void ref_reduce_mean(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  run_reduce(node, in, out, ReduceKind::mean);
}

void ref_reduce_sum(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  run_reduce(node, in, out, ReduceKind::sum);
}

void ref_reduce_max(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  run_reduce(node, in, out, ReduceKind::max);
}

}  // namespace qc
