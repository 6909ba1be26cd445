#include "common/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>

#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
#define QC_HAS_THREADS 1
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>
#else
#define QC_HAS_THREADS 0
#endif

namespace qc {

namespace {

std::atomic<int> g_threads{1};
thread_local bool t_inside_parallel_for = false;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

#if QC_HAS_THREADS
// Workers sleep until a job's generation changes, then take chunks from a shared
// counter; the caller takes chunks too and waits for the last one to finish. Both
// spin for a while before sleeping: the jobs of one run (a model's layers) come
// microseconds apart, and a wake-up through the futex (Atomics.wait in a browser)
// cost more than the work of a small layer.
class Pool {
  static constexpr int kSpins = 1 << 16;  // tens of microseconds

 public:
  ~Pool() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  void run(int threads, int64_t chunks, const std::function<void(int64_t)>& chunk) {
    std::lock_guard serial(run_mu_);  // one parallel job at a time
    const int helpers = ensure_workers(threads - 1);
    {
      std::lock_guard lock(mu_);
      job_.store(&chunk);
      chunks_.store(chunks);
      next_.store(0);
      pending_ = chunks;
      helpers_wanted_ = helpers;
      error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    work();
    for (int i = 0; i < kSpins && (pending_.load() != 0 || active_.load() != 0); ++i) {
    }
    std::unique_lock lock(mu_);
    done_.wait(lock, [&] { return pending_ == 0 && active_ == 0; });
    job_.store(nullptr);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // Starts workers up to `count`; returns how many there are. A thread that cannot be
  // created (the threaded wasm runtime has a fixed pool of Web Workers) leaves fewer
  // helpers, never a failed job.
  int ensure_workers(int count) {
    try {
      while (static_cast<int>(workers_.size()) < count) workers_.emplace_back([this] { loop(); });
    } catch (const std::system_error&) {
    }
    return std::min(count, static_cast<int>(workers_.size()));
  }

  void loop() {
    t_inside_parallel_for = true;
    uint64_t seen = 0;
    std::unique_lock lock(mu_);
    for (;;) {
      lock.unlock();
      for (int i = 0; i < kSpins && generation_.load() == seen && !stop_.load(); ++i) {
      }
      lock.lock();
      wake_.wait(lock, [&] { return stop_ || (generation_ != seen && helpers_wanted_ > 0); });
      if (stop_) return;
      seen = generation_;
      --helpers_wanted_;
      ++active_;
      lock.unlock();
      work();
      lock.lock();
      if (--active_ == 0 && pending_ == 0) done_.notify_all();
    }
  }

  // Takes chunks until none is left.
  void work() {
    for (;;) {
      const int64_t i = next_.fetch_add(1);
      if (i >= chunks_.load()) return;
      try {
        (*job_.load())(i);
      } catch (...) {
        std::lock_guard lock(mu_);
        if (!error_) error_ = std::current_exception();
      }
      std::lock_guard lock(mu_);
      if (--pending_ == 0 && active_ == 0) done_.notify_all();
    }
  }

  std::mutex run_mu_, mu_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  std::atomic<const std::function<void(int64_t)>*> job_{nullptr};
  std::atomic<int64_t> chunks_{0};
  std::atomic<int64_t> next_{0};
  // Written under mu_; atomic so that a waiting thread can spin on them first.
  std::atomic<int64_t> pending_{0};
  std::atomic<int> active_{0};
  int helpers_wanted_ = 0;
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> stop_{false};
  std::exception_ptr error_;
};

Pool& pool() {
  static Pool p;
  return p;
}
#endif

}  // namespace

bool threads_supported() { return QC_HAS_THREADS != 0; }

void set_thread_count(int threads) { g_threads.store(QC_HAS_THREADS ? std::clamp(threads, 1, kMaxThreads) : 1); }

int thread_count() { return g_threads.load(); }

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& body) {
  if (n <= 0) return;
  grain = std::max<int64_t>(grain, 1);
  const int threads = thread_count();
  const int64_t grains = ceil_div(n, grain);
  if (threads <= 1 || grains <= 1 || t_inside_parallel_for) {
    body(0, n);
    return;
  }
#if QC_HAS_THREADS
  // A few chunks per thread even out uneven progress without much overhead.
  const int64_t chunks = std::min<int64_t>(grains, int64_t{threads} * 4);
  const int64_t per_chunk = ceil_div(grains, chunks) * grain;
  const int64_t used = ceil_div(n, per_chunk);
  const std::function<void(int64_t)> chunk = [&](int64_t i) {
    struct InsideGuard {
      bool was = t_inside_parallel_for;
      InsideGuard() { t_inside_parallel_for = true; }
      ~InsideGuard() { t_inside_parallel_for = was; }
    } guard;
    body(i * per_chunk, std::min(n, (i + 1) * per_chunk));
  };
  pool().run(static_cast<int>(std::min<int64_t>(threads, used)), used, chunk);
#endif
}

}  // namespace qc
