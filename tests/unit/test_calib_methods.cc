// Activation calibration: histogram, the three threshold methods on synthetic
// distributions, statistics collected from a graph, and bad calibration data.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "calib/calibrate.h"
#include "common/error.h"
#include "test_import_onnx_builder.h"

using namespace qc;
using qc::testing::OnnxBuilder;

namespace {

// |x| long-tailed: exponential bulk (mean 1) plus a few large outliers.
AbsHistogram long_tailed_histogram(std::vector<float>* samples = nullptr) {
  std::mt19937 rng(7);
  std::exponential_distribution<float> bulk(1.0f);
  std::vector<float> x(200000);
  for (float& v : x) v = bulk(rng) * (rng() % 2 ? 1.f : -1.f);
  for (int i = 0; i < 20; ++i) x[i * 997] = 60.f + i;
  float m = 0;
  for (float v : x) m = std::max(m, std::fabs(v));
  AbsHistogram h(m);
  h.add(x.data(), x.size());
  if (samples) *samples = x;
  return h;
}

}  // namespace

TEST_CASE("AbsHistogram: bins, count, max, non-finite values skipped", "[calib]") {
  AbsHistogram h(4.0, 4);
  const std::vector<float> x = {0.f, -0.5f, 1.5f, -2.5f, 3.9f, 4.f, NAN, INFINITY};
  h.add(x.data(), x.size());
  CHECK(h.count() == 6);
  CHECK(h.max_abs() == 4.0);
  CHECK(h.bins() == std::vector<uint64_t>{2, 1, 1, 2});
  CHECK(h.bin_width() == 1.0);
  AbsHistogram zero(0.0, 8);
  zero.add(x.data(), 1);
  CHECK(zero.bins()[0] == 1);
}

TEST_CASE("calibration thresholds on a long-tailed distribution", "[calib]") {
  std::vector<float> samples;
  const AbsHistogram h = long_tailed_histogram(&samples);
  const double max = h.max_abs();
  const double minmax = calibration_threshold(h, CalibMethod::minmax, 99.99);
  const double pct = calibration_threshold(h, CalibMethod::percentile, 99.99);
  const double entropy = calibration_threshold(h, CalibMethod::entropy, 99.99);
  INFO("max " << max << " percentile " << pct << " entropy " << entropy);
  CHECK(minmax == max);
  // The outliers are 0.01% of the samples: the 99.99th percentile sits in the bulk's tail.
  CHECK(pct < max / 2);
  CHECK(pct > 5.0);  // exponential: P(|x| > 5) = 0.7%
  CHECK(entropy < max / 2);
  CHECK(entropy > 2.0);
  // The exact 99.99th percentile is within one bin of the histogram's.
  std::vector<float> a;
  for (float v : samples) a.push_back(std::fabs(v));
  std::sort(a.begin(), a.end());
  const double exact = a[static_cast<size_t>(std::ceil(0.9999 * a.size())) - 1];
  CHECK(std::fabs(pct - exact) <= h.bin_width() + 1e-9);
  // Lower percentiles clip more.
  CHECK(percentile_threshold(h, 99.0) < pct);
  CHECK(percentile_threshold(h, 100.0) == Approx(max));
}

TEST_CASE("calibration thresholds on a uniform distribution keep the range", "[calib]") {
  std::vector<float> x(100000);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 1000) / 1000.f * 3.f;
  AbsHistogram h(max_abs_finite(x.data(), x.size()));
  h.add(x.data(), x.size());
  CHECK(calibration_threshold(h, CalibMethod::entropy, 99.99) > 0.9 * h.max_abs());
  CHECK(calibration_threshold(h, CalibMethod::percentile, 99.99) > 0.99 * h.max_abs());
}

TEST_CASE("calibration method names", "[calib]") {
  CHECK(parse_calib_method("minmax") == CalibMethod::minmax);
  CHECK(parse_calib_method("percentile") == CalibMethod::percentile);
  CHECK(parse_calib_method("entropy") == CalibMethod::entropy);
  CHECK_THROWS_AS(parse_calib_method("mse"), Error);
  CHECK_THROWS_AS(percentile_threshold(long_tailed_histogram(), 0.0), Error);
}

TEST_CASE("collect_abs_histograms sees the values feeding each node", "[calib]") {
  // y = Relu(x * 2): the histogram of x, and of the Mul output.
  OnnxBuilder b;
  b.input("x", {-1, 4});
  b.f32("two", {1}, {2.f});
  b.node("Mul", {"x", "two"}, {"m"}, "mul");
  b.node("Relu", {"m"}, {"y"}, "relu");
  b.output("y", {-1, 4});
  const Graph g = b.import();
  Dataset d;
  d.path = "synthetic";
  d.item_dims = {4};
  d.count = 3;
  d.values = {1, -2, 3, 0, 0.5f, 0.5f, -0.5f, 4, 10, 0, 0, 0};
  Preprocess p;
  p.scale = 0.5;
  CalibOptions o;
  o.progress = false;
  o.batch = 2;  // the last batch is partial
  o.count = 0;
  const auto hists = collect_abs_histograms(g, {g.inputs[0], g.find_value("m")}, d, p, o);
  REQUIRE(hists.size() == 2);
  CHECK(hists[0].count() == 12);
  CHECK(hists[0].max_abs() == Approx(5.0));
  CHECK(hists[1].count() == 12);
  CHECK(hists[1].max_abs() == Approx(10.0));
  o.count = 2;
  CHECK(collect_abs_histograms(g, {g.inputs[0]}, d, p, o)[0].max_abs() == Approx(2.0));
}

TEST_CASE("calibration rejects data of the wrong shape and empty data", "[calib]") {
  OnnxBuilder b;
  b.input("x", {-1, 4});
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.output("y", {-1, 4});
  const Graph g = b.import();
  CalibOptions o;
  o.progress = false;
  Dataset d;
  d.path = "wrong.npy";
  d.item_dims = {5};
  d.count = 1;
  d.values.assign(5, 1.f);
  try {
    collect_abs_histograms(g, {g.inputs[0]}, d, Preprocess{}, o);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::shape_mismatch);
    CHECK(std::string(e.what()).find("wrong.npy: items have 5 values") != std::string::npos);
    CHECK(std::string(e.what()).find("'x' expects 4") != std::string::npos);
  }
  Dataset empty;
  empty.path = "empty.npy";
  empty.item_dims = {4};
  try {
    collect_abs_histograms(g, {g.inputs[0]}, empty, Preprocess{}, o);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::invalid_argument);
    CHECK(std::string(e.what()).find("empty.npy is empty") != std::string::npos);
  }
}
