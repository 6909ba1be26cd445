#include <catch2/catch.hpp>

#include "runtime/memory_planner.h"

using qc::MemoryPlanner;

namespace {
bool overlaps(size_t a, size_t as, size_t b, size_t bs) { return a < b + bs && b < a + as; }
}  // namespace

TEST_CASE("memory planner reuses bytes of buffers whose lifetimes do not overlap") {
  MemoryPlanner p;
  const int a = p.add_buffer(1000, 0, 1);
  const int b = p.add_buffer(1000, 1, 2);
  const int c = p.add_buffer(1000, 2, 3);
  const size_t arena = p.plan(64);
  // a and c never live together, so two 1024-byte slots suffice.
  CHECK(arena == 2048);
  CHECK(p.offset(a) == p.offset(c));
  CHECK(p.offset(a) != p.offset(b));
}

TEST_CASE("memory planner never overlaps live buffers and aligns offsets") {
  MemoryPlanner p;
  struct B {
    size_t size;
    int first, last;
  };
  const B bufs[] = {{100, -1, 2}, {64, 0, 0}, {300, 1, 4}, {10, 2, 3}, {700, 3, 5}, {1, 4, 5}, {250, 0, 5}};
  std::vector<int> ids;
  for (const B& b : bufs) ids.push_back(p.add_buffer(b.size, b.first, b.last));
  const size_t arena = p.plan(64);
  size_t sum = 0;
  for (const B& b : bufs) sum += (b.size + 63) / 64 * 64;
  CHECK(arena <= sum);
  for (size_t i = 0; i < ids.size(); ++i) {
    CHECK(p.offset(ids[i]) % 64 == 0);
    CHECK(p.offset(ids[i]) + bufs[i].size <= arena);
    for (size_t j = i + 1; j < ids.size(); ++j) {
      const bool live_together = !(bufs[i].last < bufs[j].first || bufs[j].last < bufs[i].first);
      if (live_together) CHECK_FALSE(overlaps(p.offset(ids[i]), bufs[i].size, p.offset(ids[j]), bufs[j].size));
    }
  }
}

TEST_CASE("memory planner handles zero-size buffers and an empty plan") {
  MemoryPlanner empty;
  CHECK(empty.plan(64) == 0);
  MemoryPlanner p;
  p.add_buffer(0, 0, 1);
  const int b = p.add_buffer(128, 0, 1);
  CHECK(p.plan(64) == 128);
  CHECK(p.offset(b) % 64 == 0);
}
