// qcomp eval MODEL.(qcb|onnx) --data IMAGES [--labels LABELS] [--ref REF.(qcb|onnx)]
//            [--limit N] [--batch B] [--preprocess scale=S,mean=M,std=D] [--runs R] [--json] [--quiet]
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "common/error.h"
#include "eval/evaluate.h"
#include "format/json.h"
#include "tools/args.h"
#include "tools/commands.h"
#include "tools/progress.h"

namespace qc {

const char* const kEvalUsage =
    "qcomp eval MODEL.(qcb|onnx) --data IMAGES [--labels LABELS] [--ref REF.(qcb|onnx)] [--limit N]\n"
    "                            [--batch B] [--preprocess scale=S,mean=M,std=D] [--runs R] [--json] [--quiet]\n"
    "      IMAGES/LABELS: IDX (.gz ok) or .npy. A .qcb applies its own preprocess; an .onnx uses\n"
    "      --preprocess, else the other model's bundle preprocess, else none (scale=1,mean=0,std=1).\n"
    "      --runs R: timed runs per latency median (default 20; 0 skips latency).\n";

namespace {

struct ModelRun {
  LoadedModel model;
  Preprocess preprocess;
  std::vector<float> logits;
  int64_t classes = 0;
};

std::vector<float> logits_for(const ModelRun& r, const Dataset& d, const EvalOptions& o, int64_t* classes) {
  try {
    return run_logits(r.model.graph(), d, r.preprocess, o, classes);
  } catch (const Error& e) {
    fail(e.code(), r.model.path + ": " + e.what());
  }
}

Json rate(double v) { return v < 0 ? Json() : Json(v); }

void print_text(const EvalMetrics& m, const ModelRun& main, const ModelRun* ref, const std::optional<double>& ref_acc,
                const std::string& data) {
  std::printf("model      %s (%s)\n", main.model.path.c_str(), main.model.from_bundle ? "bundle" : "onnx");
  std::printf("data       %lld items from %s (preprocess scale=%g mean=%g std=%g)\n", static_cast<long long>(m.count),
              data.c_str(), main.preprocess.scale, main.preprocess.mean, main.preprocess.std);
  if (m.accuracy >= 0) std::printf("accuracy   %.2f%%   top-5 %.2f%%\n", 100 * m.accuracy, 100 * m.top5);
  if (ref) {
    std::printf("reference  %s", ref->model.path.c_str());
    if (ref_acc) std::printf(" (accuracy %.2f%%)", 100 * *ref_acc);
    std::printf("\nagreement  %.2f%%   logit error max %.3g mean %.3g\n", 100 * m.agreement, m.max_logit_error,
                m.mean_logit_error);
  }
  if (m.latency_ms_batch1 >= 0)
    std::printf("latency    batch 1: %.3f ms   batch 32: %.3f ms (native, median)\n", m.latency_ms_batch1,
                m.latency_ms_batch32);
}

void print_json(const EvalMetrics& m, const ModelRun& main, const ModelRun* ref, const std::optional<double>& ref_acc) {
  Json o = Json::object();
  o.set("model", main.model.path);
  o.set("count", m.count);
  o.set("accuracy", rate(m.accuracy));
  o.set("top5", rate(m.top5));
  o.set("agreement", rate(m.agreement));
  o.set("max_logit_error", rate(m.max_logit_error));
  o.set("mean_logit_error", rate(m.mean_logit_error));
  if (ref) o.set("reference", ref->model.path);
  if (ref_acc) o.set("reference_accuracy", *ref_acc);
  Json lat = Json::object();
  lat.set("batch1", rate(m.latency_ms_batch1));
  lat.set("batch32", rate(m.latency_ms_batch32));
  o.set("latency_ms", std::move(lat));
  Json pre = Json::object();
  pre.set("scale", main.preprocess.scale);
  pre.set("mean", main.preprocess.mean);
  pre.set("std", main.preprocess.std);
  o.set("preprocess", std::move(pre));
  std::printf("%s\n", o.dump(2).c_str());
}

}  // namespace

int run_eval_command(const std::vector<std::string>& args) {
  ArgSpec spec;
  spec.value_options = {"--data", "--labels", "--ref", "--limit", "--batch", "--preprocess", "--runs"};
  spec.flags = {"--json", "--quiet"};
  const ParsedArgs a = parse_args(args, spec);
  if (a.positional.size() != 1) throw UsageError("eval takes exactly one model (.qcb or .onnx)");
  if (!a.has("--data")) throw UsageError("eval needs a dataset: --data IMAGES");
  const int64_t limit = a.count("--limit", 0, 1);
  EvalOptions opts;
  opts.batch = a.count("--batch", 100, 1);
  opts.progress = !a.flag("--quiet");
  const int runs = static_cast<int>(a.count("--runs", 20, 0));
  const std::optional<Preprocess> forced =
      a.has("--preprocess") ? std::optional<Preprocess>(parse_preprocess(a.get("--preprocess"))) : std::nullopt;

  ModelRun main;
  main.model = load_model_for_eval(a.positional[0]);
  std::optional<ModelRun> ref;
  if (a.has("--ref")) {
    ref.emplace();
    ref->model = load_model_for_eval(a.get("--ref"));
  }
  // Preprocess: --preprocess, else the model's bundle, else the other model's bundle, else identity.
  auto bundle_preprocess = [](const ModelRun& r) -> std::optional<Preprocess> {
    if (!r.model.from_bundle) return std::nullopt;
    try {
      return preprocess_from_metadata(r.model.metadata_json);
    } catch (const Error& e) {
      fail(e.code(), r.model.path + ": " + e.what());
    }
  };
  const std::optional<Preprocess> main_pre = bundle_preprocess(main);
  const std::optional<Preprocess> ref_pre = ref ? bundle_preprocess(*ref) : std::nullopt;
  main.preprocess = forced ? *forced : main_pre ? *main_pre : ref_pre ? *ref_pre : Preprocess{};
  if (ref) ref->preprocess = forced ? *forced : ref_pre ? *ref_pre : main_pre ? *main_pre : Preprocess{};

  const std::string data_path = a.get("--data");
  const Dataset data = load_dataset(data_path, limit);
  std::vector<int64_t> labels;
  if (a.has("--labels")) {
    labels = load_labels(a.get("--labels"), limit);
    if (static_cast<int64_t>(labels.size()) != data.count)
      fail(Errc::invalid_argument, a.get("--labels") + " has " + std::to_string(labels.size()) + " labels, but " +
                                       data_path + " has " + std::to_string(data.count) + " items");
  }

  opts.label = "eval " + main.model.path;
  main.logits = logits_for(main, data, opts, &main.classes);
  std::optional<double> ref_acc;
  if (ref) {
    opts.label = "eval " + ref->model.path;
    ref->logits = logits_for(*ref, data, opts, &ref->classes);
    if (ref->classes != main.classes)
      fail(Errc::shape_mismatch, ref->model.path + " gives " + std::to_string(ref->classes) + " outputs per item, " +
                                     main.model.path + " gives " + std::to_string(main.classes));
    if (!labels.empty()) ref_acc = compute_metrics(ref->logits, ref->classes, labels, nullptr).accuracy;
  }
  EvalMetrics m = compute_metrics(main.logits, main.classes, labels, ref ? &ref->logits : nullptr);
  if (runs > 0) {
    m.latency_ms_batch1 = median_latency_ms(main.model.graph(), 1, runs);
    m.latency_ms_batch32 = median_latency_ms(main.model.graph(), 32, runs);
  }
  if (a.flag("--json")) print_json(m, main, ref ? &*ref : nullptr, ref_acc);
  else print_text(m, main, ref ? &*ref : nullptr, ref_acc, data_path);
  return 0;
}

}  // namespace qc
