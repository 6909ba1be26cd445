// Times a callable the same way natively and in wasm: warm-up by time (V8 tiers
// wasm functions up in the background after they get hot), then `samples` samples,
// each repeating the call back-to-back until it lasts >= min_sample_ms; the median
// seconds per call. The total time of a case is capped (slow reference kernels get
// fewer samples, never fewer than min_samples).
#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

namespace qc::bench {

struct TimerOptions {
  double warmup_ms = 500;
  int samples = 21;
  int min_samples = 5;
  double min_sample_ms = 10;
  double max_case_ms = 4000;  // after warm-up
};

struct Timing {
  double median_s = 0, p10_s = 0, p90_s = 0;
  int samples = 0;
  int64_t calls_per_sample = 0;
};

inline double now_s() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

inline double quantile_sorted(const std::vector<double>& v, double q) {
  const double pos = (static_cast<double>(v.size()) - 1) * q;
  const size_t lo = static_cast<size_t>(std::floor(pos)), hi = static_cast<size_t>(std::ceil(pos));
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

template <class Fn>
Timing time_call(Fn&& fn, const TimerOptions& o) {
  // Warm-up: at least two calls and warmup_ms; the per-call estimate is taken over
  // the second half, after most of the tier-up.
  const double start = now_s();
  double tail_start = -1;
  int64_t calls = 0, tail_calls = 0;
  double now = start;
  for (;;) {
    fn();
    ++calls;
    now = now_s();
    if (calls >= 2 && (now - start) * 1e3 >= o.warmup_ms) break;
    if (tail_start < 0) {
      if ((now - start) * 1e3 >= o.warmup_ms / 2) tail_start = now;
    } else {
      ++tail_calls;
    }
  }
  const double estimate = tail_calls > 0 ? (now - tail_start) / static_cast<double>(tail_calls)
                                         : (now - start) / static_cast<double>(calls);
  Timing t;
  t.calls_per_sample = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(o.min_sample_ms * 1e-3 / estimate)));
  const double sample_s = estimate * static_cast<double>(t.calls_per_sample);
  const int affordable = static_cast<int>(o.max_case_ms * 1e-3 / std::max(sample_s, 1e-9));
  const int samples = std::max(o.min_samples, std::min(o.samples, affordable));
  std::vector<double> per_call;
  for (int s = 0; s < samples; ++s) {
    const double t0 = now_s();
    for (int64_t i = 0; i < t.calls_per_sample; ++i) fn();
    per_call.push_back((now_s() - t0) / static_cast<double>(t.calls_per_sample));
  }
  std::sort(per_call.begin(), per_call.end());
  t.median_s = quantile_sorted(per_call, 0.5);
  t.p10_s = quantile_sorted(per_call, 0.1);
  t.p90_s = quantile_sorted(per_call, 0.9);
  t.samples = samples;
  return t;
}

}  // namespace qc::bench
