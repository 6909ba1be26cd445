#include "runtime/memory_planner.h"

#include <algorithm>
#include <numeric>

namespace qc {

int MemoryPlanner::add_buffer(size_t size, int first_use, int last_use) {
  buffers_.push_back(Buffer{size, first_use, last_use});
  return static_cast<int>(buffers_.size()) - 1;
}

size_t MemoryPlanner::plan(size_t alignment) {
  std::vector<int> order(buffers_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return buffers_[a].size > buffers_[b].size; });

  auto round_up = [alignment](size_t n) { return (n + alignment - 1) / alignment * alignment; };
  std::vector<int> placed;
  size_t arena = 0;
  for (int id : order) {
    Buffer& b = buffers_[id];
    // Intervals of already-placed buffers alive at the same time, by offset.
    std::vector<std::pair<size_t, size_t>> busy;
    for (int p : placed) {
      const Buffer& o = buffers_[p];
      if (o.last_use < b.first_use || b.last_use < o.first_use) continue;
      busy.emplace_back(o.offset, o.offset + round_up(o.size));
    }
    std::sort(busy.begin(), busy.end());
    size_t candidate = 0;
    const size_t need = round_up(b.size);
    for (const auto& [start, end] : busy) {
      if (candidate + need <= start) break;
      candidate = std::max(candidate, end);
    }
    b.offset = candidate;
    arena = std::max(arena, candidate + need);
    placed.push_back(id);
  }
  return arena;
}

}  // namespace qc
