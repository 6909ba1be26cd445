// The quantization pipeline shared by `qcomp convert` and `qcomp sweep`: from the
// float graph (after the default passes) to quantized variants and their
// compression report. Weights are encoded once per (layer, scheme) and the
// activation calibration runs once, however many variants are built.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "auto/mixed_precision_search.h"
#include "calib/calibrate.h"
#include "data/dataset.h"
#include "graph/ir.h"
#include "passes/quant_spec.h"
#include "passes/quantize_weights.h"
#include "tools/model_metadata.h"

namespace qc {

// The schemes --weights auto tries for each layer (those that shrink it).
std::vector<WeightScheme> default_auto_candidates();

struct AutoOutcome {
  std::vector<AutoLayerLadder> ladders;  // each layer's candidates, as searched
  std::vector<LayerQuant> plan;
  AutoSearchResult search;
  double max_drop_pp = 0;
};

class ModelQuantizer {
 public:
  // Copies `float_graph` and canonicalizes its Gemm/MatMul weights. `p` is the
  // preprocessing applied to raw dataset items for calibration and evaluation.
  ModelQuantizer(const Graph& float_graph, const Preprocess& p, const CodebookOptions& codebook, bool progress);

  const Graph& canonical_graph() const { return graph_; }
  const std::vector<QuantLayer>& layers() const { return cache_.layers(); }
  WeightEncodingCache& cache() { return cache_; }

  // Static activation scales from `d` (see calib/calibrate.h); needed before any
  // plan with ActivationMode::static_i8.
  void calibrate(const Dataset& d, const CalibOptions& o);
  bool calibrated() const { return !scales_.empty() || layers().empty(); }

  std::vector<LayerQuant> uniform_plan(const WeightScheme& w, ActivationMode a) const;
  std::vector<LayerQuant> spec_plan(const QuantSpec& spec, ActivationMode a) const;
  // --weights auto: accuracy measured on `data` against `labels`.
  AutoOutcome auto_plan(const Dataset& data, const std::vector<int64_t>& labels, double max_drop_pp, ActivationMode a,
                        const std::vector<WeightScheme>& candidates, int64_t batch);

  // A copy of the canonical graph with the plan applied.
  Graph build(const std::vector<LayerQuant>& plan);
  // Accuracy (0..1) of a graph on `data`.
  double accuracy(const Graph& g, const Dataset& data, const std::vector<int64_t>& labels, int64_t batch) const;

  // Fills d.weights, d.compression_extra and d.layer_extra for the plan.
  void describe(const std::vector<LayerQuant>& plan, const std::string& weights_label, ModelDescription& d) const;
  void describe_auto(const AutoOutcome& a, ModelDescription& d) const;

 private:
  LayerQuant layer_quant(const WeightScheme& w, ActivationMode a, size_t layer) const;

  Graph graph_;
  Preprocess preprocess_;
  bool progress_;
  WeightEncodingCache cache_;
  std::vector<float> scales_;
  CalibOptions calib_;
  std::string calib_path_;
  int64_t calib_count_ = 0;
};

}  // namespace qc
