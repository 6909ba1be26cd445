// Runs one ONNX node test through the whole native path: import, the convert
// pass pipeline, bundle write + validated read (from a 64-byte aligned copy),
// Session::run, and comparison with the expected outputs. Never throws.
#pragma once
#include <functional>
#include <string>

#include "test_result.h"

namespace qc::conformance {

// Called when the test enters a stage, so a crash can be attributed to it.
using StageFn = std::function<void(const std::string& stage)>;

// For tests that reach a bundle, writes <out_root>/<test>/model.qcb, input_N.npy
// (bundle input order) and output_N.npy (expected, bundle output order).
TestResult run_one_test(const std::string& test_dir, const std::string& out_root, const StageFn& on_stage);

}  // namespace qc::conformance
