// 1-D k-means for codebook weight sharing (converter side; kmeans_writer.cc).
// Values are sorted once, so an assignment is k binary searches over cluster
// boundaries and a centroid update is a prefix-sum difference: an iteration costs
// O(k log n) regardless of n.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace qc {

// Called with the fraction of work done, 0..1.
using ProgressFn = std::function<void(double done)>;

enum class CodebookInit {
  linear,     // centroids evenly spaced between min and max (Deep Compression's choice)
  kmeans_pp,  // k-means++ seeding, deterministic for a given seed
};

struct KMeans1D {
  std::vector<float> centroids;  // k entries, ascending (duplicates when there are fewer distinct values)
  double initial_mse = 0;        // of the nearest-centroid assignment to the initial centroids
  double final_mse = 0;          // of the nearest-centroid assignment to `centroids`
  int iterations = 0;            // Lloyd iterations run
};

// Lloyd iterations until no assignment changes or `max_iters`. Empty clusters are
// re-seeded at the point farthest from the centroid of the cluster with the largest
// squared error. Values must be finite; `values` may be empty (centroids all 0).
KMeans1D kmeans_1d(std::span<const float> values, int k, CodebookInit init, int max_iters, uint64_t seed,
                   const ProgressFn& progress = nullptr);

// Nearest-centroid lookup over ascending centroids (a value exactly halfway goes to
// the higher index, as in kmeans_1d's assignment).
class NearestCentroid {
 public:
  explicit NearestCentroid(std::span<const float> sorted_centroids);
  uint32_t operator()(float x) const;

 private:
  std::vector<double> midpoints_;  // between neighbours
};

}  // namespace qc
