// MaxPool, AveragePool (ONNX opsets 11-17), 1 to 3 spatial dims: attrs
// kernel_shape (required), strides, dilations, pads, auto_pad, ceil_mode;
// AveragePool count_include_pad; MaxPool storage_order for its optional Indices
// output (int64 flat indices into X, row-major or, with storage_order 1,
// column-major over the spatial dims). GlobalAveragePool, GlobalMaxPool reduce
// every spatial dim to 1.
#include <cmath>

#include "kernels/ref/conv_geometry.h"
#include "kernels/ref/op_checks.h"

namespace qc {

namespace {

struct PoolDims {
  int64_t batch = 0, channels = 0;
  WindowGeometry geom;
};

const TensorRef& pool_input(const Node& node, const std::vector<const TensorRef*>& in) {
  const TensorRef& x = required_f32_input(node, in, 0, "X");
  if (x.dims.size() < 3)
    fail_node(node, Errc::shape_mismatch, "X must have rank >= 3 (N, C, spatial...), got " + dims_text(x.dims));
  return x;
}

PoolDims pool_dims(const Node& node, const std::vector<const TensorRef*>& in) {
  const TensorRef& x = pool_input(node, in);
  const Attr* kernel = node.attr("kernel_shape");
  if (!kernel) fail_node(node, Errc::shape_mismatch, "missing attribute kernel_shape");
  if (node.op == OpId::MaxPool) {
    const int64_t order = node.attr_i("storage_order", 0);
    if (order != 0 && order != 1) fail_node(node, Errc::shape_mismatch, "storage_order " + std::to_string(order) + " must be 0 or 1");
  }
  PoolDims d;
  d.batch = x.dims[0];
  d.channels = x.dims[1];
  const std::vector<int64_t> spatial(x.dims.begin() + 2, x.dims.end());
  d.geom = window_geometry(node, WindowKind::pool, spatial, kernel->ints);
  return d;
}

// Per spatial dim, for each output position: the kernel taps that read inside X
// and, for count_include_pad, the number of taps inside the padded X.
struct TapTable {
  std::vector<IndexRange> inside[WindowGeometry::kMaxRank];
  std::vector<int64_t> padded_count[WindowGeometry::kMaxRank];

  explicit TapTable(const WindowGeometry& g) {
    for (int i = 0; i < WindowGeometry::kMaxRank; ++i) {
      for (int64_t o = 0; o < g.out[i]; ++o) {
        inside[i].push_back(taps_inside(o, g.stride[i], g.dilation[i], g.pad_begin[i], g.in[i], g.kernel[i]));
        const IndexRange padded =
            taps_inside(o, g.stride[i], g.dilation[i], 0, g.in[i] + g.pad_begin[i] + g.pad_end[i], g.kernel[i]);
        padded_count[i].push_back(padded.hi - padded.lo);
      }
    }
  }
};

int64_t input_pos(const WindowGeometry& g, int i, int64_t o, int64_t k) {
  return o * g.stride[i] + k * g.dilation[i] - g.pad_begin[i];
}

}  // namespace

void shape_pool(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const PoolDims d = pool_dims(node, in);
  const bool indices = node.op == OpId::MaxPool && out.size() == 2;
  if (out.size() != 1 && !indices)
    fail_node(node, Errc::shape_mismatch, std::to_string(out.size()) + " outputs requested, " + op_name(node.op) + " has " +
                                              (node.op == OpId::MaxPool ? "Y and optional Indices" : "only Y"));
  out[0].dtype = DType::f32;
  out[0].dims = {d.batch, d.channels};
  for (int64_t o : d.geom.out_dims()) out[0].dims.push_back(o);
  if (indices) out[1] = TensorRef{DType::i64, out[0].dims, nullptr};
}

void ref_max_pool(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const PoolDims d = pool_dims(node, in);
  const WindowGeometry& g = d.geom;
  const TapTable taps(g);
  const float* x = in[0]->as<const float>();
  float* y = out[0]->as<float>();
  int64_t* indices = out.size() > 1 && out[1] ? out[1]->as<int64_t>() : nullptr;
  const bool column_major = node.attr_i("storage_order", 0) == 1;
  const int64_t in_plane = g.in_size(), out_plane = g.out_size();

  for (int64_t plane = 0; plane < d.batch * d.channels; ++plane) {
    const float* xp = x + plane * in_plane;
    int64_t yi = plane * out_plane;
    for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
      const IndexRange r0 = taps.inside[0][o0];
      for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
        const IndexRange r1 = taps.inside[1][o1];
        for (int64_t o2 = 0; o2 < g.out[2]; ++o2, ++yi) {
          const IndexRange r2 = taps.inside[2][o2];
          float best = -INFINITY;
          int64_t b0 = -1, b1 = 0, b2 = 0;
          for (int64_t k0 = r0.lo; k0 < r0.hi; ++k0) {
            const int64_t i0 = input_pos(g, 0, o0, k0);
            for (int64_t k1 = r1.lo; k1 < r1.hi; ++k1) {
              const int64_t i1 = input_pos(g, 1, o1, k1);
              const float* xr = xp + (i0 * g.in[1] + i1) * g.in[2];
              for (int64_t k2 = r2.lo; k2 < r2.hi; ++k2) {
                const int64_t i2 = input_pos(g, 2, o2, k2);
                if (b0 < 0 || xr[i2] > best) best = xr[i2], b0 = i0, b1 = i1, b2 = i2;
              }
            }
          }
          y[yi] = best;
          if (indices) {
            const int64_t at = column_major ? b0 + (b1 + b2 * g.in[1]) * g.in[0] : (b0 * g.in[1] + b1) * g.in[2] + b2;
            indices[yi] = b0 < 0 ? -1 : plane * in_plane + at;
          }
        }
      }
    }
  }
}

void ref_average_pool(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const PoolDims d = pool_dims(node, in);
  const WindowGeometry& g = d.geom;
  const TapTable taps(g);
  const float* x = in[0]->as<const float>();
  float* y = out[0]->as<float>();
  const bool count_pads = node.attr_i("count_include_pad", 0) != 0;
  const int64_t in_plane = g.in_size(), out_plane = g.out_size();

  for (int64_t plane = 0; plane < d.batch * d.channels; ++plane) {
    const float* xp = x + plane * in_plane;
    int64_t yi = plane * out_plane;
    for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
      const IndexRange r0 = taps.inside[0][o0];
      for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
        const IndexRange r1 = taps.inside[1][o1];
        for (int64_t o2 = 0; o2 < g.out[2]; ++o2, ++yi) {
          const IndexRange r2 = taps.inside[2][o2];
          float sum = 0;
          for (int64_t k0 = r0.lo; k0 < r0.hi; ++k0) {
            const int64_t i0 = input_pos(g, 0, o0, k0);
            for (int64_t k1 = r1.lo; k1 < r1.hi; ++k1) {
              const float* xr = xp + (i0 * g.in[1] + input_pos(g, 1, o1, k1)) * g.in[2];
              for (int64_t k2 = r2.lo; k2 < r2.hi; ++k2) sum += xr[input_pos(g, 2, o2, k2)];
            }
          }
          const int64_t count = count_pads ? taps.padded_count[0][o0] * taps.padded_count[1][o1] * taps.padded_count[2][o2]
                                           : (r0.hi - r0.lo) * (r1.hi - r1.lo) * (r2.hi - r2.lo);
          y[yi] = count > 0 ? sum / static_cast<float>(count) : 0.f;
        }
      }
    }
  }
}

void shape_global_pool(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const TensorRef& x = pool_input(node, in);
  out[0].dtype = DType::f32;
  out[0].dims = x.dims;
  for (size_t i = 2; i < x.dims.size(); ++i) out[0].dims[i] = 1;
}

namespace {

// Calls reduce(plane_begin, plane_size) for each (image, channel) plane of X.
template <class Reduce>
void global_pool(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out, Reduce reduce) {
  const TensorRef& x = pool_input(node, in);
  int64_t plane_size = 1;
  for (size_t i = 2; i < x.dims.size(); ++i) plane_size *= x.dims[i];
  const float* xp = x.as<const float>();
  float* y = out[0]->as<float>();
  for (int64_t p = 0; p < x.dims[0] * x.dims[1]; ++p) y[p] = reduce(xp + p * plane_size, plane_size);
}

}  // namespace

void ref_global_average_pool(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  global_pool(node, in, out, [](const float* v, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += v[i];
    return n > 0 ? sum / static_cast<float>(n) : 0.f;
  });
}

void ref_global_max_pool(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  global_pool(node, in, out, [](const float* v, int64_t n) {
    float best = n > 0 ? v[0] : -INFINITY;
    for (int64_t i = 1; i < n; ++i) best = v[i] > best ? v[i] : best;
    return best;
  });
}

}  // namespace qc
