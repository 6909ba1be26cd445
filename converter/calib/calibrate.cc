#include "calib/calibrate.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "common/error.h"
#include "runtime/session.h"
#include "tools/progress.h"
#include "graph/dims_text.h"

namespace qc {

namespace {

// The model input's dims for one item, checked against the dataset's items.
std::vector<int64_t> calibration_item_dims(const Graph& g, const Dataset& d) {
  if (g.inputs.size() != 1)
    fail(Errc::invalid_model, "calibration feeds one image input; model '" + g.name + "' has " +
                                  std::to_string(g.inputs.size()) + " inputs");
  const Value& in = g.values[g.inputs[0]];
  if (in.dtype != DType::f32 || in.dims.empty())
    fail(Errc::invalid_model, "calibration needs an f32 batch input; model input '" + in.name + "' is " +
                                  dtype_name(in.dtype) + " " + dims_text(in.dims));
  std::vector<int64_t> item(in.dims.begin() + 1, in.dims.end());
  const bool open = std::any_of(item.begin(), item.end(), [](int64_t x) { return x < 0; });
  if (open && d.item_dims.size() == item.size())
    for (size_t i = 0; i < item.size(); ++i)
      if (item[i] < 0) item[i] = d.item_dims[i];
  int64_t m = 1;
  for (int64_t x : item) m = x < 0 ? -1 : m * x;
  if (m != d.item_size())
    fail(Errc::shape_mismatch, "calibration data " + d.path + ": items have " + std::to_string(d.item_size()) +
                                   " values (dims " + dims_text(d.item_dims) + "), model input '" + in.name +
                                   "' expects " + (m < 0 ? dims_text(in.dims) : std::to_string(m) + " (dims " +
                                   dims_text(in.dims) + ")"));
  return item;
}

// Runs `g` with `values` as its outputs over the items and calls
// visit(value slot, data, element count) with the rows of real (not padding) items.
template <class Visit>
void run_probe(const Graph& g, const std::vector<int>& values, const Dataset& d, const Preprocess& p,
               const CalibOptions& o, int64_t count, Progress& bar, int64_t bar_base, Visit visit) {
  const std::vector<int64_t> item_dims = calibration_item_dims(g, d);
  const Value& in = g.values[g.inputs[0]];
  Graph probe = g;
  probe.outputs.clear();
  std::vector<int> slot_of_output;  // probe output k -> slot in `values`
  std::vector<int> input_slots;     // slots that read the graph input directly
  for (size_t s = 0; s < values.size(); ++s) {
    if (values[s] == g.inputs[0]) {
      input_slots.push_back(static_cast<int>(s));
    } else {
      probe.outputs.push_back(values[s]);
      slot_of_output.push_back(static_cast<int>(s));
    }
  }
  const bool fixed_batch = in.dims[0] >= 0;
  const int64_t batch = fixed_batch ? in.dims[0] : std::max<int64_t>(1, std::min(o.batch, count));
  const int64_t item = d.item_size();
  const float scale = static_cast<float>(p.scale), mean = static_cast<float>(p.mean),
              inv_std = static_cast<float>(1 / p.std);
  std::unique_ptr<Session> session;
  if (!probe.outputs.empty()) session = std::make_unique<Session>(probe);
  std::vector<float> x(static_cast<size_t>(batch * item));
  for (int64_t start = 0; start < count; start += batch) {
    const int64_t n = std::min(batch, count - start);
    const int64_t run_n = fixed_batch ? batch : n;
    const float* src = d.item(start);
    for (int64_t i = 0; i < n * item; ++i) x[i] = (src[i] * scale - mean) * inv_std;
    std::fill(x.begin() + n * item, x.begin() + run_n * item, 0.0f);
    for (int s : input_slots) visit(s, x.data(), static_cast<size_t>(n * item));
    if (session) {
      TensorRef t{DType::f32, {run_n}, x.data()};
      t.dims.insert(t.dims.end(), item_dims.begin(), item_dims.end());
      const std::vector<TensorRef>& outs = session->run({t});
      for (size_t k = 0; k < outs.size(); ++k) {
        const TensorRef& v = outs[k];
        if (v.dtype != DType::f32 || v.dims.empty() || v.dims[0] != run_n)
          fail(Errc::shape_mismatch, "calibration: value '" + g.values[values[slot_of_output[k]]].name +
                                         "' is not an f32 [batch, ...] activation (dims " + dims_text(v.dims) + ")");
        const size_t per_item = static_cast<size_t>(v.numel() / run_n);
        visit(slot_of_output[k], v.as<const float>(), per_item * static_cast<size_t>(n));
      }
    }
    bar.update(bar_base + start + n);
  }
}

}  // namespace

std::vector<AbsHistogram> collect_abs_histograms(const Graph& g, const std::vector<int>& values, const Dataset& d,
                                                 const Preprocess& p, const CalibOptions& o) {
  if (d.count <= 0) fail(Errc::invalid_argument, "calibration data " + d.path + " is empty");
  if (o.count < 0) fail(Errc::invalid_argument, "calibration count must be >= 0");
  if (o.method == CalibMethod::percentile && !(o.percentile > 0 && o.percentile <= 100))
    fail(Errc::invalid_argument, "percentile " + std::to_string(o.percentile) + " is not in (0, 100]");
  (void)calibration_item_dims(g, d);
  const int64_t count = o.count == 0 ? d.count : std::min(o.count, d.count);
  Progress bar("calibrating", 2 * count, !o.progress);
  std::vector<float> max_abs(values.size(), 0.f);
  run_probe(g, values, d, p, o, count, bar, 0, [&](int s, const float* v, size_t n) {
    max_abs[s] = std::max(max_abs[s], max_abs_finite(v, n));
  });
  std::vector<AbsHistogram> hists;
  for (float m : max_abs) hists.emplace_back(m);
  run_probe(g, values, d, p, o, count, bar, count, [&](int s, const float* v, size_t n) { hists[s].add(v, n); });
  bar.finish();
  return hists;
}

std::vector<float> calibrate_activation_scales(const Graph& g, const std::vector<QuantLayer>& layers,
                                               const Dataset& d, const Preprocess& p, const CalibOptions& o) {
  std::vector<int> values;
  std::vector<std::vector<int>> slots(layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    for (int n : layers[i].nodes) {
      const int v = g.nodes.at(n).inputs.at(0);
      auto it = std::find(values.begin(), values.end(), v);
      if (it == values.end()) {
        values.push_back(v);
        it = values.end() - 1;
      }
      slots[i].push_back(static_cast<int>(it - values.begin()));
    }
  }
  const std::vector<AbsHistogram> hists = collect_abs_histograms(g, values, d, p, o);
  std::vector<float> scales;
  for (size_t i = 0; i < layers.size(); ++i) {
    double t = 0;
    for (int s : slots[i]) t = std::max(t, calibration_threshold(hists[s], o.method, o.percentile));
    const float scale = static_cast<float>(t / 127.0);
    scales.push_back(std::isfinite(scale) && scale > 0 ? scale : 1.f / 127.f);
  }
  return scales;
}

}  // namespace qc
