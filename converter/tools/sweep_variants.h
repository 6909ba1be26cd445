// The variants `qcomp sweep` writes and measures, one bundle each.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "eval/evaluate.h"
#include "format/json.h"
#include "graph/ir.h"
#include "tools/model_metadata.h"
#include "tools/model_quantizer.h"

namespace qc {

// fp32 first: the baseline the others are compared with.
extern const char* const kDefaultSweepVariants;  // "fp32,f16,int8,q4,cb4,cb3,cb2,auto"

// Comma-separated variant names: fp32, auto, int8 (int8 weights + static int8
// activations), or any other --weights scheme (dynamic int8 activations). fp32 is
// added in front when missing. Throws UsageError naming an unknown variant.
std::vector<std::string> parse_variant_list(const std::string& list);
bool needs_calibration(const std::vector<std::string>& variants);

struct SweepContext {
  ModelQuantizer& quantizer;  // calibrated when a variant needs it
  const Graph& float_graph;
  const ModelDescription& base;  // name, source, labels, preprocess, onnx bytes
  const Dataset& data;
  const std::vector<int64_t>& labels;
  std::string out_dir;
  int64_t batch = 100;
  int latency_runs = 30;
  double max_drop_pp = 0.5;
  bool pack_f32 = true;  // weights left in f32 are written as f32_packed
};

struct VariantResult {
  std::string name, file, weights, activations;
  uint64_t bytes = 0, gzip_bytes = 0, brotli_bytes = 0;
  EvalMetrics metrics;
  double drop_pp = 0;
  double ratio_vs_onnx = 0;
  std::vector<float> logits;  // kept for the fp32 baseline only
  Json extra = Json::object();  // auto: max_drop, per-layer choices
};

// Builds, writes (OUT_DIR/NAME.qcb), reloads and evaluates one variant; `baseline`
// is the fp32 result (nullptr for fp32 itself).
VariantResult run_variant(SweepContext& ctx, const std::string& name, const VariantResult* baseline);

Json sweep_report_json(const std::string& model, uint64_t onnx_bytes, const std::string& data, int64_t count,
                       double max_drop_pp, const std::vector<VariantResult>& results);

void print_sweep_table(const std::vector<VariantResult>& results, uint64_t onnx_bytes, const std::string& json_path);

}  // namespace qc
