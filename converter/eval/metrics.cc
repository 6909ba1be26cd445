// compute_metrics and preprocess_from_metadata.
#include <cmath>

#include "common/error.h"
#include "eval/evaluate.h"
#include "format/json.h"

namespace qc {

namespace {

int64_t argmax(const float* row, int64_t n) {
  int64_t best = 0;
  for (int64_t j = 1; j < n; ++j)
    if (row[j] > row[best]) best = j;
  return best;
}

// True when fewer than 5 classes score strictly higher than `label`.
bool in_top5(const float* row, int64_t n, int64_t label) {
  int64_t higher = 0;
  for (int64_t j = 0; j < n; ++j) higher += row[j] > row[label];
  return higher < 5;
}

}  // namespace

EvalMetrics compute_metrics(const std::vector<float>& logits, int64_t classes, const std::vector<int64_t>& labels,
                            const std::vector<float>* reference_logits) {
  if (classes < 1 || logits.size() % static_cast<size_t>(classes) != 0)
    fail(Errc::shape_mismatch, std::to_string(logits.size()) + " logits do not split into rows of " +
                                   std::to_string(classes) + " classes");
  EvalMetrics m;
  m.count = static_cast<int64_t>(logits.size()) / classes;
  if (m.count == 0) fail(Errc::invalid_argument, "no items to evaluate");
  if (!labels.empty()) {
    if (static_cast<int64_t>(labels.size()) < m.count)
      fail(Errc::shape_mismatch, std::to_string(labels.size()) + " labels for " + std::to_string(m.count) + " items");
    int64_t correct = 0, top5 = 0;
    for (int64_t i = 0; i < m.count; ++i) {
      const float* row = logits.data() + i * classes;
      const int64_t label = labels[i];
      if (label < 0 || label >= classes)
        fail(Errc::invalid_argument, "label " + std::to_string(label) + " of item " + std::to_string(i) +
                                         " is outside the model's " + std::to_string(classes) + " classes");
      correct += argmax(row, classes) == label;
      top5 += in_top5(row, classes, label);
    }
    m.accuracy = static_cast<double>(correct) / m.count;
    m.top5 = static_cast<double>(top5) / m.count;
  }
  if (reference_logits) {
    if (reference_logits->size() != logits.size())
      fail(Errc::shape_mismatch, "the reference gives " + std::to_string(reference_logits->size()) +
                                     " logits, the model " + std::to_string(logits.size()));
    int64_t agree = 0;
    double max_err = 0, sum_err = 0;
    for (int64_t i = 0; i < m.count; ++i) {
      const float* row = logits.data() + i * classes;
      const float* ref = reference_logits->data() + i * classes;
      agree += argmax(row, classes) == argmax(ref, classes);
      for (int64_t j = 0; j < classes; ++j) {
        const double e = std::fabs(static_cast<double>(row[j]) - ref[j]);
        max_err = std::isnan(e) || e > max_err ? e : max_err;
        sum_err += e;
      }
    }
    m.agreement = static_cast<double>(agree) / m.count;
    m.max_logit_error = max_err;
    m.mean_logit_error = sum_err / static_cast<double>(logits.size());
  }
  return m;
}

Preprocess preprocess_from_metadata(const std::string& metadata_json) {
  Preprocess p;
  if (metadata_json.empty()) return p;
  const Json meta = Json::parse(metadata_json);
  const Json* pre = meta.find("preprocess");
  if (!pre) return p;
  if (!pre->is_object()) fail(Errc::bad_metadata, "metadata 'preprocess' is not an object");
  if (const Json* v = pre->find("scale")) p.scale = v->as_number();
  if (const Json* v = pre->find("mean")) p.mean = v->as_number();
  if (const Json* v = pre->find("std")) p.std = v->as_number();
  if (p.std == 0 || !std::isfinite(p.scale) || !std::isfinite(p.mean) || !std::isfinite(p.std))
    fail(Errc::bad_metadata, "metadata 'preprocess' has a zero std or a non-finite value");
  return p;
}

}  // namespace qc
