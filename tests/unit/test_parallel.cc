#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "common/parallel.h"

namespace {

struct ThreadCount {
  explicit ThreadCount(int n) { qc::set_thread_count(n); }
  ~ThreadCount() { qc::set_thread_count(1); }
};

std::vector<std::pair<int64_t, int64_t>> chunks_of(int64_t n, int64_t grain) {
  std::mutex mu;
  std::vector<std::pair<int64_t, int64_t>> chunks;
  qc::parallel_for(n, grain, [&](int64_t b, int64_t e) {
    std::lock_guard lock(mu);
    chunks.emplace_back(b, e);
  });
  std::sort(chunks.begin(), chunks.end());
  return chunks;
}

}  // namespace

TEST_CASE("parallel_for covers the range with disjoint grain-aligned chunks") {
  for (int threads : {1, 2, 3, 4}) {
    ThreadCount tc(threads);
    for (int64_t n : {int64_t{1}, int64_t{7}, int64_t{8}, int64_t{9}, int64_t{100}, int64_t{1001}}) {
      for (int64_t grain : {int64_t{1}, int64_t{4}, int64_t{8}}) {
        const auto chunks = chunks_of(n, grain);
        REQUIRE(!chunks.empty());
        CHECK(chunks.front().first == 0);
        CHECK(chunks.back().second == n);
        for (size_t i = 0; i < chunks.size(); ++i) {
          CHECK(chunks[i].first < chunks[i].second);
          CHECK(chunks[i].first % grain == 0);
          if (i + 1 < chunks.size()) CHECK(chunks[i].second == chunks[i + 1].first);
        }
        if (threads == 1) CHECK(chunks.size() == 1);
      }
    }
  }
}

TEST_CASE("parallel_for uses several threads and runs nested calls inline") {
  ThreadCount tc(2);
  REQUIRE(qc::thread_count() == 2);
  std::mutex mu;
  std::set<std::thread::id> ids;
  std::atomic<int64_t> nested_items{0};
  std::atomic<int> split_nested_calls{0};  // Catch assertions are not thread-safe: count here, check below
  for (int rep = 0; rep < 50 && ids.size() < 2; ++rep) {
    qc::parallel_for(64, 1, [&](int64_t b, int64_t e) {
      {
        std::lock_guard lock(mu);
        ids.insert(std::this_thread::get_id());
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      int nested_calls = 0;
      qc::parallel_for(e - b, 1, [&](int64_t nb, int64_t ne) {
        ++nested_calls;
        nested_items += ne - nb;
      });
      if (nested_calls != 1) ++split_nested_calls;
    });
  }
  CHECK(split_nested_calls.load() == 0);
  CHECK(ids.size() == 2);
  CHECK(nested_items.load() % 64 == 0);
}

TEST_CASE("parallel_for rethrows the body's exception and stays usable") {
  ThreadCount tc(3);
  CHECK_THROWS_WITH(qc::parallel_for(100, 1,
                                     [](int64_t b, int64_t) {
                                       if (b == 0) throw std::runtime_error("chunk 0 failed");
                                     }),
                    "chunk 0 failed");
  std::atomic<int64_t> total{0};
  qc::parallel_for(1000, 10, [&](int64_t b, int64_t e) { total += e - b; });
  CHECK(total.load() == 1000);
}

TEST_CASE("thread count is clamped") {
  ThreadCount tc(0);
  CHECK(qc::thread_count() == 1);
  qc::set_thread_count(1000);
  CHECK(qc::thread_count() == qc::kMaxThreads);
}
