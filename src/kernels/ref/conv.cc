// Conv (ONNX opsets 11-17), 1 to 3 spatial dims: X [N, C, spatial...],
// W [M, C / group, kernel...], optional bias B [M]; attrs group, kernel_shape,
// strides, dilations, pads, auto_pad. The fused activation of graph/activation.h
// is applied to Y.
// A compressed W (scheme != 0, only as a constant; 2-D convolutions only) is read
// in its scheme: f32_packed by the SIMD implicit GEMM of kernels/simd/conv_f32_packed
// (when SIMD128 is compiled in), the other schemes by im2col + compressed_gemm.
#include <algorithm>
#include <vector>

#include "common/parallel.h"
#include "graph/activation.h"
#include "kernels/quant/compressed_conv.h"
#include "kernels/quant/compressed_gemm.h"
#include "kernels/ref/conv_geometry.h"
#include "kernels/ref/op_checks.h"
#include "kernels/simd/conv_f32_packed.h"
#include "schemes/scheme_table.h"

namespace qc {

namespace {

struct ConvDims {
  int64_t batch = 0, in_channels = 0, out_channels = 0, group = 1;
  WindowGeometry geom;
};

std::vector<int64_t> kernel_dims(const Node& node, const TensorRef& w) {
  std::vector<int64_t> kernel(w.dims.begin() + 2, w.dims.end());
  const Attr* attr = node.attr("kernel_shape");
  if (!attr) return kernel;
  if (attr->ints.size() != kernel.size())
    fail_node(node, Errc::shape_mismatch, "kernel_shape has " + std::to_string(attr->ints.size()) + " values, W is " + dims_text(w.dims));
  for (size_t i = 0; i < kernel.size(); ++i) {
    if (dim_known(kernel[i]) && kernel[i] != attr->ints[i])
      fail_node(node, Errc::shape_mismatch, "kernel_shape " + dims_text(attr->ints) + " disagrees with W " + dims_text(w.dims));
    kernel[i] = attr->ints[i];
  }
  return kernel;
}

ConvDims conv_dims(const Node& node, const std::vector<const TensorRef*>& in) {
  const TensorRef& x = required_f32_input(node, in, 0, "X");
  const TensorRef& w = required_f32_input(node, in, 1, "W");
  if (x.dims.size() < 3)
    fail_node(node, Errc::shape_mismatch, "X must have rank >= 3 (N, C, spatial...), got " + dims_text(x.dims));
  if (w.dims.size() != x.dims.size())
    fail_node(node, Errc::shape_mismatch, "W " + dims_text(w.dims) + " and X " + dims_text(x.dims) + " differ in rank");
  if (w.scheme != 0 && x.dims.size() != 4)
    fail_node(node, Errc::unsupported_op, std::string("compressed weight W (scheme '") + scheme_name(w.scheme) +
                                              "') is supported for 2-D convolutions only, X is " + dims_text(x.dims));

  ConvDims d;
  d.batch = x.dims[0];
  d.in_channels = x.dims[1];
  d.out_channels = w.dims[0];
  d.group = node.attr_i("group", 1);
  if (d.group < 1) fail_node(node, Errc::shape_mismatch, "group " + std::to_string(d.group) + " must be >= 1");
  const int64_t c = d.in_channels, m = d.out_channels, g = d.group;
  if (dim_known(m) && m % g != 0)
    fail_node(node, Errc::shape_mismatch, "W has " + std::to_string(m) + " output channels, not divisible by group " + std::to_string(g));
  if (dim_known(c) && c % g != 0)
    fail_node(node, Errc::shape_mismatch, "X has " + std::to_string(c) + " channels, not divisible by group " + std::to_string(g));
  if (dim_known(c) && dim_known(w.dims[1]) && w.dims[1] * g != c)
    fail_node(node, Errc::shape_mismatch,
              "W " + dims_text(w.dims) + " expects " + std::to_string(w.dims[1]) + " channels per group, X " + dims_text(x.dims) +
                  " has " + std::to_string(c) + " channels in " + std::to_string(g) + " group(s)");

  if (const TensorRef* b = optional_input(in, 2)) {
    if (b->dtype != DType::f32)
      fail_node(node, Errc::dtype_mismatch, std::string("input B is ") + dtype_name(b->dtype) + ", only float32 is supported");
    if (b->dims.size() != 1 || (dim_known(b->dims[0]) && dim_known(m) && b->dims[0] != m))
      fail_node(node, Errc::shape_mismatch, "bias " + dims_text(b->dims) + " must be [" + std::to_string(m) + "]");
  }

  const std::vector<int64_t> spatial(x.dims.begin() + 2, x.dims.end());
  d.geom = window_geometry(node, WindowKind::conv, spatial, kernel_dims(node, w));
  return d;
}

// Per image and group: an f32_packed weight (SIMD128 builds) runs the implicit GEMM
// of kernels/simd/conv_f32_packed; the other schemes CompressedConv. Bias and
// activation are applied by the kernels.
void conv_compressed(const Node& node, const ConvDims& d, const std::vector<const TensorRef*>& in, float* y) {
  const WindowGeometry& g = d.geom;
  const WeightView w = weight_view(*in[1], node, "weight W");
  const ActQuant aq = act_quant_from(node, w.scheme);
  check_compressed_gemm(w, aq, node);
  const float* x = in[0]->as<const float>();
  const TensorRef* b_ref = optional_input(in, 2);
  const float* bias = b_ref ? b_ref->as<const float>() : nullptr;
  const Activation act = Activation::from(node);
  const bool packed_simd =
      QC_SIMD128 && w.scheme == static_cast<uint16_t>(SchemeId::f32_packed) && aq.mode == kActF32;
  const int64_t C = d.in_channels, M = d.out_channels;
  const int64_t c_per_group = C / d.group, m_per_group = M / d.group;
  const int64_t in_plane = g.in_size(), out_plane = g.out_size();
  const CompressedConv unfolded(g, c_per_group, d.group, w, aq, act);
  // Threads take whole (image, group) planes, unfolding included; a single im2col
  // plane (batch 1) is split inside compressed_gemm instead. Same results either way.
  const auto planes = [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      const int64_t n = plane / d.group, grp = plane % d.group;
      const WeightView wg = weight_rows(w, grp * m_per_group, m_per_group);
      CompressedConvPlane p;
      p.x = x + (n * C + grp * c_per_group) * in_plane;
      p.w = &wg;
      p.bias = bias ? bias + grp * m_per_group : nullptr;
      p.y = y + (n * M + grp * m_per_group) * out_plane;
      p.group = grp;
#if QC_SIMD128
      if (packed_simd) {
        ConvF32PackedArgs a;
        a.x = p.x;
        a.channels = c_per_group;
        a.g = &g;
        a.w = p.w;
        a.bias = p.bias;
        a.act = act;
        a.y = p.y;
        conv2d_f32_packed_simd(a);
        continue;
      }
#endif
      unfolded.run(p);
    }
  };
  if constexpr (kThreadsBuilt)
    parallel_for(d.batch * d.group, 1, planes);
  else
    planes(0, d.batch * d.group);
}

}  // namespace

void shape_conv(const Node& node, const std::vector<const TensorRef*>& in, std::vector<TensorRef>& out) {
  const ConvDims d = conv_dims(node, in);
  out[0].dtype = DType::f32;
  out[0].dims = {d.batch, d.out_channels};
  for (int64_t o : d.geom.out_dims()) out[0].dims.push_back(o);
}

// Direct convolution: for each (image, output channel), every input channel of
// its group and every kernel tap adds a scaled input row to each output row; the
// innermost loop runs over contiguous output elements.
void ref_conv(const Node& node, const std::vector<const TensorRef*>& in, const std::vector<TensorRef*>& out) {
  const ConvDims d = conv_dims(node, in);
  if (in[1]->scheme != 0) {
    conv_compressed(node, d, in, out[0]->as<float>());
    return;
  }
  const WindowGeometry& g = d.geom;
  const float* x = in[0]->as<const float>();
  const float* w = in[1]->as<const float>();
  const TensorRef* b_ref = optional_input(in, 2);
  const float* bias = b_ref ? b_ref->as<const float>() : nullptr;
  float* y = out[0]->as<float>();
  const Activation act = Activation::from(node);

  const int64_t C = d.in_channels, M = d.out_channels;
  const int64_t c_per_group = C / d.group, m_per_group = M / d.group;
  const int64_t in_plane = g.in_size(), out_plane = g.out_size(), taps = g.kernel_size();

  for (int64_t n = 0; n < d.batch; ++n) {
    for (int64_t m = 0; m < M; ++m) {
      float* yp = y + (n * M + m) * out_plane;
      std::fill(yp, yp + out_plane, bias ? bias[m] : 0.f);
      const int64_t first_channel = (m / m_per_group) * c_per_group;
      for (int64_t ci = 0; ci < c_per_group; ++ci) {
        const float* xp = x + (n * C + first_channel + ci) * in_plane;
        const float* wp = w + (m * c_per_group + ci) * taps;
        for (int64_t kd = 0; kd < g.kernel[0]; ++kd) {
          const IndexRange od = outputs_reading_inside(kd * g.dilation[0] - g.pad_begin[0], g.stride[0], g.in[0], g.out[0]);
          for (int64_t kh = 0; kh < g.kernel[1]; ++kh) {
            const IndexRange oh = outputs_reading_inside(kh * g.dilation[1] - g.pad_begin[1], g.stride[1], g.in[1], g.out[1]);
            for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
              const float wv = wp[(kd * g.kernel[1] + kh) * g.kernel[2] + kw];
              const int64_t w_offset = kw * g.dilation[2] - g.pad_begin[2];
              const IndexRange ow = outputs_reading_inside(w_offset, g.stride[2], g.in[2], g.out[2]);
              for (int64_t o0 = od.lo; o0 < od.hi; ++o0) {
                const int64_t i0 = o0 * g.stride[0] + kd * g.dilation[0] - g.pad_begin[0];
                for (int64_t o1 = oh.lo; o1 < oh.hi; ++o1) {
                  const int64_t i1 = o1 * g.stride[1] + kh * g.dilation[1] - g.pad_begin[1];
                  const float* xr = xp + (i0 * g.in[1] + i1) * g.in[2];
                  float* yr = yp + (o0 * g.out[1] + o1) * g.out[2];
                  for (int64_t o2 = ow.lo; o2 < ow.hi; ++o2) yr[o2] += wv * xr[o2 * g.stride[2] + w_offset];
                }
              }
            }
          }
        }
      }
      act.apply(yp, out_plane);
    }
  }
}

}  // namespace qc
