#include "tools/quantize_request.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/error.h"
#include "tools/args.h"
#include "tools/file_io.h"

namespace qc {

namespace {

template <class Fn>
auto as_usage_error(Fn fn) {
  try {
    return fn();
  } catch (const Error& e) {
    throw UsageError(e.what());
  }
}

// Raw u8 pixels fed at scale 1 are almost always a forgotten --preprocess.
void warn_if_unscaled(const Dataset& d, const Preprocess& p) {
  if (p.scale != 1 || p.mean != 0 || p.std != 1) return;
  float m = 0;
  for (float v : d.values) m = std::max(m, v);
  if (m > 2)
    std::fprintf(stderr,
                 "qcomp: warning: %s holds values up to %g and the model's preprocessing is scale=1; "
                 "pass --preprocess scale=0.00392156862745098 if the model expects pixels / 255\n",
                 d.path.c_str(), static_cast<double>(m));
}

}  // namespace

CodebookInit parse_codebook_init(const std::string& name) {
  if (name == "linear") return CodebookInit::linear;
  if (name == "kmeans++") return CodebookInit::kmeans_pp;
  throw UsageError("--codebook-init: unknown '" + name + "' (linear, kmeans++)");
}

std::vector<std::string> quantize_value_options() {
  return {"--weights",    "--spec",      "--activations", "--calib",         "--calib-labels",
          "--calib-method", "--calib-count", "--percentile",  "--data",          "--data-labels",
          "--max-drop",   "--codebook-init", "--kmeans-iters", "--batch",       "--f32-layout"};
}

std::vector<std::string> quantize_flags() { return {"--codebook-per-channel", "--codebook-per-tensor"}; }

bool parse_f32_layout(const ParsedArgs& a) {
  const std::string layout = a.get("--f32-layout", "packed");
  if (layout != "packed" && layout != "dense")
    throw UsageError("--f32-layout: unknown '" + layout + "' (packed, dense)");
  return layout == "packed";
}

QuantizeRequest quantize_request_from_args(const ParsedArgs& a) {
  QuantizeRequest r;
  r.pack_f32 = parse_f32_layout(a);
  r.weights = a.get("--weights", "f32");
  if (r.weights != "auto") (void)parse_weight_scheme(r.weights);  // Errc::invalid_argument listing the names
  r.spec_path = a.get("--spec");
  if (!r.spec_path.empty() && a.has("--weights"))
    throw UsageError("--spec sets the weight schemes; do not combine it with --weights");
  if (a.has("--activations"))
    r.activations = as_usage_error([&] { return parse_activation_mode(a.get("--activations")); });
  r.calib_path = a.get("--calib");
  r.calib_labels_path = a.get("--calib-labels");
  if (a.has("--calib-method"))
    r.calib.method = as_usage_error([&] { return parse_calib_method(a.get("--calib-method")); });
  if (a.has("--calib-count")) r.calib.count = a.count("--calib-count", 0);
  if (a.has("--percentile")) {
    r.calib.percentile = a.number("--percentile", 0);
    if (!(r.calib.percentile > 0 && r.calib.percentile <= 100)) throw UsageError("--percentile must be in (0, 100]");
  }
  r.data_path = a.get("--data");
  r.labels_path = a.get("--data-labels");
  if (a.has("--max-drop")) {
    r.max_drop_pp = a.number("--max-drop", 0);
    if (r.max_drop_pp < 0) throw UsageError("--max-drop must be >= 0 (percentage points)");
  }
  if (a.flag("--codebook-per-channel") && a.flag("--codebook-per-tensor"))
    throw UsageError("--codebook-per-channel and --codebook-per-tensor exclude each other");
  r.codebook.per_channel = a.flag("--codebook-per-channel");
  if (a.has("--codebook-init")) r.codebook.init = parse_codebook_init(a.get("--codebook-init"));
  if (a.has("--kmeans-iters")) r.codebook.max_iters = static_cast<int>(
      std::min<int64_t>(a.count("--kmeans-iters", 0), 1000000));
  if (a.has("--batch")) {
    r.batch = a.count("--batch", 0);
    if (r.batch < 1) throw UsageError("--batch must be at least 1");
  }

  if (r.activations == ActivationMode::static_i8 && r.calib_path.empty())
    throw UsageError("--activations int8 needs calibration data: --calib IMAGES");
  if (r.weights == "auto") {
    const bool own = !r.data_path.empty(), calib = !r.calib_path.empty() && !r.calib_labels_path.empty();
    if (own && r.labels_path.empty()) throw UsageError("--weights auto: --data needs --data-labels LABELS");
    if (!own && !calib)
      throw UsageError("--weights auto needs evaluation data: --data IMAGES --data-labels LABELS "
                       "(or --calib IMAGES --calib-labels LABELS)");
  }
  return r;
}

void quantize_model(Graph& g, const QuantizeRequest& r, ModelDescription& d) {
  std::optional<QuantSpec> spec;
  if (!r.spec_path.empty()) {
    const std::vector<uint8_t> text = read_file_bytes(r.spec_path);
    spec = parse_quant_spec({reinterpret_cast<const char*>(text.data()), text.size()}, r.spec_path);
  }
  ActivationMode mode = ActivationMode::dynamic_i8;
  if (r.activations) mode = *r.activations;
  else if (spec && spec->activations) mode = *spec->activations;
  if (mode == ActivationMode::static_i8 && r.calib_path.empty())
    fail(Errc::invalid_argument, "spec " + r.spec_path + " asks for int8 activations: give calibration data --calib IMAGES");

  ModelQuantizer q(g, d.preprocess, r.codebook, r.progress);
  if (mode == ActivationMode::static_i8) {
    const Dataset calib = load_dataset(r.calib_path, r.calib.count);
    warn_if_unscaled(calib, d.preprocess);
    q.calibrate(calib, r.calib);
  }
  if (r.weights == "auto") {
    const bool own = !r.data_path.empty();
    const Dataset data = load_dataset(own ? r.data_path : r.calib_path);
    const std::vector<int64_t> labels = load_labels(own ? r.labels_path : r.calib_labels_path);
    if (!(mode == ActivationMode::static_i8)) warn_if_unscaled(data, d.preprocess);
    const AutoOutcome a = q.auto_plan(data, labels, r.max_drop_pp, mode, default_auto_candidates(), r.batch);
    q.describe_auto(a, d);
    g = q.build(a.plan);
  } else if (spec) {
    const std::vector<LayerQuant> plan = q.spec_plan(*spec, mode);
    q.describe(plan, "mixed", d);
    g = q.build(plan);
  } else {
    const std::vector<LayerQuant> plan = q.uniform_plan(parse_weight_scheme(r.weights), mode);
    q.describe(plan, plan.empty() ? r.weights : plan.front().weights.name(), d);
    g = q.build(plan);
  }
}

}  // namespace qc
