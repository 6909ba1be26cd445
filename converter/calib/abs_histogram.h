// A histogram of |x| over [0, range] in equal-width bins, the statistic the
// activation calibration methods (calib_threshold.h) choose a clipping threshold from.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace qc {

class AbsHistogram {
 public:
  static constexpr int kDefaultBins = 2048;

  // `range` is the largest |x| that will be added (values beyond go to the last bin).
  explicit AbsHistogram(double range, int bins = kDefaultBins);

  // Non-finite values are ignored.
  void add(const float* x, size_t n);

  double range() const { return range_; }
  double bin_width() const { return range_ / static_cast<double>(bins_.size()); }
  const std::vector<uint64_t>& bins() const { return bins_; }
  uint64_t count() const { return count_; }
  double max_abs() const { return max_abs_; }

 private:
  double range_;
  double scale_;  // bins per unit of |x|
  std::vector<uint64_t> bins_;
  uint64_t count_ = 0;
  double max_abs_ = 0;
};

// max |x| over finite values (0 when there are none).
float max_abs_finite(const float* x, size_t n);

}  // namespace qc
