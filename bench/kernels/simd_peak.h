// The per-thread SIMD128 peak the kernels are measured against:
//   f32: acc = f32x4.add(acc, f32x4.mul(a, b))            8 flops per pair
//   i8:  acc = i32x4.add(acc, i32x4.dot_i16x8(a, b))      8 MACs = 16 ops per pair
// over several chain layouts (independent accumulators); the best is the peak.
#pragma once
#include <string>
#include <vector>

#include "bench_timer.h"

namespace qc::bench {

struct PeakResult {
  std::string op;  // "f32x4.mul+add" or "i32x4.dot_i16x8+add"
  int chains = 0;
  double gops = 0;  // GFLOP/s or GOP/s
  Timing timing;
};

std::vector<PeakResult> measure_simd_peaks(const TimerOptions& options);

}  // namespace qc::bench
