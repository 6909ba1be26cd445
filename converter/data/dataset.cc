#include "data/dataset.h"

#include <cmath>

#include "common/error.h"
#include "data/gzip_file.h"
#include "data/numeric_array.h"

namespace qc {

namespace {

NumericArray parse_array(const std::vector<uint8_t>& bytes, const std::string& path) {
  return looks_like_npy(bytes) ? parse_npy(bytes, path) : parse_idx(bytes, path);
}

int64_t items_to_read(int64_t count, int64_t limit, const std::string& path) {
  if (limit < 0) fail(Errc::invalid_argument, path + ": the item limit " + std::to_string(limit) + " is negative");
  return limit == 0 ? count : std::min(count, limit);
}

}  // namespace

int64_t Dataset::item_size() const {
  int64_t n = 1;
  for (int64_t d : item_dims) n *= d;
  return n;
}

Dataset load_dataset(const std::string& path, int64_t limit) {
  const std::vector<uint8_t> bytes = read_file_maybe_gzip(path);
  const NumericArray a = parse_array(bytes, path);
  Dataset d;
  d.path = path;
  d.item_dims.assign(a.dims.begin() + 1, a.dims.end());
  d.count = items_to_read(a.dims[0], limit, path);
  if (d.count == 0 || d.item_size() == 0) fail(Errc::invalid_argument, "dataset " + path + " is empty");
  // Sizes were validated against the file length, so this product cannot overflow.
  const size_t n = static_cast<size_t>(d.count) * static_cast<size_t>(d.item_size());
  d.values.resize(n);
  for (size_t i = 0; i < n; ++i) d.values[i] = static_cast<float>(element_as_double(a, i));
  return d;
}

std::vector<int64_t> load_labels(const std::string& path, int64_t limit) {
  const std::vector<uint8_t> bytes = read_file_maybe_gzip(path);
  const NumericArray a = parse_array(bytes, path);
  if (a.dims.size() > 2 || (a.dims.size() == 2 && a.dims[1] != 1))
    fail(Errc::invalid_argument, path + ": labels must be a 1-D array (or [N, 1]); got " +
                                     std::to_string(a.dims.size()) + " dims");
  const int64_t count = items_to_read(a.dims[0], limit, path);
  if (count == 0) fail(Errc::invalid_argument, "dataset " + path + " is empty");
  std::vector<int64_t> labels(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    const double v = element_as_double(a, static_cast<size_t>(i));
    if (!(v >= 0) || v != std::floor(v) || v > 9.0e15)
      fail(Errc::invalid_argument, path + ": label " + std::to_string(i) + " at byte offset " +
                                       std::to_string(a.data_offset + i * a.elem_bytes) +
                                       " is not a non-negative integer");
    labels[static_cast<size_t>(i)] = static_cast<int64_t>(v);
  }
  return labels;
}

}  // namespace qc
