// qcomp sweep in.onnx --data IMAGES --labels LABELS -o OUTDIR [--calib IMAGES] [--max-drop PP] ...
// Writes one bundle per variant (fp32, f16, int8 = int8 weights + calibrated static
// int8 activations, q4, cb4, cb3, cb2, auto) and OUTDIR/variants.json with each
// one's size (raw, gzip, brotli), accuracy, agreement with fp32 and latency.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "common/error.h"
#include "eval/evaluate.h"
#include "import/onnx_importer.h"
#include "passes/builtin_passes.h"
#include "tools/args.h"
#include "tools/atomic_file.h"
#include "tools/commands.h"
#include "tools/file_io.h"
#include "tools/progress.h"
#include "tools/quantize_request.h"
#include "tools/sweep_variants.h"

namespace qc {

const char* const kSweepUsage =
    "qcomp sweep IN.onnx --data IMAGES --labels LABELS -o OUTDIR [--calib IMAGES] [--calib-count N]\n"
    "      [--calib-method minmax|percentile|entropy] [--max-drop PP] [--preprocess scale=S,mean=M,std=D]\n"
    "      [--labels-file NAMES.txt] [--variants fp32,f16,int8,q4,cb4,cb3,cb2,auto]\n"
    "      [--codebook-per-channel] [--codebook-init kmeans++|linear] [--kmeans-iters N]\n"
    "      [--batch B] [--latency-runs N] [--f32-layout packed|dense] [--json]\n";

namespace {

namespace fs = std::filesystem;

struct SweepSettings {
  std::string in, out_dir, data, labels, calib, labels_file;
  bool json = false;
  Preprocess preprocess;
  std::vector<std::string> variants;
  CalibOptions calib_options;
  CodebookOptions codebook;
  double max_drop_pp = 0.5;
  int64_t batch = 100;
  int latency_runs = 30;
  bool pack_f32 = true;
};

SweepSettings parse_sweep_args(const std::vector<std::string>& args) {
  ArgSpec spec;
  spec.value_options = {"-o",           "--output",     "--data",      "--labels",  "--calib",
                        "--calib-count", "--calib-method", "--max-drop", "--preprocess", "--labels-file",
                        "--variants",   "--batch",      "--latency-runs", "--percentile", "--codebook-init", "--kmeans-iters", "--f32-layout"};
  spec.flags = {"--json", "--codebook-per-channel"};
  spec.aliases = {{"-o", "--output"}};
  const ParsedArgs a = parse_args(args, spec);
  if (a.positional.size() != 1) throw UsageError("sweep takes exactly one input .onnx file");
  SweepSettings s;
  s.in = a.positional[0];
  s.out_dir = a.get("--output");
  s.data = a.get("--data");
  s.labels = a.get("--labels");
  if (s.out_dir.empty()) throw UsageError("sweep needs an output directory: -o OUTDIR");
  if (s.data.empty() || s.labels.empty()) throw UsageError("sweep needs evaluation data: --data IMAGES --labels LABELS");
  s.calib = a.get("--calib");
  s.labels_file = a.get("--labels-file");
  s.json = a.flag("--json");
  s.preprocess = parse_preprocess(a.get("--preprocess", "scale=0.00392156862745098"));
  s.variants = parse_variant_list(a.get("--variants", kDefaultSweepVariants));
  if (a.has("--calib-method")) {
    try {
      s.calib_options.method = parse_calib_method(a.get("--calib-method"));
    } catch (const Error& e) {
      throw UsageError(e.what());
    }
  }
  s.calib_options.count = a.count("--calib-count", 1000);
  if (a.has("--percentile")) s.calib_options.percentile = a.number("--percentile", 99.99);
  s.max_drop_pp = a.number("--max-drop", 0.5);
  if (s.max_drop_pp < 0) throw UsageError("--max-drop must be >= 0");
  s.batch = std::max<int64_t>(1, a.count("--batch", 100));
  s.latency_runs = static_cast<int>(std::clamp<int64_t>(a.count("--latency-runs", 30), 1, 100000));
  s.codebook.per_channel = a.flag("--codebook-per-channel");
  s.pack_f32 = parse_f32_layout(a);
  if (a.has("--codebook-init")) s.codebook.init = parse_codebook_init(a.get("--codebook-init"));
  if (a.has("--kmeans-iters"))
    s.codebook.max_iters = static_cast<int>(std::min<int64_t>(a.count("--kmeans-iters", 1000), 1000000));
  // No output (a variant's bundle or variants.json) may be one of the input files.
  std::vector<std::string> outputs = {(fs::path(s.out_dir) / "variants.json").string()};
  for (const auto& v : s.variants) outputs.push_back((fs::path(s.out_dir) / (v + ".qcb")).string());
  for (const auto& out : outputs)
    for (const std::string* in : {&s.in, &s.data, &s.labels, &s.calib, &s.labels_file})
      if (!in->empty() && same_file(*in, out)) throw UsageError("the output '" + out + "' is the input file '" + *in + "'");
  return s;
}

struct BaseModel {
  Graph graph;
  ModelDescription description;
};

BaseModel import_base_model(const SweepSettings& s) {
  const std::vector<uint8_t> onnx = read_file_bytes(s.in);
  const std::string dir = fs::path(s.in).has_parent_path() ? fs::path(s.in).parent_path().string() : ".";
  ImportedModel m = import_onnx_model_bytes(onnx, s.in, dir);
  make_pass_manager("default").run(m.graph);
  BaseModel b;
  ModelDescription& d = b.description;
  d.name = fs::path(s.in).stem().string();
  d.source_file = fs::path(s.in).filename().string();
  d.opset = m.opset;
  d.producer = m.producer;
  d.onnx_bytes = onnx.size();
  d.preprocess = s.preprocess;
  if (!s.labels_file.empty()) d.labels = read_labels_file(s.labels_file);
  m.graph.name = d.name;
  b.graph = std::move(m.graph);
  return b;
}

}  // namespace

int run_sweep_command(const std::vector<std::string>& args) {
  const SweepSettings s = parse_sweep_args(args);
  BaseModel base = import_base_model(s);
  const Dataset data = load_dataset(s.data);
  const std::vector<int64_t> labels = load_labels(s.labels);
  if (static_cast<int64_t>(labels.size()) < data.count)
    fail(Errc::invalid_argument, s.labels + ": " + std::to_string(labels.size()) + " labels for " +
                                     std::to_string(data.count) + " items in " + s.data);

  ModelQuantizer q(base.graph, s.preprocess, s.codebook, true);
  if (needs_calibration(s.variants)) {
    const Dataset calib = load_dataset(s.calib.empty() ? s.data : s.calib, s.calib_options.count);
    q.calibrate(calib, s.calib_options);
  }
  std::error_code ec;
  fs::create_directories(s.out_dir, ec);
  if (ec || !fs::is_directory(s.out_dir))
    fail(Errc::io, s.out_dir + ": cannot create the output directory" + (ec ? " (" + ec.message() + ")" : ""));

  SweepContext ctx{q, base.graph, base.description, data, labels, s.out_dir, s.batch, s.latency_runs, s.max_drop_pp, s.pack_f32};
  std::vector<VariantResult> results;
  Progress bar("sweep", static_cast<int64_t>(s.variants.size()));
  for (size_t i = 0; i < s.variants.size(); ++i) {
    results.push_back(run_variant(ctx, s.variants[i], results.empty() ? nullptr : &results.front()));
    bar.update(static_cast<int64_t>(i + 1));
  }
  bar.finish();

  const Json report = sweep_report_json(s.in, base.description.onnx_bytes, s.data, data.count, s.max_drop_pp, results);
  const std::string json_path = (fs::path(s.out_dir) / "variants.json").string();
  const std::string text = report.dump(2) + "\n";
  write_file_atomic(json_path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});

  if (s.json) std::printf("%s", text.c_str());
  else print_sweep_table(results, base.description.onnx_bytes, json_path);
  return 0;
}

}  // namespace qc
