// run_logits and median_latency_ms: batches of a dataset through qc::Session.
#include <algorithm>
#include <chrono>

#include "common/error.h"
#include "eval/evaluate.h"
#include "runtime/session.h"
#include "tools/progress.h"
#include "graph/dims_text.h"

namespace qc {

namespace {

const Value& first_input(const Graph& g) {
  if (g.inputs.empty()) fail(Errc::invalid_model, "model '" + g.name + "' has no inputs");
  if (g.inputs.size() > 1)
    fail(Errc::invalid_model, "model '" + g.name + "' has " + std::to_string(g.inputs.size()) +
                                  " inputs; evaluation feeds a single image input");
  const Value& in = g.values[g.inputs[0]];
  if (in.dtype != DType::f32)
    fail(Errc::dtype_mismatch, "model input '" + in.name + "' is " + dtype_name(in.dtype) + ", evaluation feeds f32");
  if (in.dims.empty()) fail(Errc::shape_mismatch, "model input '" + in.name + "' is a scalar, not a batch of items");
  if (g.outputs.empty()) fail(Errc::invalid_model, "model '" + g.name + "' has no outputs");
  return in;
}

// The input dims for one run at `batch` items: the leading dim is the batch; other
// dims left open (-1) by the model take the dataset's item dims when ranks agree.
std::vector<int64_t> item_input_dims(const Value& in, const Dataset& d) {
  std::vector<int64_t> dims(in.dims.begin() + 1, in.dims.end());
  const bool open = std::any_of(dims.begin(), dims.end(), [](int64_t x) { return x < 0; });
  if (open) {
    if (d.item_dims.size() != dims.size())
      fail(Errc::shape_mismatch, "dataset " + d.path + " items have dims " + dims_text(d.item_dims) +
                                     ", model input '" + in.name + "' expects " + dims_text(in.dims));
    for (size_t i = 0; i < dims.size(); ++i)
      if (dims[i] < 0) dims[i] = d.item_dims[i];
  }
  int64_t m = 1;
  for (int64_t x : dims) m *= x;
  if (m != d.item_size())
    fail(Errc::shape_mismatch, "dataset " + d.path + " items have " + std::to_string(d.item_size()) +
                                   " values, model input '" + in.name + "' expects " + std::to_string(m) + " (dims " +
                                   dims_text(in.dims) + ")");
  return dims;
}

std::vector<int64_t> with_batch(int64_t batch, const std::vector<int64_t>& item_dims) {
  std::vector<int64_t> dims{batch};
  dims.insert(dims.end(), item_dims.begin(), item_dims.end());
  return dims;
}

}  // namespace

std::vector<float> run_logits(const Graph& g, const Dataset& d, const Preprocess& p, const EvalOptions& o,
                              int64_t* classes) {
  const Value& in = first_input(g);
  const std::vector<int64_t> item_dims = item_input_dims(in, d);
  if (o.batch < 1) fail(Errc::invalid_argument, "the batch size must be at least 1, got " + std::to_string(o.batch));
  // A model with a fixed batch dim runs at that size; the last batch is zero-padded.
  const bool fixed_batch = in.dims[0] >= 0;
  const int64_t batch = fixed_batch ? in.dims[0] : std::min(o.batch, d.count);
  if (batch < 1) fail(Errc::shape_mismatch, "model input '" + in.name + "' has a batch dim of 0");
  const int64_t item = d.item_size();
  const float scale = static_cast<float>(p.scale), mean = static_cast<float>(p.mean), inv_std = static_cast<float>(1 / p.std);

  Session session(g);
  std::vector<float> x(static_cast<size_t>(batch * item));
  std::vector<float> logits;
  int64_t width = -1;
  Progress progress(o.label.empty() ? "evaluating" : o.label, d.count, !o.progress);
  for (int64_t start = 0; start < d.count; start += batch) {
    const int64_t n = std::min(batch, d.count - start);
    const int64_t run_n = fixed_batch ? batch : n;
    const float* src = d.item(start);
    for (int64_t i = 0; i < n * item; ++i) x[i] = (src[i] * scale - mean) * inv_std;
    std::fill(x.begin() + n * item, x.begin() + run_n * item, 0.0f);
    TensorRef t;
    t.dtype = DType::f32;
    t.dims = with_batch(run_n, item_dims);
    t.data = x.data();
    const TensorRef& out = session.run({t})[0];
    if (out.dtype != DType::f32)
      fail(Errc::dtype_mismatch, "model output '" + g.values[g.outputs[0]].name + "' is " + dtype_name(out.dtype) +
                                     ", evaluation expects f32 logits");
    if (out.dims.empty() || out.dims[0] != run_n || (run_n && out.numel() % run_n != 0))
      fail(Errc::shape_mismatch, "model output '" + g.values[g.outputs[0]].name + "' has dims " +
                                     dims_text(out.dims) + " for a batch of " + std::to_string(run_n) +
                                     "; expected [batch, classes]");
    const int64_t w = out.numel() / run_n;
    if (width < 0) {
      width = w;
      logits.reserve(static_cast<size_t>(d.count * w));
    }
    const float* y = out.as<const float>();
    logits.insert(logits.end(), y, y + n * w);
    progress.update(start + n);
  }
  progress.finish();
  *classes = width;
  return logits;
}

double median_latency_ms(const Graph& g, int64_t batch, int runs) {
  const Value& in = first_input(g);
  std::vector<int64_t> dims = in.dims;
  if (dims[0] < 0) dims[0] = batch;
  for (size_t i = 1; i < dims.size(); ++i)
    if (dims[i] < 0)
      fail(Errc::shape_mismatch, "model input '" + in.name + "' has open dims " + dims_text(in.dims) +
                                     "; latency needs fixed item dims");
  int64_t numel = 1;
  for (int64_t x : dims) numel *= x;
  std::vector<float> x(static_cast<size_t>(numel), 0.0f);
  TensorRef t;
  t.dtype = DType::f32;
  t.dims = dims;
  t.data = x.data();
  Session session(g);
  using Clock = std::chrono::steady_clock;
  const auto warm_until = Clock::now() + std::chrono::milliseconds(300);
  do session.run({t});
  while (Clock::now() < warm_until);
  std::vector<double> times;
  for (int r = 0; r < std::max(runs, 1); ++r) {
    const auto t0 = Clock::now();
    session.run({t});
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  const size_t m = times.size() / 2;
  return times.size() % 2 ? times[m] : (times[m - 1] + times[m]) / 2;
}

}  // namespace qc
