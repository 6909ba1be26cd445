#include "kernels/ref/conv_geometry.h"

#include <algorithm>
#include <string>

#include "kernels/ref/op_checks.h"

namespace qc {

namespace {

// Attribute values beyond this are rejected so that sums and products of them
// cannot overflow int64.
constexpr int64_t kMaxWindowAttr = int64_t{1} << 31;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

std::vector<int64_t> ints_attr(const Node& node, const char* name, size_t count, int64_t dflt) {
  const Attr* a = node.attr(name);
  if (!a) return std::vector<int64_t>(count, dflt);
  if (a->ints.size() != count)
    fail_node(node, Errc::shape_mismatch,
              std::string(name) + " has " + std::to_string(a->ints.size()) + " values, expected " + std::to_string(count));
  return a->ints;
}

enum class AutoPad { notset, same_upper, same_lower, valid };

AutoPad auto_pad_attr(const Node& node) {
  std::string s = node.attr_s("auto_pad", "NOTSET");
  if (s == "NOTSET" || s.empty()) return AutoPad::notset;
  if (s == "SAME_UPPER") return AutoPad::same_upper;
  if (s == "SAME_LOWER") return AutoPad::same_lower;
  if (s == "VALID") return AutoPad::valid;
  fail_node(node, Errc::shape_mismatch, "unknown auto_pad '" + s + "'");
}

void check_range(const Node& node, const char* what, int64_t v, int64_t lo) {
  if (v < lo || v > kMaxWindowAttr)
    fail_node(node, Errc::shape_mismatch,
              std::string(what) + " " + std::to_string(v) + " out of range [" + std::to_string(lo) + ", 2^31]");
}

}  // namespace

WindowGeometry window_geometry(const Node& node, WindowKind kind, const std::vector<int64_t>& in_spatial,
                               const std::vector<int64_t>& kernel) {
  const size_t rank = in_spatial.size();
  if (rank < 1 || rank > WindowGeometry::kMaxRank)
    fail_node(node, Errc::shape_mismatch,
              std::to_string(rank) + " spatial dims, supported are 1 to " + std::to_string(WindowGeometry::kMaxRank));
  if (kernel.size() != rank)
    fail_node(node, Errc::shape_mismatch,
              "kernel has " + std::to_string(kernel.size()) + " dims, input has " + std::to_string(rank) + " spatial dims");

  const auto strides = ints_attr(node, "strides", rank, 1);
  const auto dilations = ints_attr(node, "dilations", rank, 1);
  const auto pads = ints_attr(node, "pads", 2 * rank, 0);
  const AutoPad auto_pad = auto_pad_attr(node);
  const bool pool = kind == WindowKind::pool;
  // ONNX sizes VALID windows with floor division whatever ceil_mode says.
  const bool ceil_mode = pool && auto_pad == AutoPad::notset && node.attr_i("ceil_mode", 0) != 0;

  WindowGeometry g;
  g.rank = static_cast<int>(rank);
  for (size_t i = 0; i < rank; ++i) {
    const size_t o = WindowGeometry::kMaxRank - rank + i;
    const std::string axis = " (spatial axis " + std::to_string(i) + ")";
    if (dim_known(kernel[i])) check_range(node, ("kernel size" + axis).c_str(), kernel[i], 1);
    check_range(node, ("stride" + axis).c_str(), strides[i], 1);
    check_range(node, ("dilation" + axis).c_str(), dilations[i], 1);
    check_range(node, ("pad begin" + axis).c_str(), pads[i], 0);
    check_range(node, ("pad end" + axis).c_str(), pads[i + rank], 0);
    if (in_spatial[i] > kMaxWindowAttr * 8)
      fail_node(node, Errc::shape_mismatch, "input dim " + std::to_string(in_spatial[i]) + " too large" + axis);

    const int64_t in = in_spatial[i], k = kernel[i], s = strides[i], d = dilations[i];
    g.in[o] = in;
    g.kernel[o] = k;
    g.stride[o] = s;
    g.dilation[o] = d;
    if (!dim_known(in) || !dim_known(k)) {
      g.out[o] = -1;
      if (auto_pad == AutoPad::notset) g.pad_begin[o] = pads[i], g.pad_end[o] = pads[i + rank];
      continue;
    }

    const int64_t ek = (k - 1) * d + 1;  // extent of the dilated kernel
    if (auto_pad == AutoPad::same_upper || auto_pad == AutoPad::same_lower) {
      g.out[o] = ceil_div(in, s);
      const int64_t total = std::max<int64_t>(0, (g.out[o] - 1) * s + ek - in);
      g.pad_begin[o] = auto_pad == AutoPad::same_upper ? total / 2 : total - total / 2;
      g.pad_end[o] = total - g.pad_begin[o];
      continue;
    }
    if (auto_pad == AutoPad::notset) g.pad_begin[o] = pads[i], g.pad_end[o] = pads[i + rank];
    const int64_t span = in + g.pad_begin[o] + g.pad_end[o] - ek;
    if (span < 0)
      fail_node(node, Errc::shape_mismatch,
                "kernel extent " + std::to_string(ek) + " exceeds padded input " +
                    std::to_string(in + g.pad_begin[o] + g.pad_end[o]) + axis);
    if (pool && (g.pad_begin[o] >= ek || g.pad_end[o] >= ek))
      fail_node(node, Errc::shape_mismatch, "pads must be smaller than the kernel extent " + std::to_string(ek) + axis);
    g.out[o] = (ceil_mode ? ceil_div(span, s) : span / s) + 1;
    // In ceil mode a last window that starts inside the end padding is dropped.
    if (ceil_mode && (g.out[o] - 1) * s >= in + g.pad_begin[o]) --g.out[o];
  }
  return g;
}

IndexRange outputs_reading_inside(int64_t offset, int64_t stride, int64_t in, int64_t out) {
  const int64_t lo = std::max<int64_t>(0, ceil_div(-offset, stride));
  const int64_t hi = std::min<int64_t>(out, floor_div(in - 1 - offset, stride) + 1);
  return {lo, std::max(lo, hi)};
}

IndexRange taps_inside(int64_t o, int64_t stride, int64_t dilation, int64_t pad_begin, int64_t in, int64_t kernel) {
  return outputs_reading_inside(o * stride - pad_begin, dilation, in, kernel);
}

}  // namespace qc
