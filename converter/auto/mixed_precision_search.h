// Mixed-precision search (--weights auto): picks one weight scheme per layer so the
// model's accuracy drop stays within a budget at the smallest size. Independent of
// how accuracy is measured: the caller supplies `accuracy(choice)`.
//   1. baseline: every layer dense;
//   2. sensitivity: one layer at a time in each candidate, the others dense;
//   3. start each layer at its smallest candidate whose single-layer drop fits the
//      budget; while the whole model's drop exceeds it, upgrade the layer with the
//      best estimated accuracy recovered per extra byte;
//   4. then try to downgrade layers (largest saving first) while within budget.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "passes/quant_spec.h"

namespace qc {

struct AutoCandidate {
  WeightScheme scheme;
  uint64_t bytes = 0;
};

// A layer's options in ascending bytes; the last one is the dense weight.
struct AutoLayerLadder {
  std::vector<AutoCandidate> ladder;
};

// Accuracy (fraction 0..1) of the model with layer l in ladder[choice[l]].
using AccuracyFn = std::function<double(const std::vector<int>& choice)>;

struct AutoSearchOptions {
  double max_drop_pp = 0.5;  // percentage points
  bool progress = true;
};

struct AutoSearchResult {
  std::vector<int> choice;
  double baseline_accuracy = 0, accuracy = 0;
  std::vector<std::vector<double>> single_layer_drop_pp;  // [layer][ladder index]
  uint64_t bytes = 0;  // sum of the chosen candidates' bytes
  int evaluations = 0;  // distinct accuracy() calls
};

// Errc::invalid_argument for an empty ladder or a negative / non-finite budget.
AutoSearchResult search_mixed_precision(const std::vector<AutoLayerLadder>& layers, const AccuracyFn& accuracy,
                                        const AutoSearchOptions& o);

}  // namespace qc
