#include "kernels/quant/weight_view.h"

#include <cmath>
#include <limits>
#include <span>

#include "common/checked_math.h"
#include "common/error.h"
#include "graph/op_table.h"
#include "schemes/codebook.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_matrix.h"

namespace qc {

namespace {

std::string dims_string(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
  return s + "]";
}

}  // namespace

bool try_weight_view(const TensorRef& t, WeightView* w) {
  if (t.scheme == static_cast<uint16_t>(SchemeId::dense)) return false;
  WeightMatrixShape shape;
  uint64_t elements = 0;
  if (t.dims.size() < 2 || !weight_matrix_shape(t.dims, &shape) ||
      !checked_product(t.dims, std::numeric_limits<int64_t>::max(), &elements))
    return false;
  const SchemeInfo* info = find_scheme(t.scheme);
  SchemeLayout want;
  const std::span<const uint8_t> side(t.side, t.side ? t.side_bytes : 0);
  if (!info || !info->layout(1, t.dtype, t.dims, elements, side, &want)) return false;
  if (want.payload_bytes != t.stored_bytes || want.side_bytes != t.side_bytes || (t.stored_bytes && !t.data) ||
      (t.side_bytes && !t.side))
    return false;
  w->scheme = t.scheme;
  w->n = shape.n;
  w->k = shape.k;
  w->payload = static_cast<const uint8_t*>(t.data);
  w->payload_bytes = t.stored_bytes;
  w->side = t.side;
  w->side_bytes = t.side_bytes;
  w->prepared = t.prepared;
  w->row_bytes = shape.n ? static_cast<size_t>(want.payload_bytes / static_cast<uint64_t>(shape.n)) : 0;
  if (t.scheme == static_cast<uint16_t>(SchemeId::codebook)) {
    const CodebookHeader h = load_codebook_header(t.side);
    w->codebook_bits = h.bits;
    w->codebook_per_channel = h.per_channel != 0;
  }
  return true;
}

namespace {

std::string node_label(const Node& node) { return std::string(op_name(node.op)) + " '" + node.name + "'"; }

}  // namespace

WeightView weight_view(const TensorRef& t, const std::string& where) {
  WeightView w;
  if (try_weight_view(t, &w)) return w;
  if (t.scheme == static_cast<uint16_t>(SchemeId::dense))
    fail(Errc::bad_tensor_record, where + ": dense tensor where a compressed weight was expected");
  WeightMatrixShape shape;
  uint64_t elements = 0;
  if (t.dims.size() < 2 || !weight_matrix_shape(t.dims, &shape) ||
      !checked_product(t.dims, std::numeric_limits<int64_t>::max(), &elements))
    fail(Errc::bad_tensor_record, where + ": shape " + dims_string(t.dims) + " is not a weight matrix [N, K...]");
  const std::span<const uint8_t> side(t.side, t.side ? t.side_bytes : 0);
  const SchemeLayout want = scheme_layout(t.scheme, 1, t.dtype, t.dims, elements, side, where);
  fail(Errc::bad_tensor_record, where + ": scheme '" + scheme_name(t.scheme) + "' needs " +
                                    std::to_string(want.payload_bytes) + " payload + " +
                                    std::to_string(want.side_bytes) + " side bytes, it has " +
                                    std::to_string(t.stored_bytes) + " + " + std::to_string(t.side_bytes));
}

WeightView weight_view(const TensorRef& t, const Node& node, const char* what) {
  WeightView w;
  if (try_weight_view(t, &w)) return w;
  return weight_view(t, node_label(node) + " " + what);
}

WeightView weight_rows(const WeightView& w, int64_t first, int64_t count) {
  WeightView v = w;
  v.row0 = w.row0 + first;
  v.n = count;
  return v;
}

bool float_weight_scheme(uint16_t scheme) {
  return scheme == static_cast<uint16_t>(SchemeId::dense) || scheme == static_cast<uint16_t>(SchemeId::f16) ||
         scheme == static_cast<uint16_t>(SchemeId::f32_packed);
}

ActQuant act_quant_from(const Node& node, uint16_t scheme) {
  ActQuant q;
  const int64_t mode = node.attr_i("x_quant", float_weight_scheme(scheme) ? kActF32 : kActDynamicI8);
  if (mode < kActF32 || mode > kActStaticI8)
    fail(Errc::invalid_model, node_label(node) + ": x_quant " + std::to_string(mode) +
                                  " is not 0 (float), 1 (dynamic int8) or 2 (static int8)");
  q.mode = static_cast<int>(mode);
  if (q.mode == kActStaticI8) {
    q.static_scale = node.attr_f("x_scale", 0.f);
    if (!(q.static_scale > 0) || !std::isfinite(q.static_scale))
      fail(Errc::invalid_model, node_label(node) + ": static int8 activations (x_quant 2) need a positive finite x_scale, got " +
                                    std::to_string(q.static_scale));
  }
  return q;
}

}  // namespace qc
