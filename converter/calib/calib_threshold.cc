#include "calib/calib_threshold.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "common/error.h"

namespace qc {

namespace {

// KL(P || Q) for the first `n` bins clipped there: P = bins[0, n) with the mass
// beyond folded into bin n-1; Q = bins[0, n) merged into `levels` groups, each
// group's mass spread evenly over its non-empty bins.
double clipped_kl(const std::vector<uint64_t>& bins, size_t n, int levels, uint64_t total) {
  std::vector<double> p(bins.begin(), bins.begin() + static_cast<std::ptrdiff_t>(n));
  double outliers = 0;
  for (size_t i = n; i < bins.size(); ++i) outliers += static_cast<double>(bins[i]);
  p[n - 1] += outliers;

  std::vector<double> q(n, 0.0);
  for (int j = 0; j < levels; ++j) {
    const size_t start = n * j / levels, end = n * (j + 1) / levels;
    double mass = 0;
    size_t nonzero = 0;
    for (size_t i = start; i < end; ++i) {
      mass += static_cast<double>(bins[i]);
      nonzero += bins[i] != 0;
    }
    if (nonzero == 0) continue;
    for (size_t i = start; i < end; ++i)
      if (bins[i] != 0) q[i] = mass / static_cast<double>(nonzero);
  }
  // P has mass where Q has none only in the last bin (the folded outliers): give
  // such bins a small floor instead of an infinite divergence.
  double q_total = 0;
  for (double v : q) q_total += v;
  const double floor_mass = 1e-4 * std::max(q_total, 1.0) / static_cast<double>(n);
  for (size_t i = 0; i < n; ++i)
    if (p[i] > 0 && q[i] == 0) {
      q[i] = floor_mass;
      q_total += floor_mass;
    }
  const double p_total = static_cast<double>(total);
  double kl = 0;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] <= 0) continue;
    const double pi = p[i] / p_total, qi = q[i] / q_total;
    kl += pi * std::log(pi / qi);
  }
  return kl;
}

}  // namespace

CalibMethod parse_calib_method(const std::string& name) {
  if (name == "minmax") return CalibMethod::minmax;
  if (name == "percentile") return CalibMethod::percentile;
  if (name == "entropy" || name == "kl") return CalibMethod::entropy;
  fail(Errc::invalid_argument, "unknown calibration method '" + name + "' (valid: minmax, percentile, entropy)");
}

const char* calib_method_name(CalibMethod m) {
  switch (m) {
    case CalibMethod::minmax: return "minmax";
    case CalibMethod::percentile: return "percentile";
    case CalibMethod::entropy: return "entropy";
  }
  return "?";
}

double percentile_threshold(const AbsHistogram& h, double percentile) {
  if (!(percentile > 0 && percentile <= 100))
    fail(Errc::invalid_argument, "percentile " + std::to_string(percentile) + " is not in (0, 100]");
  if (h.count() == 0) return 0;
  const double target = percentile / 100.0 * static_cast<double>(h.count());
  double cumulative = 0;
  const auto& bins = h.bins();
  for (size_t i = 0; i < bins.size(); ++i) {
    cumulative += static_cast<double>(bins[i]);
    if (cumulative >= target) return std::min(static_cast<double>(i + 1) * h.bin_width(), h.max_abs());
  }
  return h.max_abs();
}

double entropy_threshold(const AbsHistogram& h, int levels) {
  const auto& bins = h.bins();
  if (levels < 2) fail(Errc::invalid_argument, "entropy calibration needs at least 2 levels");
  if (h.count() == 0) return 0;
  if (bins.size() <= static_cast<size_t>(levels)) return h.max_abs();
  // The first bin holds the exact zeros (half of a ReLU output): left as is, that
  // spike dominates the divergence and pushes the threshold far too low. It is
  // flattened to its neighbour's height, as NVIDIA's calibrators do.
  std::vector<uint64_t> flat = bins;
  flat[0] = flat[1];
  uint64_t total = 0;
  for (uint64_t b : flat) total += b;
  if (total == 0) return h.max_abs();
  size_t best = bins.size();
  double best_kl = std::numeric_limits<double>::infinity();
  for (size_t n = static_cast<size_t>(levels); n <= bins.size(); ++n) {
    const double kl = clipped_kl(flat, n, levels, total);
    if (kl < best_kl) {
      best_kl = kl;
      best = n;
    }
  }
  return std::min(static_cast<double>(best) * h.bin_width(), h.max_abs());
}

double calibration_threshold(const AbsHistogram& h, CalibMethod m, double percentile) {
  switch (m) {
    case CalibMethod::minmax: return h.max_abs();
    case CalibMethod::percentile: return percentile_threshold(h, percentile);
    case CalibMethod::entropy: return entropy_threshold(h);
  }
  return h.max_abs();
}

}  // namespace qc
