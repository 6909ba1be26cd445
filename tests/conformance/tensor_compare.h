// Compares a runtime output with the expected tensor of an ONNX test.
#pragma once
#include <string>

#include "host_tensor.h"

namespace qc::conformance {

// Floats: |a - b| <= 1e-4 * max(1, |b|), NaN matches NaN, equal infinities match.
// Integers and bools: exact. Returns "" on a match, else what differs (dtype,
// dims, or the first mismatching element with its index and both values).
std::string compare_tensors(const TensorRef& actual, const HostTensor& expected);

}  // namespace qc::conformance
