#include "tools/model_quantizer.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "eval/evaluate.h"
#include "passes/builtin_passes.h"

namespace qc {

namespace {

Graph canonicalized(const Graph& g) {
  Graph c = g;
  canonicalize_gemm(c);
  c.validate();
  return c;
}

const char* init_name(CodebookInit i) { return i == CodebookInit::linear ? "linear" : "kmeans++"; }

}  // namespace

std::vector<WeightScheme> default_auto_candidates() {
  using K = WeightScheme::Kind;
  return {WeightScheme::codebook(2), WeightScheme::codebook(3), WeightScheme::codebook(4), {K::q4, 0},
          WeightScheme::codebook(5), WeightScheme::codebook(6), {K::int8, 0},        {K::f16, 0}};
}

ModelQuantizer::ModelQuantizer(const Graph& float_graph, const Preprocess& p, const CodebookOptions& codebook,
                               bool progress)
    : graph_(canonicalized(float_graph)),
      preprocess_(p),
      progress_(progress),
      cache_(graph_, find_quantizable_layers(graph_), codebook, progress) {}

void ModelQuantizer::calibrate(const Dataset& d, const CalibOptions& o) {
  CalibOptions opts = o;
  opts.progress = o.progress && progress_;
  scales_ = calibrate_activation_scales(graph_, layers(), d, preprocess_, opts);
  calib_ = o;
  calib_path_ = d.path;
  calib_count_ = o.count == 0 ? d.count : std::min(o.count, d.count);
}

LayerQuant ModelQuantizer::layer_quant(const WeightScheme& w, ActivationMode a, size_t layer) const {
  LayerQuant q;
  q.weights = w;
  q.activations = a;
  if (x_quant_for(w, a) == 2) {
    if (layer >= scales_.size())
      fail(Errc::internal, "static int8 activations requested before calibration (layer '" +
                               layers()[layer].tensor + "')");
    q.static_scale = scales_[layer];
  }
  return q;
}

std::vector<LayerQuant> ModelQuantizer::uniform_plan(const WeightScheme& w, ActivationMode a) const {
  std::vector<LayerQuant> plan;
  for (size_t i = 0; i < layers().size(); ++i) plan.push_back(layer_quant(w, a, i));
  return plan;
}

std::vector<LayerQuant> ModelQuantizer::spec_plan(const QuantSpec& spec, ActivationMode a) const {
  std::vector<LayerQuant> plan;
  for (size_t i = 0; i < layers().size(); ++i)
    plan.push_back(layer_quant(spec.scheme_for(layers()[i].node, layers()[i].tensor), a, i));
  return plan;
}

Graph ModelQuantizer::build(const std::vector<LayerQuant>& plan) {
  Graph g = graph_;
  apply_layer_quant(g, cache_, plan);
  return g;
}

double ModelQuantizer::accuracy(const Graph& g, const Dataset& data, const std::vector<int64_t>& labels,
                                int64_t batch) const {
  EvalOptions eo;
  eo.batch = batch;
  eo.progress = false;
  int64_t classes = 0;
  const std::vector<float> logits = run_logits(g, data, preprocess_, eo, &classes);
  return compute_metrics(logits, classes, labels, nullptr).accuracy;
}

AutoOutcome ModelQuantizer::auto_plan(const Dataset& data, const std::vector<int64_t>& labels, double max_drop_pp,
                                      ActivationMode a, const std::vector<WeightScheme>& candidates, int64_t batch) {
  if (static_cast<int64_t>(labels.size()) < data.count)
    fail(Errc::invalid_argument, "auto: " + std::to_string(labels.size()) + " labels for " +
                                     std::to_string(data.count) + " evaluation items in " + data.path);
  // Each layer's ladder: the candidates that shrink it, by size, then dense.
  std::vector<AutoLayerLadder> ladders(layers().size());
  for (size_t l = 0; l < layers().size(); ++l) {
    const uint64_t dense = cache_.bytes(l, WeightScheme{});
    for (const WeightScheme& c : candidates) {
      if (c.dense()) continue;
      const uint64_t b = cache_.bytes(l, c);
      if (b < dense) ladders[l].ladder.push_back({c, b});
    }
    std::stable_sort(ladders[l].ladder.begin(), ladders[l].ladder.end(),
                     [](const AutoCandidate& x, const AutoCandidate& y) { return x.bytes < y.bytes; });
    ladders[l].ladder.push_back({WeightScheme{}, dense});
  }
  auto plan_of = [&](const std::vector<int>& choice) {
    std::vector<LayerQuant> plan;
    for (size_t l = 0; l < choice.size(); ++l) plan.push_back(layer_quant(ladders[l].ladder[choice[l]].scheme, a, l));
    return plan;
  };
  AutoSearchOptions so;
  so.max_drop_pp = max_drop_pp;
  so.progress = progress_;
  AutoOutcome out;
  out.max_drop_pp = max_drop_pp;
  out.search = search_mixed_precision(
      ladders, [&](const std::vector<int>& choice) { return accuracy(build(plan_of(choice)), data, labels, batch); },
      so);
  out.plan = plan_of(out.search.choice);
  out.ladders = std::move(ladders);
  return out;
}

void ModelQuantizer::describe(const std::vector<LayerQuant>& plan, const std::string& weights_label,
                              ModelDescription& d) const {
  d.weights = weights_label;
  d.layer_extra.clear();
  bool any_codebook = false, any_static = false;
  int max_x_quant = -1;
  for (size_t i = 0; i < plan.size() && i < layers().size(); ++i) {
    Json l = Json::object();
    l.set("weights", plan[i].weights.name());
    const int xq = x_quant_for(plan[i].weights, plan[i].activations);
    if (xq >= 0) l.set("x_quant", xq);
    if (xq == 2) l.set("x_scale", plan[i].static_scale);
    d.layer_extra[layers()[i].tensor] = std::move(l);
    any_codebook |= plan[i].weights.kind == WeightScheme::Kind::codebook;
    any_static |= xq == 2;
    max_x_quant = std::max(max_x_quant, xq);
  }
  Json& c = d.compression_extra;
  // The integer layers' activation handling (f16 and dense layers always run in float).
  static const char* const kActivationNames[] = {"float", "dynamic", "int8"};
  if (max_x_quant >= 0) c.set("activations", kActivationNames[max_x_quant]);
  if (any_codebook) {
    Json cb = Json::object();
    cb.set("per_channel", cache_.codebook().per_channel);
    cb.set("init", init_name(cache_.codebook().init));
    cb.set("max_iters", cache_.codebook().max_iters);
    c.set("codebook", std::move(cb));
  }
  if (any_static) {
    Json cal = Json::object();
    cal.set("method", calib_method_name(calib_.method));
    if (calib_.method == CalibMethod::percentile) cal.set("percentile", calib_.percentile);
    cal.set("count", calib_count_);
    c.set("calibration", std::move(cal));
  }
}

void ModelQuantizer::describe_auto(const AutoOutcome& a, ModelDescription& d) const {
  describe(a.plan, "auto", d);
  Json& c = d.compression_extra;
  c.set("max_drop", a.max_drop_pp);
  c.set("baseline_accuracy", a.search.baseline_accuracy);
  c.set("accuracy", a.search.accuracy);
  c.set("evaluations", a.search.evaluations);
  // Each layer's measured single-layer drop (pp) per candidate.
  for (size_t l = 0; l < a.ladders.size() && l < layers().size(); ++l) {
    Json sens = Json::object();
    const auto& ladder = a.ladders[l].ladder;
    for (size_t k = 0; k + 1 < ladder.size() && k < a.search.single_layer_drop_pp[l].size(); ++k)
      sens.set(ladder[k].scheme.name(), std::round(a.search.single_layer_drop_pp[l][k] * 1e6) / 1e6);
    d.layer_extra[layers()[l].tensor].set("sensitivity_pp", std::move(sens));
  }
}

}  // namespace qc
