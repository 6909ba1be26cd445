// One ONNX node test directory: model.onnx + test_data_set_0/{input,output}_N.pb.
#pragma once
#include <string>
#include <vector>

#include "host_tensor.h"

namespace qc::conformance {

struct OnnxTestCase {
  std::string name;        // directory name, e.g. "test_add_bcast"
  std::string dir;
  std::string model_path;
  std::string op;          // op type of the first non-Constant node
  std::vector<std::string> input_names;   // graph inputs that are not initializers, in order
  std::vector<std::string> output_names;
  // Empty when every graph input/output is a tensor of a dtype the runner handles;
  // otherwise why the test is skipped (sequence, optional, double, ...).
  std::string unsupported_io;
  std::vector<HostTensor> inputs;    // filled by load_test_data
  std::vector<HostTensor> expected;
};

// Reads model.onnx far enough to classify the test. Throws qc::Error on unreadable files.
OnnxTestCase describe_test_case(const std::string& dir);

// Reads test_data_set_0/input_N.pb and output_N.pb (one per graph input/output).
void load_test_data(OnnxTestCase& tc);

// Lists the test directories under `root` (those holding a model.onnx), sorted.
std::vector<std::string> list_test_dirs(const std::string& root);

}  // namespace qc::conformance
