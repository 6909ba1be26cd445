// Output size and padding of the sliding-window ops (Conv, MaxPool, AveragePool),
// shared by their shape functions and reference kernels. ONNX attrs read:
// strides, dilations, pads, auto_pad (NOTSET / SAME_UPPER / SAME_LOWER / VALID),
// and for pools ceil_mode.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "graph/ir.h"

namespace qc {

// Spatial dims are right-aligned in 3-wide arrays: the leading (3 - rank) entries
// are a size-1 dim with kernel 1, stride 1, dilation 1 and no padding, so kernels
// always loop over three dims. A dim of -1 (unknown before run time) in `in`
// gives -1 in `out`.
struct WindowGeometry {
  static constexpr int kMaxRank = 3;
  int rank = 0;
  std::array<int64_t, kMaxRank> in{1, 1, 1}, kernel{1, 1, 1}, stride{1, 1, 1}, dilation{1, 1, 1};
  std::array<int64_t, kMaxRank> pad_begin{0, 0, 0}, pad_end{0, 0, 0}, out{1, 1, 1};

  std::vector<int64_t> out_dims() const { return std::vector<int64_t>(out.begin() + (kMaxRank - rank), out.end()); }
  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
  int64_t kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
};

enum class WindowKind { conv, pool };

// `in_spatial` are the input dims after N and C; `kernel` the kernel's spatial dims
// (-1 where unknown). Pools also read ceil_mode and require explicit pads smaller
// than the dilated kernel. Fails with Errc::shape_mismatch naming the node.
WindowGeometry window_geometry(const Node& node, WindowKind kind, const std::vector<int64_t>& in_spatial,
                               const std::vector<int64_t>& kernel);

// Half-open range [lo, hi) of output positions o for which the input position
// o * stride + offset lies in [0, in).
struct IndexRange {
  int64_t lo, hi;
};
IndexRange outputs_reading_inside(int64_t offset, int64_t stride, int64_t in, int64_t out);

// Half-open range of kernel taps k for which o * stride + k * dilation - pad_begin
// lies in [0, in).
IndexRange taps_inside(int64_t o, int64_t stride, int64_t dilation, int64_t pad_begin, int64_t in, int64_t kernel);

}  // namespace qc
