// Native evaluation of a model on a dataset: logits, accuracy / top-5 / agreement
// metrics against labels and a reference model, and latency measurement.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "graph/ir.h"
#include "tools/model_metadata.h"  // qc::Preprocess {scale, mean, std}: x' = (x*scale - mean)/std

namespace qc {

// The bundle metadata's "preprocess" object ({} or missing keys -> defaults).
// Throws Errc::bad_metadata when the JSON is malformed or a value is not a number.
Preprocess preprocess_from_metadata(const std::string& metadata_json);

struct EvalOptions {
  int64_t batch = 100;
  bool progress = true;   // progress bar on stderr
  std::string label;      // progress bar caption ("" = "evaluating")
};

// Runs the graph natively on every item of `d`: input = (x*scale - mean)/std, shaped
// as the graph's first input with its leading (batch) dim set to the batch size.
// An item must have as many values as the input's non-batch dims, else
// Errc::shape_mismatch ("dataset FILE items have N values, model input 'x' expects M").
// Returns the first output as [count, classes] row-major; *classes receives its width.
std::vector<float> run_logits(const Graph& g, const Dataset& d, const Preprocess& p, const EvalOptions& o,
                              int64_t* classes);

struct EvalMetrics {
  int64_t count = 0;
  double accuracy = -1, top5 = -1;   // fractions 0..1; -1 without labels
  double agreement = -1;             // argmax agreement with the reference; -1 if none
  double max_logit_error = -1, mean_logit_error = -1;  // |logit - ref| vs reference; -1 if none
  double latency_ms_batch1 = -1, latency_ms_batch32 = -1;  // filled by the caller; -1 = not measured
};

// labels may be empty (accuracy/top5 stay -1); otherwise labels.size() must be
// >= the logits' rows (extra labels are ignored). reference_logits, when given,
// must have the same size as logits (else Errc::shape_mismatch).
EvalMetrics compute_metrics(const std::vector<float>& logits, int64_t classes, const std::vector<int64_t>& labels,
                            const std::vector<float>* reference_logits);

// A model ready to run: from a .qcb (the aligned file bytes are owned here, since
// the graph's constants view them) or from an .onnx (imported and run through the
// default passes, as `qcomp convert` does). Movable, not copyable.
class LoadedModel {
 public:
  LoadedModel();
  ~LoadedModel();
  LoadedModel(LoadedModel&&) noexcept;
  LoadedModel& operator=(LoadedModel&&) noexcept;

  const Graph& graph() const;
  std::string path;
  std::string metadata_json;  // "" for an .onnx model
  bool from_bundle = false;

 private:
  friend LoadedModel load_model_for_eval(const std::string& path);
  struct Storage;
  std::unique_ptr<Storage> storage_;
};

// A file starting with the bundle magic or named *.qcb is read as a bundle (fully
// validated); anything else is imported as ONNX. Errors name the file.
LoadedModel load_model_for_eval(const std::string& path);

// Median wall-clock time of one run at `batch` (zeros as input) over `runs` runs,
// after ~0.3 s of warm-up.
double median_latency_ms(const Graph& g, int64_t batch, int runs);

}  // namespace qc
