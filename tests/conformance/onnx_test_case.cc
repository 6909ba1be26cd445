#include "onnx_test_case.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <onnx/onnx_pb.h>

#include "common/error.h"

namespace qc::conformance {

namespace fs = std::filesystem;

namespace {

bool runner_handles(int32_t elem_type) {
  switch (elem_type) {
    case onnx::TensorProto_DataType_FLOAT:
    case onnx::TensorProto_DataType_INT64:
    case onnx::TensorProto_DataType_INT32:
    case onnx::TensorProto_DataType_BOOL:
    case onnx::TensorProto_DataType_UINT8:
    case onnx::TensorProto_DataType_INT8:
      return true;
    default:
      return false;
  }
}

// Empty when `info` is a tensor of a handled dtype; else the reason it is not.
std::string io_problem(const onnx::ValueInfoProto& info) {
  const onnx::TypeProto& t = info.type();
  const std::string who = "'" + info.name() + "'";
  if (t.has_sequence_type()) return who + " is a sequence";
  if (t.has_optional_type()) return who + " is an optional";
  if (t.has_map_type()) return who + " is a map";
  if (!t.has_tensor_type()) return who + " is not a tensor";
  const int32_t et = t.tensor_type().elem_type();
  if (!runner_handles(et)) {
    const std::string name = onnx::TensorProto_DataType_IsValid(et)
                                 ? onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(et))
                                 : "#" + std::to_string(et);
    return who + " has element type " + name;
  }
  return "";
}

onnx::ModelProto read_model(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) fail(Errc::io, path + ": cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  onnx::ModelProto m;
  if (!m.ParseFromString(ss.str())) fail(Errc::onnx_parse, path + ": not a serialized ModelProto");
  return m;
}

}  // namespace

OnnxTestCase describe_test_case(const std::string& dir) {
  OnnxTestCase tc;
  tc.dir = dir;
  tc.name = fs::path(dir).filename().string();
  tc.model_path = (fs::path(dir) / "model.onnx").string();
  const onnx::ModelProto m = read_model(tc.model_path);
  const onnx::GraphProto& g = m.graph();
  for (const auto& n : g.node()) {
    if (n.op_type() != "Constant") { tc.op = n.op_type(); break; }
  }
  if (tc.op.empty()) tc.op = g.node_size() ? g.node(0).op_type() : "(none)";
  std::set<std::string> initializers;
  for (const auto& t : g.initializer()) initializers.insert(t.name());
  for (const auto& in : g.input()) {
    if (initializers.count(in.name())) continue;
    tc.input_names.push_back(in.name());
    if (tc.unsupported_io.empty()) tc.unsupported_io = io_problem(in);
  }
  for (const auto& out : g.output()) {
    tc.output_names.push_back(out.name());
    if (tc.unsupported_io.empty()) tc.unsupported_io = io_problem(out);
  }
  return tc;
}

void load_test_data(OnnxTestCase& tc) {
  const fs::path data = fs::path(tc.dir) / "test_data_set_0";
  tc.inputs.clear();
  tc.expected.clear();
  for (size_t i = 0; i < tc.input_names.size(); ++i)
    tc.inputs.push_back(read_tensor_pb((data / ("input_" + std::to_string(i) + ".pb")).string()));
  for (size_t i = 0; i < tc.output_names.size(); ++i)
    tc.expected.push_back(read_tensor_pb((data / ("output_" + std::to_string(i) + ".pb")).string()));
}

std::vector<std::string> list_test_dirs(const std::string& root) {
  std::vector<std::string> dirs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    if (e.is_directory() && fs::exists(e.path() / "model.onnx")) dirs.push_back(e.path().string());
  }
  if (ec) fail(Errc::io, root + ": cannot list test directories: " + ec.message());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

}  // namespace qc::conformance
