// Plans one arena for all activations from their lifetimes: buffers whose
// lifetimes overlap never share bytes; the largest buffers are placed first,
// each at the lowest offset that fits.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace qc {

class MemoryPlanner {
 public:
  // first_use/last_use are step indices (inclusive). Returns the buffer id.
  int add_buffer(size_t size, int first_use, int last_use);
  // Computes offsets (multiples of `alignment`); returns the arena size. Offsets are
  // 64-bit so that a sum of large buffers cannot wrap a 32-bit size_t (wasm32);
  // returns UINT64_MAX when the arena would not fit in 64 bits.
  uint64_t plan(size_t alignment);
  uint64_t offset(int buffer) const { return buffers_[buffer].offset; }

 private:
  struct Buffer {
    size_t size;
    int first_use, last_use;
    uint64_t offset = 0;
  };
  std::vector<Buffer> buffers_;
};

}  // namespace qc
