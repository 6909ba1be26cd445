// The mixed-precision search on synthetic accuracy functions.
#include <catch2/catch.hpp>

#include <cmath>

#include "auto/mixed_precision_search.h"
#include "common/error.h"

using namespace qc;

namespace {

// Ladders cb2 < cb4 < int8 < dense with sizes proportional to the layer's size.
std::vector<AutoLayerLadder> ladders(const std::vector<uint64_t>& elements) {
  std::vector<AutoLayerLadder> out;
  for (uint64_t n : elements) {
    AutoLayerLadder l;
    l.ladder = {{WeightScheme::codebook(2), n / 4},
                {WeightScheme::codebook(4), n / 2},
                {WeightScheme{WeightScheme::Kind::int8, 0}, n},
                {WeightScheme{}, 4 * n}};
    out.push_back(l);
  }
  return out;
}

// Additive model: accuracy = 0.9 - sum of the chosen candidates' penalties (pp).
AccuracyFn additive(const std::vector<std::vector<double>>& penalty_pp, int* calls) {
  return [penalty_pp, calls](const std::vector<int>& choice) {
    ++*calls;
    double drop = 0;
    for (size_t l = 0; l < choice.size(); ++l) drop += penalty_pp[l][choice[l]];
    return 0.9 - drop / 100.0;
  };
}

uint64_t bytes_of(const std::vector<AutoLayerLadder>& l, const std::vector<int>& choice) {
  uint64_t b = 0;
  for (size_t i = 0; i < l.size(); ++i) b += l[i].ladder[choice[i]].bytes;
  return b;
}

AutoSearchOptions budget(double pp) {
  AutoSearchOptions o;
  o.max_drop_pp = pp;
  o.progress = false;
  return o;
}

}  // namespace

TEST_CASE("auto search: within budget and no larger than a brute-force optimum allows", "[quantize][auto]") {
  const auto l = ladders({1000, 100, 10});
  // The big layer is sensitive at 2 bits; the small ones barely care.
  const std::vector<std::vector<double>> penalty = {{0.8, 0.2, 0.05, 0}, {0.3, 0.1, 0.0, 0}, {0.2, 0.0, 0.0, 0}};
  int calls = 0;
  const AutoSearchResult r = search_mixed_precision(l, additive(penalty, &calls), budget(0.5));
  CHECK(r.baseline_accuracy == Approx(0.9));
  CHECK((r.baseline_accuracy - r.accuracy) * 100 <= 0.5 + 1e-9);
  CHECK(r.bytes == bytes_of(l, r.choice));
  CHECK(r.evaluations == calls);
  // Brute force the cheapest within-budget choice.
  uint64_t best = UINT64_MAX;
  for (int a = 0; a < 4; ++a)
    for (int b = 0; b < 4; ++b)
      for (int c = 0; c < 4; ++c) {
        const double drop = penalty[0][a] + penalty[1][b] + penalty[2][c];
        if (drop <= 0.5 + 1e-9) best = std::min(best, bytes_of(l, {a, b, c}));
      }
  CHECK(r.bytes == best);
  CHECK(r.choice[0] == 1);  // cb4 for the big layer
  REQUIRE(r.single_layer_drop_pp.size() == 3);
  CHECK(r.single_layer_drop_pp[0][0] == Approx(0.8));
}

TEST_CASE("auto search: a generous budget takes the smallest candidates", "[quantize][auto]") {
  const auto l = ladders({64, 32});
  int calls = 0;
  const AutoSearchResult r = search_mixed_precision(l, additive({{1, 0.5, 0.1, 0}, {1, 0.5, 0.1, 0}}, &calls),
                                                    budget(5.0));
  CHECK(r.choice == std::vector<int>{0, 0});
  CHECK(r.bytes == 16 + 8);
}

TEST_CASE("auto search: a zero budget keeps lossy layers dense", "[quantize][auto]") {
  const auto l = ladders({64, 32});
  int calls = 0;
  const AutoSearchResult r =
      search_mixed_precision(l, additive({{1, 0.5, 0.1, 0}, {1, 0.0, 0.0, 0}}, &calls), budget(0.0));
  CHECK(r.choice[0] == 3);
  CHECK(r.choice[1] == 1);  // the cheapest lossless candidate
  CHECK(r.accuracy == Approx(0.9));
}

TEST_CASE("auto search: interacting layers are upgraded until the budget holds", "[quantize][auto]") {
  // Each layer alone is within budget at 2 bits, together they are not.
  const auto l = ladders({100, 100, 100});
  int calls = 0;
  const auto acc = [&calls](const std::vector<int>& c) {
    ++calls;
    int low = 0;
    for (int x : c) low += x == 0;
    return 0.9 - (low >= 2 ? 0.02 * low : 0.003 * low);
  };
  const AutoSearchResult r = search_mixed_precision(l, acc, budget(0.5));
  CHECK((r.baseline_accuracy - r.accuracy) * 100 <= 0.5 + 1e-9);
  int low = 0;
  for (int x : r.choice) low += x == 0;
  CHECK(low == 1);
  CHECK(r.bytes == 25 + 50 + 50);
}

TEST_CASE("auto search: argument errors", "[quantize][auto]") {
  int calls = 0;
  const auto fn = additive({{0}}, &calls);
  CHECK_THROWS_AS(search_mixed_precision({AutoLayerLadder{}}, fn, budget(0.5)), Error);
  AutoLayerLadder dense;
  dense.ladder = {{WeightScheme{}, 4}};
  CHECK_THROWS_AS(search_mixed_precision({dense}, fn, budget(-1)), Error);
  CHECK_THROWS_AS(search_mixed_precision({dense}, fn, budget(NAN)), Error);
  const AutoSearchResult r = search_mixed_precision({dense}, fn, budget(0.5));
  CHECK(r.choice == std::vector<int>{0});
}
