// 1-D k-means over sorted values (see kmeans.h). Cluster i is the contiguous range
// [bounds[i], bounds[i+1]) of the sorted values; prefix sums give each range's mean.
#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.h"
#include "schemes/kmeans.h"

namespace qc {

namespace {

// splitmix64: a tiny, portable generator so seeds give the same codebook everywhere.
struct SplitMix64 {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1p-53; }  // [0, 1)
};

class SortedValues {
 public:
  explicit SortedValues(std::span<const float> values) : x_(values.begin(), values.end()) {
    std::sort(x_.begin(), x_.end());
    sum_.resize(x_.size() + 1);
    sum2_.resize(x_.size() + 1);
    for (size_t i = 0; i < x_.size(); ++i) {
      sum_[i + 1] = sum_[i] + x_[i];
      sum2_[i + 1] = sum2_[i] + static_cast<double>(x_[i]) * x_[i];
    }
  }

  size_t size() const { return x_.size(); }
  double at(size_t i) const { return x_[i]; }
  double front() const { return x_.front(); }
  double back() const { return x_.back(); }
  double sum(size_t b, size_t e) const { return sum_[e] - sum_[b]; }
  double sse(size_t b, size_t e) const {  // squared error of the range about its mean
    if (e <= b) return 0;
    const double s = sum(b, e);
    return std::max(0.0, (sum2_[e] - sum2_[b]) - s * s / static_cast<double>(e - b));
  }
  // Cluster ranges for ascending centroids: x < midpoint goes to the lower cluster.
  std::vector<size_t> bounds(const std::vector<double>& c) const {
    std::vector<size_t> b(c.size() + 1);
    b.front() = 0;
    b.back() = x_.size();
    for (size_t i = 1; i < c.size(); ++i) {
      const double mid = c[i - 1] + (c[i] - c[i - 1]) / 2;
      b[i] = static_cast<size_t>(std::lower_bound(x_.begin(), x_.end(), mid) - x_.begin());
    }
    return b;
  }
  double mse(const std::vector<double>& c, const std::vector<size_t>& b) const {
    if (x_.empty()) return 0;
    double total = 0;
    for (size_t i = 0; i < c.size(); ++i)
      for (size_t j = b[i]; j < b[i + 1]; ++j) total += (x_[j] - c[i]) * (x_[j] - c[i]);
    return total / static_cast<double>(x_.size());
  }

 private:
  std::vector<float> x_;
  std::vector<double> sum_, sum2_;
};

std::vector<double> linear_init(const SortedValues& v, int k) {
  std::vector<double> c(k);
  const double lo = v.front(), hi = v.back();
  for (int i = 0; i < k; ++i) c[i] = lo + (hi - lo) * i / (k - 1);
  return c;
}

// k-means++: each next centroid is a value drawn with probability proportional to
// its squared distance to the nearest centroid chosen so far.
std::vector<double> kmeans_pp_init(const SortedValues& v, int k, uint64_t seed) {
  SplitMix64 rng{seed};
  const size_t n = v.size();
  std::vector<double> c;
  c.reserve(k);
  c.push_back(v.at(static_cast<size_t>(rng.uniform() * static_cast<double>(n))));
  std::vector<double> dist(n, std::numeric_limits<double>::infinity());
  while (static_cast<int>(c.size()) < k) {
    double total = 0;
    for (size_t i = 0; i < n; ++i) {
      const double d = v.at(i) - c.back();
      dist[i] = std::min(dist[i], d * d);
      total += dist[i];
    }
    if (!(total > 0)) break;  // fewer distinct values than k
    double r = rng.uniform() * total;
    size_t pick = n - 1;
    for (size_t i = 0; i < n; ++i) {
      r -= dist[i];
      if (r < 0) {
        pick = i;
        break;
      }
    }
    c.push_back(v.at(pick));
  }
  c.resize(k, c.back());
  std::sort(c.begin(), c.end());
  return c;
}

// Moves each empty cluster's centroid to the value farthest from the centroid of
// the cluster with the largest squared error (each donor used once per call).
void reseed_empty(const SortedValues& v, std::vector<double>& c, const std::vector<size_t>& b) {
  const size_t k = c.size();
  std::vector<double> sse(k);
  for (size_t i = 0; i < k; ++i) sse[i] = v.sse(b[i], b[i + 1]);
  for (size_t i = 0; i < k; ++i) {
    if (b[i + 1] > b[i]) continue;
    const size_t donor = static_cast<size_t>(std::max_element(sse.begin(), sse.end()) - sse.begin());
    if (!(sse[donor] > 0)) return;
    const double lo = v.at(b[donor]), hi = v.at(b[donor + 1] - 1);
    c[i] = (c[donor] - lo >= hi - c[donor]) ? lo : hi;
    sse[donor] = 0;
  }
}

}  // namespace

KMeans1D kmeans_1d(std::span<const float> values, int k, CodebookInit init, int max_iters, uint64_t seed,
                   const ProgressFn& progress) {
  if (k < 1) fail(Errc::invalid_argument, "k-means: k must be >= 1, got " + std::to_string(k));
  if (max_iters < 0) fail(Errc::invalid_argument, "k-means: max_iters must be >= 0");
  KMeans1D result;
  if (values.empty()) {
    result.centroids.assign(k, 0.0f);
    if (progress) progress(1.0);
    return result;
  }
  const SortedValues v(values);
  std::vector<double> c = init == CodebookInit::linear || k == 1 ? linear_init(v, std::max(k, 2)) : kmeans_pp_init(v, k, seed);
  c.resize(k);
  std::vector<size_t> b = v.bounds(c);
  result.initial_mse = v.mse(c, b);
  for (int it = 0; it < max_iters; ++it) {
    for (int i = 0; i < k; ++i)
      if (b[i + 1] > b[i]) c[i] = v.sum(b[i], b[i + 1]) / static_cast<double>(b[i + 1] - b[i]);
    reseed_empty(v, c, b);
    std::sort(c.begin(), c.end());
    std::vector<size_t> next = v.bounds(c);
    result.iterations = it + 1;
    if (progress) progress(static_cast<double>(it + 1) / max_iters);
    if (next == b) break;
    b = std::move(next);
  }
  result.centroids.assign(c.begin(), c.end());  // to f32, as stored
  std::sort(result.centroids.begin(), result.centroids.end());
  const std::vector<double> stored(result.centroids.begin(), result.centroids.end());
  result.final_mse = v.mse(stored, v.bounds(stored));
  if (progress) progress(1.0);
  return result;
}

NearestCentroid::NearestCentroid(std::span<const float> c) {
  for (size_t i = 1; i < c.size(); ++i)
    midpoints_.push_back(static_cast<double>(c[i - 1]) + (static_cast<double>(c[i]) - c[i - 1]) / 2);
}

uint32_t NearestCentroid::operator()(float x) const {
  return static_cast<uint32_t>(std::upper_bound(midpoints_.begin(), midpoints_.end(), static_cast<double>(x)) -
                               midpoints_.begin());
}

}  // namespace qc
