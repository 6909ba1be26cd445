#include "runtime/memory_planner.h"

#include <algorithm>
#include <cstdint>
#include <numeric>

namespace qc {

int MemoryPlanner::add_buffer(size_t size, int first_use, int last_use) {
  buffers_.push_back(Buffer{size, first_use, last_use});
  return static_cast<int>(buffers_.size()) - 1;
}

uint64_t MemoryPlanner::plan(size_t alignment) {
  std::vector<int> order(buffers_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return buffers_[a].size > buffers_[b].size; });

  constexpr uint64_t kTooLarge = UINT64_MAX;
  // Sizes are at most 2^31 per tensor in practice; saturate rather than wrap anyway.
  auto round_up = [alignment](uint64_t n) {
    return n > kTooLarge - alignment ? kTooLarge : (n + alignment - 1) / alignment * alignment;
  };
  auto sum = [](uint64_t a, uint64_t b) { return a > kTooLarge - b ? kTooLarge : a + b; };
  std::vector<int> placed;
  uint64_t arena = 0;
  for (int id : order) {
    Buffer& b = buffers_[id];
    // Intervals of already-placed buffers alive at the same time, by offset.
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (int p : placed) {
      const Buffer& o = buffers_[p];
      if (o.last_use < b.first_use || b.last_use < o.first_use) continue;
      busy.emplace_back(o.offset, sum(o.offset, round_up(o.size)));
    }
    std::sort(busy.begin(), busy.end());
    uint64_t candidate = 0;
    const uint64_t need = round_up(b.size);
    for (const auto& [start, end] : busy) {
      if (sum(candidate, need) <= start) break;
      candidate = std::max(candidate, end);
    }
    b.offset = candidate;
    arena = std::max(arena, sum(candidate, need));
    placed.push_back(id);
  }
  return arena;
}

}  // namespace qc
