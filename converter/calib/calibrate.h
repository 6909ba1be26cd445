// Static int8 activation calibration: runs the float graph on calibration images and
// derives, for each quantized layer, the scale of the activation feeding its
// node(s) (input 0): scale = threshold / 127 (calib_threshold.h).
#pragma once
#include <cstdint>
#include <vector>

#include "calib/calib_threshold.h"
#include "data/dataset.h"
#include "graph/ir.h"
#include "passes/quantize_weights.h"
#include "tools/model_metadata.h"

namespace qc {

struct CalibOptions {
  CalibMethod method = CalibMethod::entropy;
  int64_t count = 1000;       // images used (the first ones of the dataset); 0 = all
  double percentile = 99.99;  // for CalibMethod::percentile
  int64_t batch = 100;
  bool progress = true;
};

// Histograms of |x| (over [0, max|x|]) of each value in `values`, on the first
// `count` items of `d` preprocessed by `p`. Two passes: max |x|, then the histogram.
// Errors: Errc::invalid_argument for an empty dataset; Errc::shape_mismatch when the
// items do not match the model input ("calibration data FILE: items have N values,
// model input 'x' expects M").
std::vector<AbsHistogram> collect_abs_histograms(const Graph& g, const std::vector<int>& values, const Dataset& d,
                                                 const Preprocess& p, const CalibOptions& o);

// One scale per layer: from input 0 of the layer's nodes (the largest threshold when
// a weight is shared by nodes with different inputs); a layer that saw only zeros
// gets 1/127.
std::vector<float> calibrate_activation_scales(const Graph& g, const std::vector<QuantLayer>& layers,
                                               const Dataset& d, const Preprocess& p, const CalibOptions& o);

}  // namespace qc
