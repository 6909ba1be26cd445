// Encoder of scheme 5, codebook: k-means (kmeans_writer.cc) per tensor or per row,
// then every weight replaced by the index of its nearest centroid.
#include <cstring>

#include "schemes/codebook.h"
#include "schemes/encoder_util.h"
#include "schemes/weight_encoders.h"

namespace qc {

namespace {

void pack_row(const float* x, int64_t k, const NearestCentroid& nearest, int bits, uint8_t* out) {
  for (int64_t i = 0; i < k; ++i) {
    const uint32_t v = nearest(x[i]);
    const uint64_t bit = static_cast<uint64_t>(i) * bits;
    const unsigned shift = static_cast<unsigned>(bit % 8);
    out[bit / 8] |= static_cast<uint8_t>(v << shift);
    if (shift + bits > 8) out[bit / 8 + 1] |= static_cast<uint8_t>(v >> (8 - shift));
  }
}

void store_table(const std::vector<float>& centroids, uint8_t* out) {
  std::memcpy(out, centroids.data(), centroids.size() * 4);
}

}  // namespace

ConstData encode_codebook(const float* w, const std::vector<int64_t>& dims, int bits, bool per_channel,
                          CodebookInit init, int max_iters, uint64_t seed, const ProgressFn& progress) {
  if (bits < kCodebookMinBits || bits > kCodebookMaxBits)
    fail(Errc::invalid_argument, "encode codebook: bits " + std::to_string(bits) + " out of range " +
                                     std::to_string(kCodebookMinBits) + ".." + std::to_string(kCodebookMaxBits));
  if (max_iters < 0) fail(Errc::invalid_argument, "encode codebook: max_iters must be >= 0");
  const WeightMatrixShape s = encoder::matrix_shape(dims, "codebook");
  const uint64_t count = static_cast<uint64_t>(s.n) * static_cast<uint64_t>(s.k);
  encoder::require_finite(w, count, "codebook");

  const int k = 1 << bits;
  const uint64_t row_bytes = codebook_row_bytes(static_cast<uint64_t>(s.k), bits);
  const uint64_t tables = per_channel ? static_cast<uint64_t>(s.n) : 1;
  std::vector<uint8_t> payload(static_cast<size_t>(s.n) * row_bytes);
  std::vector<uint8_t> side(sizeof(CodebookHeader) + tables * k * 4);
  const CodebookHeader header{static_cast<uint8_t>(bits), static_cast<uint8_t>(per_channel ? 1 : 0), {}};
  std::memcpy(side.data(), &header, sizeof header);
  uint8_t* table_at = side.data() + sizeof header;

  if (per_channel) {
    for (int64_t n = 0; n < s.n; ++n) {
      const float* row = w + n * s.k;
      const KMeans1D km = kmeans_1d({row, static_cast<size_t>(s.k)}, k, init, max_iters, seed + n);
      store_table(km.centroids, table_at + static_cast<uint64_t>(n) * k * 4);
      pack_row(row, s.k, NearestCentroid(km.centroids), bits, payload.data() + n * row_bytes);
      if (progress) progress(static_cast<double>(n + 1) / static_cast<double>(s.n));
    }
  } else {
    const KMeans1D km = kmeans_1d({w, static_cast<size_t>(count)}, k, init, max_iters, seed, progress);
    store_table(km.centroids, table_at);
    const NearestCentroid nearest(km.centroids);
    for (int64_t n = 0; n < s.n; ++n) pack_row(w + n * s.k, s.k, nearest, bits, payload.data() + n * row_bytes);
  }
  return encoder::package(SchemeId::codebook, std::move(payload), std::move(side));
}

}  // namespace qc
