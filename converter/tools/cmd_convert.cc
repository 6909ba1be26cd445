// qcomp convert in.onnx -o out.qcb [--labels FILE] [--preprocess scale=S,mean=M,std=D]
//                                  [--name NAME] [--passes SPEC] [--json]
//                                  [quantization options: tools/quantize_request.h]
#include <cstdio>
#include <filesystem>

#include "common/error.h"
#include "format/bundle.h"
#include "format/json.h"
#include "import/onnx_importer.h"
#include "passes/builtin_passes.h"
#include "tools/args.h"
#include "tools/atomic_file.h"
#include "tools/bundle_output.h"
#include "tools/commands.h"
#include "tools/file_io.h"
#include "tools/model_metadata.h"
#include "tools/quantize_request.h"

namespace qc {

const char* const kConvertUsage =
    "qcomp convert IN.onnx -o OUT.qcb [--labels FILE] [--preprocess scale=S,mean=M,std=D]\n"
    "                                 [--name NAME] [--passes SPEC] [--json]\n"
    "      [--weights f32|f16|int8|q4|q4min|cb2..cb8|auto | --spec SPEC.json]\n"
    "      [--activations int8|dynamic|float] [--calib IMAGES [--calib-labels LABELS]]\n"
    "      [--calib-method minmax|percentile|entropy] [--calib-count N] [--percentile P]\n"
    "      [--codebook-per-channel|--codebook-per-tensor] [--codebook-init kmeans++|linear] [--kmeans-iters N]\n"
    "      [--max-drop PP --data IMAGES --data-labels LABELS] [--batch B] [--f32-layout packed|dense]\n"
    "  --f32-layout: f32 Gemm/Conv weights are stored as f32_packed (the SIMD kernels' panel\n"
    "      layout, read in place; default) or dense (plain row-major).\n";

namespace {

namespace fs = std::filesystem;

void check_labels_match_output(const Graph& g, const std::vector<std::string>& labels, const std::string& file) {
  if (labels.empty() || g.outputs.empty()) return;
  const Value& out = g.values[g.outputs[0]];
  if (out.dims.empty() || out.dims.back() < 0) return;
  if (static_cast<int64_t>(labels.size()) != out.dims.back())
    fail(Errc::invalid_argument, file + ": " + std::to_string(labels.size()) + " labels, but output '" + out.name +
                                     "' has " + std::to_string(out.dims.back()) + " classes");
}

Json pass_runs_json(const std::vector<PassRun>& runs) {
  Json a = Json::array();
  for (const auto& r : runs) {
    Json o = Json::object();
    o.set("name", r.name);
    o.set("changed", r.changed);
    o.set("nodes_before", r.nodes_before);
    o.set("nodes_after", r.nodes_after);
    a.push(std::move(o));
  }
  return a;
}

}  // namespace

int run_convert_command(const std::vector<std::string>& args) {
  ArgSpec spec;
  spec.value_options = {"-o", "--output", "--labels", "--preprocess", "--name", "--passes"};
  for (const auto& o : quantize_value_options()) spec.value_options.push_back(o);
  spec.flags = {"--json"};
  for (const auto& f : quantize_flags()) spec.flags.push_back(f);
  spec.aliases = {{"-o", "--output"}};
  const ParsedArgs a = parse_args(args, spec);
  if (a.positional.size() != 1) throw UsageError("convert takes exactly one input .onnx file");
  if (!a.has("--output")) throw UsageError("convert needs an output: -o OUT.qcb");
  const std::string in = a.positional[0], out = a.get("--output");
  if (in == out || same_file(in, out)) throw UsageError("the output '" + out + "' is the input file");

  ModelDescription d;
  d.preprocess = parse_preprocess(a.get("--preprocess"));
  const QuantizeRequest quant = quantize_request_from_args(a);
  PassManager passes;
  try {
    passes = make_pass_manager(a.get("--passes", "default"));
  } catch (const Error& e) {
    throw UsageError(e.what());
  }

  const std::vector<uint8_t> onnx = read_file_bytes(in);
  const std::string dir = fs::path(in).has_parent_path() ? fs::path(in).parent_path().string() : ".";
  ImportedModel m = import_onnx_model_bytes(onnx, in, dir);
  const size_t nodes_imported = m.graph.nodes.size();
  const std::vector<PassRun> runs = passes.run(m.graph);

  d.name = a.get("--name", fs::path(in).stem().string());
  d.source_file = fs::path(in).filename().string();
  d.opset = m.opset;
  d.producer = m.producer;
  d.onnx_bytes = onnx.size();
  if (a.has("--labels")) d.labels = read_labels_file(a.get("--labels"));
  check_labels_match_output(m.graph, d.labels, a.get("--labels"));
  m.graph.name = d.name;
  if (quant.active()) quantize_model(m.graph, quant, d);
  if (quant.pack_f32) pack_f32_weights(m.graph);

  const std::vector<uint8_t> bundle = encode_bundle(m.graph, d);
  const std::string digest = sha256_hex(verify_bundle(bundle, out));
  write_file_atomic(out, bundle);

  if (a.flag("--json")) {
    Json r = Json::object();
    r.set("input", in);
    r.set("output", out);
    r.set("onnx_bytes", d.onnx_bytes);
    r.set("bundle_bytes", bundle.size());
    r.set("parameters", parameter_count(m.graph));
    r.set("nodes_imported", nodes_imported);
    r.set("nodes", m.graph.nodes.size());
    r.set("sha256", digest);
    r.set("passes", pass_runs_json(runs));
    r.set("weights", d.weights);
    for (const auto& [key, value] : d.compression_extra.members()) r.set(key, value);
    std::printf("%s\n", r.dump(2).c_str());
  } else {
    std::printf("converted %s -> %s\n", in.c_str(), out.c_str());
    std::printf("  opset %lld, %zu nodes (%zu imported), %llu parameters\n", static_cast<long long>(d.opset),
                m.graph.nodes.size(), nodes_imported, static_cast<unsigned long long>(parameter_count(m.graph)));
    std::printf("  %llu bytes onnx -> %zu bytes bundle (%s)\n", static_cast<unsigned long long>(d.onnx_bytes),
                bundle.size(), d.weights.c_str());
    const Json* acc = d.compression_extra.find("accuracy");
    const Json* base = d.compression_extra.find("baseline_accuracy");
    if (acc && base)
      std::printf("  auto: accuracy %.4f vs fp32 %.4f on the evaluation data\n", acc->as_number(), base->as_number());
    std::printf("  sha256 %s\n", digest.c_str());
  }
  return 0;
}

}  // namespace qc
