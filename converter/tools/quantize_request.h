// The quantization options of `qcomp convert` and how they are carried out.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "tools/model_quantizer.h"

namespace qc {

// What `qcomp convert` was asked to do about quantization (its command-line options).
struct QuantizeRequest {
  std::string weights = "f32";  // a weight scheme name or "auto"
  std::string spec_path;        // --spec
  std::optional<ActivationMode> activations;
  std::string calib_path, calib_labels_path;
  CalibOptions calib;
  std::string data_path, labels_path;  // auto's evaluation data (default: calibration data)
  double max_drop_pp = 0.5;
  CodebookOptions codebook;
  int64_t batch = 100;
  bool progress = true;
  bool pack_f32 = true;  // --f32-layout packed (default) | dense

  bool active() const { return weights != "f32" || !spec_path.empty() || activations.has_value(); }
};

struct ParsedArgs;

// --f32-layout: true for "packed" (the default: f32 Gemm/Conv weights written in
// scheme f32_packed, pass pack_f32_weights), false for "dense"; UsageError otherwise.
bool parse_f32_layout(const ParsedArgs& a);

// The value options and flags `quantize_request_from_args` reads.
std::vector<std::string> quantize_value_options();
std::vector<std::string> quantize_flags();

// "linear" or "kmeans++"; UsageError otherwise.
CodebookInit parse_codebook_init(const std::string& name);

// Throws UsageError for malformed values or inconsistent combinations (e.g.
// --activations int8 without --calib, --weights auto without evaluation data).
QuantizeRequest quantize_request_from_args(const ParsedArgs& a);

// Applies the request to `g` (then packs the weights left in f32 unless r.pack_f32 is false) (the graph after the default passes) and fills the
// compression report fields of `d`. Errors leave nothing written.
void quantize_model(Graph& g, const QuantizeRequest& r, ModelDescription& d);

}  // namespace qc
