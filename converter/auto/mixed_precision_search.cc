#include "auto/mixed_precision_search.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "common/error.h"
#include "tools/progress.h"

namespace qc {

namespace {

// An upgrade with no measured single-layer gain still counts this much (one image
// in 10,000), so the cheapest such upgrade goes first.
constexpr double kMinGainPp = 0.01;

class Search {
 public:
  Search(const std::vector<AutoLayerLadder>& layers, const AccuracyFn& accuracy, const AutoSearchOptions& o)
      : layers_(layers), accuracy_(accuracy), o_(o) {}

  AutoSearchResult run() {
    const size_t n = layers_.size();
    std::vector<int> top(n);
    for (size_t l = 0; l < n; ++l) top[l] = static_cast<int>(layers_[l].ladder.size()) - 1;
    r_.baseline_accuracy = measure(top);
    measure_sensitivity(top);
    std::vector<int> choice = start_choice();
    upgrade_until_within_budget(choice);
    downgrade_while_within_budget(choice);
    r_.choice = choice;
    r_.accuracy = measure(choice);
    for (size_t l = 0; l < n; ++l) r_.bytes += bytes(l, choice[l]);
    r_.evaluations = static_cast<int>(memo_.size());
    return r_;
  }

 private:
  uint64_t bytes(size_t l, int c) const { return layers_[l].ladder[c].bytes; }
  double drop_pp(double acc) const { return (r_.baseline_accuracy - acc) * 100.0; }
  bool within_budget(double acc) const { return drop_pp(acc) <= o_.max_drop_pp + 1e-9; }

  double measure(const std::vector<int>& choice) {
    auto it = memo_.find(choice);
    if (it != memo_.end()) return it->second;
    const double acc = accuracy_(choice);
    memo_.emplace(choice, acc);
    return acc;
  }

  void measure_sensitivity(const std::vector<int>& top) {
    int64_t total = 0;
    for (const auto& l : layers_) total += static_cast<int64_t>(l.ladder.size()) - 1;
    Progress bar("auto: layer sensitivity", total, !o_.progress);
    int64_t done = 0;
    r_.single_layer_drop_pp.resize(layers_.size());
    for (size_t l = 0; l < layers_.size(); ++l) {
      auto& drops = r_.single_layer_drop_pp[l];
      drops.assign(layers_[l].ladder.size(), 0.0);
      for (int c = 0; c < top[l]; ++c) {
        std::vector<int> choice = top;
        choice[l] = c;
        drops[c] = drop_pp(measure(choice));
        bar.update(++done);
      }
    }
  }

  std::vector<int> start_choice() const {
    std::vector<int> choice(layers_.size());
    for (size_t l = 0; l < layers_.size(); ++l) {
      const auto& drops = r_.single_layer_drop_pp[l];
      int c = 0;
      while (c + 1 < static_cast<int>(drops.size()) && drops[c] > o_.max_drop_pp) ++c;
      choice[l] = c;
    }
    return choice;
  }

  // The upgrade with the best estimated gain (single-layer drops) per extra byte.
  // Upgrades with no estimated gain are considered only when no upgrade has one,
  // and then count kMinGainPp (the cheapest goes first). False when every layer is
  // already dense.
  bool best_upgrade(const std::vector<int>& choice, size_t* layer, int* to) const {
    for (bool require_gain : {true, false}) {
      double best = -1;
      for (size_t l = 0; l < layers_.size(); ++l) {
        const auto& drops = r_.single_layer_drop_pp[l];
        for (int c = choice[l] + 1; c < static_cast<int>(drops.size()); ++c) {
          const double gain = drops[choice[l]] - drops[c];
          if (require_gain && gain <= 0) continue;
          const double extra = static_cast<double>(bytes(l, c) - bytes(l, choice[l])) + 1.0;
          const double score = std::max(gain, kMinGainPp) / extra;
          if (score > best) {
            best = score;
            *layer = l;
            *to = c;
          }
        }
      }
      if (best >= 0) return true;
    }
    return false;
  }

  // Smaller candidates of layer l whose single-layer drop fits the budget, smallest first.
  std::vector<int> downgrade_options(size_t l, int current) const {
    std::vector<int> out;
    for (int c = 0; c < current; ++c)
      if (r_.single_layer_drop_pp[l][c] <= o_.max_drop_pp) out.push_back(c);
    return out;
  }

  void upgrade_until_within_budget(std::vector<int>& choice) {
    double acc = measure(choice);
    size_t l = 0;
    int to = 0;
    while (!within_budget(acc) && best_upgrade(choice, &l, &to)) {
      choice[l] = to;
      acc = measure(choice);
    }
  }

  // Layer by layer, largest possible saving first: the smallest candidate that
  // keeps the whole model within budget; a layer with none is left as it is.
  void downgrade_while_within_budget(std::vector<int>& choice) {
    std::vector<char> stuck(layers_.size(), 0);
    for (;;) {
      if (!within_budget(measure(choice))) return;
      int best = -1;
      uint64_t best_saving = 0;
      for (size_t l = 0; l < layers_.size(); ++l) {
        const std::vector<int> options = downgrade_options(l, choice[l]);
        if (stuck[l] || options.empty()) continue;
        const uint64_t saving = bytes(l, choice[l]) - bytes(l, options.front());
        if (best < 0 || saving > best_saving) {
          best = static_cast<int>(l);
          best_saving = saving;
        }
      }
      if (best < 0) return;
      stuck[best] = 1;
      for (int c : downgrade_options(best, choice[best])) {
        std::vector<int> trial = choice;
        trial[best] = c;
        if (within_budget(measure(trial))) {
          choice = trial;
          stuck[best] = 0;
          break;
        }
      }
    }
  }

  const std::vector<AutoLayerLadder>& layers_;
  const AccuracyFn& accuracy_;
  AutoSearchOptions o_;
  AutoSearchResult r_;
  std::map<std::vector<int>, double> memo_;
};

}  // namespace

AutoSearchResult search_mixed_precision(const std::vector<AutoLayerLadder>& layers, const AccuracyFn& accuracy,
                                        const AutoSearchOptions& o) {
  if (!(o.max_drop_pp >= 0) || !std::isfinite(o.max_drop_pp))
    fail(Errc::invalid_argument, "auto: --max-drop must be a finite number >= 0, got " + std::to_string(o.max_drop_pp));
  for (size_t l = 0; l < layers.size(); ++l) {
    if (layers[l].ladder.empty()) fail(Errc::invalid_argument, "auto: layer " + std::to_string(l) + " has no candidates");
    for (size_t c = 1; c < layers[l].ladder.size(); ++c)
      if (layers[l].ladder[c].bytes < layers[l].ladder[c - 1].bytes)
        fail(Errc::internal, "auto: layer " + std::to_string(l) + " candidates are not in ascending bytes");
  }
  return Search(layers, accuracy, o).run();
}

}  // namespace qc

