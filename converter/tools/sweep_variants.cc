#include "tools/sweep_variants.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "common/error.h"
#include "passes/builtin_passes.h"
#include "tools/args.h"
#include "tools/atomic_file.h"
#include "tools/bundle_output.h"
#include "tools/compressed_size.h"

namespace qc {

const char* const kDefaultSweepVariants = "fp32,f16,int8,q4,cb4,cb3,cb2,auto";

namespace {

namespace fs = std::filesystem;

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The plan and report label of a variant.
std::vector<LayerQuant> variant_plan(SweepContext& ctx, const std::string& name, ModelDescription& d, Json& extra) {
  ModelQuantizer& q = ctx.quantizer;
  if (name == "fp32") {
    const auto plan = q.uniform_plan(WeightScheme{}, ActivationMode::float32);
    d.weights = "f32";
    return plan;
  }
  if (name == "auto") {
    const AutoOutcome a = q.auto_plan(ctx.data, ctx.labels, ctx.max_drop_pp, ActivationMode::dynamic_i8,
                                      default_auto_candidates(), ctx.batch);
    q.describe_auto(a, d);
    extra.set("max_drop", ctx.max_drop_pp);
    extra.set("search_accuracy", a.search.accuracy);
    extra.set("evaluations", a.search.evaluations);
    Json layers = Json::object();
    for (size_t l = 0; l < a.plan.size(); ++l) layers.set(q.layers()[l].tensor, a.plan[l].weights.name());
    extra.set("layers", std::move(layers));
    return a.plan;
  }
  const ActivationMode mode = name == "int8" ? ActivationMode::static_i8 : ActivationMode::dynamic_i8;
  const auto plan = q.uniform_plan(parse_weight_scheme(name), mode);
  q.describe(plan, name, d);
  return plan;
}

}  // namespace

std::vector<std::string> parse_variant_list(const std::string& list) {
  std::vector<std::string> out;
  for (const std::string& v : split(list)) {
    if (v != "fp32" && v != "auto") {
      try {
        if (parse_weight_scheme(v).dense()) continue;  // f32 is the fp32 variant
      } catch (const Error& e) {
        throw UsageError(std::string("--variants: ") + e.what() + " (or fp32, auto)");
      }
    }
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  out.erase(std::remove(out.begin(), out.end(), "fp32"), out.end());
  out.insert(out.begin(), "fp32");
  return out;
}

bool needs_calibration(const std::vector<std::string>& variants) {
  return std::find(variants.begin(), variants.end(), "int8") != variants.end();
}

VariantResult run_variant(SweepContext& ctx, const std::string& name, const VariantResult* baseline) {
  VariantResult r;
  r.name = name;
  ModelDescription d = ctx.base;
  const std::vector<LayerQuant> plan = variant_plan(ctx, name, d, r.extra);
  r.weights = d.weights;
  const Json* acts = d.compression_extra.find("activations");
  r.activations = acts && acts->is_string() && name != "fp32" ? acts->as_string() : "float";
  Graph g = ctx.quantizer.build(plan);
  if (ctx.pack_f32) pack_f32_weights(g);
  const std::vector<uint8_t> bytes = encode_bundle(g, d);
  r.file = (fs::path(ctx.out_dir) / (name + ".qcb")).string();
  verify_bundle(bytes, r.file);
  write_file_atomic(r.file, bytes);
  r.bytes = bytes.size();
  r.gzip_bytes = gzip_size(bytes);
  r.brotli_bytes = brotli_size(bytes);
  r.ratio_vs_onnx = ctx.base.onnx_bytes ? static_cast<double>(r.bytes) / static_cast<double>(ctx.base.onnx_bytes) : 0;

  // Measured through the written file, as a user would load it.
  const LoadedModel m = load_model_for_eval(r.file);
  EvalOptions eo;
  eo.batch = ctx.batch;
  eo.label = "eval " + name;
  int64_t classes = 0;
  std::vector<float> logits = run_logits(m.graph(), ctx.data, preprocess_from_metadata(m.metadata_json), eo, &classes);
  r.metrics = compute_metrics(logits, classes, ctx.labels, baseline ? &baseline->logits : nullptr);
  // Rounded to 1e-6 pp: accuracies are multiples of 1/count.
  r.drop_pp = baseline ? std::round((baseline->metrics.accuracy - r.metrics.accuracy) * 1e8) / 1e6 : 0.0;
  r.metrics.latency_ms_batch1 = median_latency_ms(m.graph(), 1, ctx.latency_runs);
  r.metrics.latency_ms_batch32 = median_latency_ms(m.graph(), 32, ctx.latency_runs);
  if (!baseline) r.logits = std::move(logits);
  return r;
}

Json sweep_report_json(const std::string& model, uint64_t onnx_bytes, const std::string& data, int64_t count,
                       double max_drop_pp, const std::vector<VariantResult>& results) {
  Json j = Json::object();
  j.set("model", model);
  j.set("onnx_bytes", onnx_bytes);
  j.set("data", data);
  j.set("count", count);
  j.set("max_drop", max_drop_pp);
  if (!results.empty()) j.set("baseline_accuracy", results.front().metrics.accuracy);
  Json vs = Json::array();
  for (const VariantResult& r : results) {
    Json v = Json::object();
    v.set("name", r.name);
    v.set("file", fs::path(r.file).filename().string());
    v.set("weights", r.weights);
    v.set("activations", r.activations);
    v.set("bytes", r.bytes);
    v.set("gzip_bytes", r.gzip_bytes);
    v.set("brotli_bytes", r.brotli_bytes);
    v.set("ratio_vs_onnx", r.ratio_vs_onnx);
    v.set("accuracy", r.metrics.accuracy);
    v.set("top5", r.metrics.top5);
    v.set("agreement", r.metrics.agreement >= 0 ? Json(r.metrics.agreement) : Json(1.0));
    v.set("drop_pp", r.drop_pp);
    v.set("latency_ms_batch1", r.metrics.latency_ms_batch1);
    v.set("latency_ms_batch32", r.metrics.latency_ms_batch32);
    for (const auto& [key, value] : r.extra.members()) v.set(key, value);
    vs.push(std::move(v));
  }
  j.set("variants", std::move(vs));
  return j;
}

void print_sweep_table(const std::vector<VariantResult>& results, uint64_t onnx_bytes, const std::string& json_path) {
  std::printf("%-7s %10s %7s %10s %10s %9s %8s %9s %9s %10s\n", "variant", "bytes", "x onnx", "gzip", "brotli",
              "accuracy", "drop pp", "agree", "ms b=1", "ms b=32");
  for (const VariantResult& r : results)
    std::printf("%-7s %10llu %7.3f %10llu %10llu %9.4f %8.2f %9.4f %9.3f %10.3f\n", r.name.c_str(),
                static_cast<unsigned long long>(r.bytes), r.ratio_vs_onnx,
                static_cast<unsigned long long>(r.gzip_bytes), static_cast<unsigned long long>(r.brotli_bytes),
                r.metrics.accuracy, r.drop_pp, r.metrics.agreement >= 0 ? r.metrics.agreement : 1.0,
                r.metrics.latency_ms_batch1, r.metrics.latency_ms_batch32);
  std::printf("onnx file: %llu bytes; report: %s\n", static_cast<unsigned long long>(onnx_bytes), json_path.c_str());
}

}  // namespace qc
