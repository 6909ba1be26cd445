#include "kernels/quant/compressed_conv.h"

#include <algorithm>
#include <vector>

#include "common/scratch.h"
#include "kernels/quant/act_quantize.h"
#include "kernels/quant/compressed_gemm.h"
#include "kernels/quant/im2col.h"

namespace qc {

namespace {

// Unfolded input rows per compressed_gemm call: bounds the im2col buffer (~256 KB).
constexpr int64_t kIm2colBytes = 256 * 1024;

}  // namespace

CompressedConv::CompressedConv(const WindowGeometry& g, int64_t channels, int64_t groups, const WeightView& w,
                               const ActQuant& aq, const Activation& act, QGemmImpl impl)
    : g_(g), channels_(channels), aq_(aq), act_(act), k_(w.k),
      int8_input_(runs_on_int8_rows(w, aq)),
      direct_(int8_input_ && impl != QGemmImpl::reference && conv_i8_direct_applies(g, w)), impl_(impl),
      row_bytes_(int8_input_ ? int8_row_stride(w.k) : w.k * int64_t{sizeof(float)}),
      block_(std::clamp<int64_t>(kIm2colBytes / std::max<int64_t>(row_bytes_, 1), 1,
                                 std::max<int64_t>(g.out_size(), 1))) {
  if (direct_) conv_i8_direct_prepare(g, channels, groups, w, &direct_conv_);
}

void CompressedConv::run(const CompressedConvPlane& p) const {
  thread_local std::vector<float> cols, rows_out, scales;
  thread_local std::vector<int8_t> x8, cols8;
  const int64_t out_plane = g_.out_size(), n = p.w->n;
  if (int8_input_) {
    const int64_t in_count = channels_ * g_.in_size();
    scratch(x8, in_count);
    scales.resize(static_cast<size_t>(block_));
    if (aq_.mode == kActStaticI8)
      quantize_rows_static(p.x, 1, in_count, in_count, aq_.static_scale, x8.data(), scales.data());
    else
      quantize_rows_dynamic(p.x, 1, in_count, in_count, x8.data(), scales.data());
    if (direct_) {
      conv_i8_direct_run(direct_conv_, {x8.data(), scales[0], p.group, p.bias, p.y}, act_);
      return;
    }
    std::fill(scales.begin() + 1, scales.end(), scales[0]);
    scratch(cols8, block_ * row_bytes_);
  } else {
    scratch(cols, block_ * k_);
  }
  scratch(rows_out, block_ * n);
  for (int64_t p0 = 0; p0 < out_plane; p0 += block_) {
    const int64_t rows = std::min(block_, out_plane - p0);
    if (int8_input_) {
      im2col_2d(x8.data(), channels_, g_, p0, rows, cols8.data(), row_bytes_);
      compressed_gemm_int8_rows(impl_, cols8.data(), scales.data(), rows, *p.w, p.bias, rows_out.data(), n,
                                act_);
    } else {
      im2col_2d(p.x, channels_, g_, p0, rows, cols.data(), k_);
      compressed_gemm_using(impl_, cols.data(), rows, *p.w, p.bias, rows_out.data(), n, aq_, act_);
    }
    for (int64_t j = 0; j < n; ++j)
      for (int64_t i = 0; i < rows; ++i) p.y[j * out_plane + p0 + i] = rows_out[i * n + j];
  }
}

}  // namespace qc
