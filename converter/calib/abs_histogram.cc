#include "calib/abs_histogram.h"

#include <cmath>

#include "common/error.h"

namespace qc {

AbsHistogram::AbsHistogram(double range, int bins) : range_(range) {
  if (bins < 1) fail(Errc::invalid_argument, "histogram: needs at least one bin");
  if (!(range >= 0) || !std::isfinite(range)) fail(Errc::invalid_argument, "histogram: range must be finite and >= 0");
  bins_.assign(static_cast<size_t>(bins), 0);
  scale_ = range > 0 ? bins / range : 0;
}

void AbsHistogram::add(const float* x, size_t n) {
  const size_t last = bins_.size() - 1;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) continue;
    const double a = std::fabs(static_cast<double>(x[i]));
    const double pos = a * scale_;
    const size_t b = pos >= static_cast<double>(last) ? last : static_cast<size_t>(pos);
    ++bins_[b];
    ++count_;
    if (a > max_abs_) max_abs_ = a;
  }
}

float max_abs_finite(const float* x, size_t n) {
  float m = 0;
  for (size_t i = 0; i < n; ++i) {
    const float a = std::fabs(x[i]);
    if (std::isfinite(a) && a > m) m = a;
  }
  return m;
}

}  // namespace qc
