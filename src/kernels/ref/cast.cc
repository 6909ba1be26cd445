// Cast (attr "to") between f32, i64, i32, u8, i8 and bool. Float to integer
// truncates toward zero; anything to bool is (x != 0).
#include <type_traits>

#include "kernels/ref/dtype_dispatch.h"

namespace qc {

namespace {

using CastTypes = Types<float, int64_t, int32_t, uint8_t, int8_t, Bool8>;

constexpr std::initializer_list<DType> kCastDTypes = {DType::f32, DType::i64, DType::i32,
                                                      DType::u8,  DType::i8,  DType::boolean};

template <class To, class From> To cast_value(From x) {
  if constexpr (std::is_same_v<From, Bool8>) {
    return cast_value<To>(static_cast<uint8_t>(x.v != 0));
  } else if constexpr (std::is_same_v<To, Bool8>) {
    return Bool8{static_cast<uint8_t>(x != 0)};
  } else if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    return float_to_int<To>(x);
  } else {
    return static_cast<To>(x);
  }
}

DType cast_target(const Node& node) {
  const int64_t to = node.attr_i("to", 0);
  if (!node.attr("to")) fail_node(node, Errc::invalid_model, "attr 'to' is required");
  const DType t = (to > 0 && to < 256 && dtype_valid(static_cast<uint8_t>(to))) ? static_cast<DType>(to)
                                                                                 : DType::undefined;
  if (!dtype_in(t, kCastDTypes))
    fail_node(node, Errc::dtype_mismatch, "cast to ONNX type " + std::to_string(to) + " is not supported");
  return t;
}

}  // namespace

void shape_cast(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const TensorRef& x = req_input(node, in, 0);
  require_dtype(node, x.dtype, kCastDTypes, "input");
  out[0].dtype = cast_target(node);
  out[0].dims = x.dims;
}

void ref_cast(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const int64_t n = out[0]->numel();
  dispatch_dtype(CastTypes{}, node, in[0]->dtype, [&]<class From>(TypeTag<From>) {
    dispatch_dtype(CastTypes{}, node, out[0]->dtype, [&]<class To>(TypeTag<To>) {
      const From* x = in[0]->as<const From>();
      To* y = out[0]->as<To>();
      for (int64_t i = 0; i < n; ++i) y[i] = cast_value<To>(x[i]);
    });
  });
}

}  // namespace qc
