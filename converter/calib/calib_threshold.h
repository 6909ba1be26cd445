// Static int8 activation calibration: the clipping threshold T for |x| chosen from
// a histogram of |x|; the activation scale is T / 127 (symmetric, zero point 0).
//   minmax:     T = max |x|
//   percentile: T = the given percentile of |x| (e.g. 99.99)
//   entropy:    T minimizing KL(P || Q) between the clipped distribution P and its
//               128-level quantization Q (TensorRT's calibrator)
#pragma once
#include <string>

#include "calib/abs_histogram.h"

namespace qc {

enum class CalibMethod { minmax, percentile, entropy };

// Errc::invalid_argument listing the valid names.
CalibMethod parse_calib_method(const std::string& name);
const char* calib_method_name(CalibMethod m);

// The upper edge of the bin where the cumulative count first reaches `percentile`
// percent (0 < percentile <= 100), capped at max |x|.
double percentile_threshold(const AbsHistogram& h, double percentile);

// Candidate thresholds are bin edges i * bin_width for i = levels .. bins.
double entropy_threshold(const AbsHistogram& h, int levels = 128);

double calibration_threshold(const AbsHistogram& h, CalibMethod m, double percentile);

}  // namespace qc
