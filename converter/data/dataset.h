// Dataset readers for evaluation and calibration: IDX files (optionally gzip'ed)
// and NPY arrays. The first dimension indexes items; the rest is one item's shape.
// Errors: Errc::io for a missing or unreadable file; Errc::invalid_argument naming
// the file (and byte offset) for a malformed header, truncated data, dims whose
// product overflows, or an empty dataset ("dataset FILE is empty").
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace qc {

struct Dataset {
  std::string path;               // the file it was read from (for error messages)
  std::vector<float> values;      // count * item_size() raw values as stored (u8 pixels -> 0..255)
  std::vector<int64_t> item_dims; // e.g. {28,28} for IDX images, whatever follows the first NPY dim
  int64_t count = 0;

  int64_t item_size() const;      // product of item_dims (1 for scalar items)
  const float* item(int64_t i) const { return values.data() + i * item_size(); }
};

// IDX (u8/i8/i16/i32/f32/f64 element types) or .npy (f2/f4/f8, u1/i1..i8/u8, bool),
// gzip-compressed or not (detected from the bytes, not the name). limit 0 = all items.
Dataset load_dataset(const std::string& path, int64_t limit = 0);

// Class labels: a 1-D IDX file or a 1-D (or [N,1]) integer .npy array; gzip ok.
// Non-integral or negative labels are rejected. limit 0 = all.
std::vector<int64_t> load_labels(const std::string& path, int64_t limit = 0);

}  // namespace qc
