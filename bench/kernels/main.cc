// Kernel microbenchmarks, the same source natively (SIMDe) and in wasm (SIMD128):
// the SIMD peak (simd_peak.h), then for every GEMM shape the dense fp32 reference
// Gemm of the op table and every row of qgemm.inc (its SIMD and its reference
// function). Prints one JSON object per line; bench/kernels.mjs turns the native
// and wasm outputs into the report. Not a test: figures depend on the machine.
//   qcomp_kernel_bench [--shapes MxNxK,...] [--kernels substr,...] [--no-ref] [--no-peak]
//                      [--warmup-ms N] [--samples N] [--min-sample-ms N] [--max-case-ms N]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "bench_weights.h"
#include "dense_gemm_case.h"
#include "kernels/quant/qgemm_args.h"
#include "kernels/simd/simd_available.h"
#include "qgemm_case.h"
#include "schemes/scheme_table.h"
#include "simd_peak.h"

using namespace qc;
using namespace qc::bench;

namespace {

struct Shape {
  int64_t m, n, k;
};

struct Options {
  std::vector<Shape> shapes = {{256, 256, 256}, {64, 1024, 1024}, {1, 300, 784}, {1, 100, 300}};
  std::vector<std::string> kernels;  // substrings; empty = all
  bool ref = true, peak = true;
  TimerOptions timer;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "qcomp_kernel_bench: %s (see the header of bench/kernels/main.cc)\n", why.c_str());
  std::exit(2);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      if (i > start) out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

double number(const char* flag, const char* v) {
  char* end = nullptr;
  const double d = v ? std::strtod(v, &end) : NAN;
  if (!v || *end || !(d >= 0)) usage(std::string(flag) + " needs a non-negative number");
  return d;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
    if (a == "--no-ref") o.ref = false;
    else if (a == "--no-peak") o.peak = false;
    else if (a == "--kernels") o.kernels = split(v ? argv[++i] : "", ',');
    else if (a == "--warmup-ms") o.timer.warmup_ms = number(argv[i], v), ++i;
    else if (a == "--samples") o.timer.samples = static_cast<int>(number(argv[i], v)), ++i;
    else if (a == "--min-sample-ms") o.timer.min_sample_ms = number(argv[i], v), ++i;
    else if (a == "--max-case-ms") o.timer.max_case_ms = number(argv[i], v), ++i;
    else if (a == "--shapes") {
      o.shapes.clear();
      for (const std::string& s : split(v ? argv[++i] : "", ',')) {
        const std::vector<std::string> d = split(s, 'x');
        if (d.size() != 3) usage("a shape is MxNxK, got '" + s + "'");
        Shape sh{std::atoll(d[0].c_str()), std::atoll(d[1].c_str()), std::atoll(d[2].c_str())};
        if (sh.m <= 0 || sh.n <= 0 || sh.k <= 0) usage("shape dims must be positive, got '" + s + "'");
        o.shapes.push_back(sh);
      }
    } else usage("unknown option " + a);
  }
  if (o.timer.samples < 1) o.timer.samples = 1;
  o.timer.min_samples = std::min(o.timer.min_samples, o.timer.samples);
  return o;
}

bool selected(const Options& o, const std::string& name) {
  if (o.kernels.empty()) return true;
  for (const std::string& s : o.kernels)
    if (name.find(s) != std::string::npos) return true;
  return false;
}

void print_timing(const Timing& t) {
  std::printf("\"median_s\":%.9g,\"p10_s\":%.9g,\"p90_s\":%.9g,\"samples\":%d,\"calls_per_sample\":%lld", t.median_s,
              t.p10_s, t.p90_s, t.samples, static_cast<long long>(t.calls_per_sample));
}

// max |a - b| / max |b|: how far a SIMD result is from its reference.
double relative_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double diff = 0, scale = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::fabs(double{a[i]} - b[i]));
    scale = std::max(scale, std::fabs(double{b[i]}));
  }
  return scale > 0 ? diff / scale : diff;
}

void print_gemm(const std::string& kernel, const std::string& scheme, const char* act, const char* impl,
                const Shape& s, const Timing& t, double rel_diff) {
  const double ops = 2.0 * static_cast<double>(s.m) * static_cast<double>(s.n) * static_cast<double>(s.k);
  std::printf("{\"kind\":\"gemm\",\"kernel\":\"%s\",\"scheme\":\"%s\",\"act\":\"%s\",\"impl\":\"%s\","
              "\"m\":%lld,\"n\":%lld,\"k\":%lld,\"gops\":%.6g,",
              kernel.c_str(), scheme.c_str(), act, impl, static_cast<long long>(s.m), static_cast<long long>(s.n),
              static_cast<long long>(s.k), ops / t.median_s * 1e-9);
  if (std::isfinite(rel_diff)) std::printf("\"rel_diff_vs_ref\":%.3g,", rel_diff);
  print_timing(t);
  std::printf("}\n");
  std::fflush(stdout);
}

void bench_shape(const Options& o, const Shape& s) {
  const std::vector<float> x = normal_floats(static_cast<size_t>(s.m * s.k), 1, 1.f);
  const std::vector<float> w = normal_floats(static_cast<size_t>(s.n * s.k), 2, 0.05f);
  if (selected(o, "dense_f32")) {
    DenseGemmCase dense(x, w, s.m, s.n, s.k);
    const Timing t = time_call([&] { dense.run(); }, o.timer);
    print_gemm("dense_f32 (ref_gemm)", "dense", "f32", "ref", s, t, NAN);
  }
  for (const QGemmKernel& kernel : qgemm_kernels()) {
    for (const WeightVariant& variant : weight_variants(kernel.scheme)) {
      const std::string name = std::string(kernel.name) + (variant.label.empty() ? "" : " " + variant.label);
      if (!selected(o, name)) continue;
      const char* act = kernel.act == QGemmAct::f32 ? "f32" : "i8";
      const std::optional<BenchWeight> weight = encode_bench_weight(kernel.scheme, variant, w, s.n, s.k);
      if (!weight) {
        std::printf("{\"kind\":\"skipped\",\"kernel\":\"%s\",\"scheme\":\"%s\",\"why\":\"no encoder for this scheme "
                    "in bench/kernels/bench_weights.cc\"}\n", name.c_str(), scheme_name(kernel.scheme));
        continue;
      }
      const WeightView view = weight->view();
      QGemmCase ref_case(kernel, view, x, s.m);
      ref_case.run(kernel.ref);
      if (kernel.simd) {
        QGemmCase simd_case(kernel, view, x, s.m);
        simd_case.run(kernel.simd);
        const double diff = relative_diff(simd_case.y(), ref_case.y());
        const Timing t = time_call([&] { simd_case.run(kernel.simd); }, o.timer);
        print_gemm(name, scheme_name(kernel.scheme), act, "simd", s, t, diff);
      }
      if (o.ref) {
        const Timing t = time_call([&] { ref_case.run(kernel.ref); }, o.timer);
        print_gemm(name, scheme_name(kernel.scheme), act, "ref", s, t, NAN);
      }
    }
  }
}

void print_peaks(const Options& o, int pass) {
  for (const PeakResult& p : measure_simd_peaks(o.timer)) {
    std::printf("{\"kind\":\"peak\",\"pass\":%d,\"op\":\"%s\",\"chains\":%d,\"gops\":%.6g,", pass, p.op.c_str(),
                p.chains, p.gops);
    print_timing(p.timing);
    std::printf("}\n");
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
#if defined(__wasm__)
    const char* platform = "wasm";
#else
    const char* platform = "native";
#endif
    std::printf("{\"kind\":\"build\",\"platform\":\"%s\",\"simd128\":%d,\"compiler\":\"%s\",\"warmup_ms\":%g,"
                "\"samples\":%d,\"min_sample_ms\":%g,\"max_case_ms\":%g}\n",
                platform, QC_SIMD128, __VERSION__, o.timer.warmup_ms, o.timer.samples, o.timer.min_sample_ms,
                o.timer.max_case_ms);
    // The peak before and after the GEMMs: load from other processes only lowers a
    // measurement, so the report takes the best of both passes.
    if (o.peak) print_peaks(o, 1);
    for (const Shape& s : o.shapes) bench_shape(o, s);
    if (o.peak) print_peaks(o, 2);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qcomp_kernel_bench: %s\n", e.what());
    return 1;
  }
}
