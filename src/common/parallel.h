// Intra-op parallelism: a process-wide pool of worker threads that split a range of
// independent work items (output tiles) with the calling thread. Builds without
// threads (the single-thread wasm runtime) run every range inline.
#pragma once
#include <cstdint>
#include <functional>

namespace qc {

// True when this build can run more than one thread.
bool threads_supported();

// The same, at compile time: code that splits work can compile to a plain loop in
// the single-thread wasm runtime.
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
inline constexpr bool kThreadsBuilt = false;
#else
inline constexpr bool kThreadsBuilt = true;
#endif

// Threads that parallel_for uses from now on, the caller included (clamped to
// 1..kMaxThreads; always 1 without thread support). Starts at 1.
void set_thread_count(int threads);
int thread_count();

inline constexpr int kMaxThreads = 16;

// Calls body(begin, end) on disjoint chunks covering [0, n): chunk boundaries are
// multiples of `grain` (except n). Returns after every chunk ran. A range too small
// for more than one chunk, a nested call and a one-thread setting run inline.
// An exception thrown by the body is rethrown here (the first one).
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& body);

}  // namespace qc
