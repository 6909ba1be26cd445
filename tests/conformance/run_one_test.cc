#include "run_one_test.h"

#include <cstring>
#include <filesystem>
#include <span>

#include "common/aligned_buffer.h"
#include "common/error.h"
#include "convert_for_test.h"
#include "format/bundle.h"
#include "onnx_test_case.h"
#include "runtime/session.h"
#include "tensor_compare.h"
#include "tools/atomic_file.h"

namespace qc::conformance {

namespace fs = std::filesystem;

namespace {

size_t index_of(const std::vector<std::string>& names, const std::string& name, const std::string& what) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return i;
  fail(Errc::internal, "bundle " + what + " '" + name + "' is not a " + what + " of the ONNX model");
}

void run_checked(TestResult& r, const std::string& test_dir, const fs::path& out_dir,
                 const std::function<void(const char*)>& stage) {
  stage("describe");
  OnnxTestCase tc = describe_test_case(test_dir);
  r.op = tc.op;
  if (!tc.unsupported_io.empty()) {
    r.status = Status::unsupported_io;
    r.message = tc.unsupported_io;
    return;
  }

  stage("import");
  ConvertedModel model;
  try {
    model = import_for_test(tc.model_path);
  } catch (const Error& e) {
    if (e.code() != Errc::unsupported_op) throw;
    r.status = Status::unsupported;
    r.message = e.what();
    return;
  }
  stage("passes");
  run_convert_passes_for_test(model);

  stage("bundle");
  const std::vector<uint8_t> bytes = encode_for_test(model);
  AlignedBuffer aligned(bytes.size());
  if (!bytes.empty()) std::memcpy(aligned.data(), bytes.data(), bytes.size());
  const Bundle bundle = read_bundle(std::span<const uint8_t>(aligned.data(), aligned.size()));
  const Graph& g = bundle.graph;

  stage("data");
  load_test_data(tc);
  std::vector<TensorRef> inputs;
  std::vector<size_t> expected_index;
  for (int id : g.inputs) {
    r.input_names.push_back(g.values[id].name);
    inputs.push_back(tc.inputs[index_of(tc.input_names, g.values[id].name, "input")].view());
  }
  for (int id : g.outputs) {
    r.output_names.push_back(g.values[id].name);
    expected_index.push_back(index_of(tc.output_names, g.values[id].name, "output"));
  }

  fs::create_directories(out_dir);
  write_file_atomic((out_dir / "model.qcb").string(), bytes);
  for (size_t i = 0; i < inputs.size(); ++i) write_npy((out_dir / ("input_" + std::to_string(i) + ".npy")).string(), inputs[i]);
  for (size_t k = 0; k < expected_index.size(); ++k)
    write_npy((out_dir / ("output_" + std::to_string(k) + ".npy")).string(), tc.expected[expected_index[k]].view());
  r.artifacts = true;

  stage("run");
  Session session(g);
  const std::vector<TensorRef>& outs = session.run(inputs);
  if (outs.size() != expected_index.size())
    fail(Errc::internal, "session returned " + std::to_string(outs.size()) + " outputs, graph has " +
                             std::to_string(expected_index.size()));

  stage("compare");
  std::string mismatches;
  for (size_t k = 0; k < outs.size(); ++k) {
    const std::string diff = compare_tensors(outs[k], tc.expected[expected_index[k]]);
    if (!diff.empty()) mismatches += (mismatches.empty() ? "" : "; ") + ("output '" + r.output_names[k] + "': " + diff);
  }
  if (!mismatches.empty()) {
    r.status = Status::fail;
    r.message = "wrong result: " + mismatches;
    return;
  }
  r.status = Status::pass;
  stage("done");
}

}  // namespace

TestResult run_one_test(const std::string& test_dir, const std::string& out_root, const StageFn& on_stage) {
  TestResult r;
  r.name = fs::path(test_dir).filename().string();
  const fs::path out_dir = fs::path(out_root) / r.name;
  auto stage = [&](const char* s) {
    r.stage = s;
    if (on_stage) on_stage(s);
  };
  try {
    std::error_code ec;
    fs::remove_all(out_dir, ec);
    run_checked(r, test_dir, out_dir, stage);
  } catch (const Error& e) {
    r.status = Status::fail;
    r.message = r.stage + ": " + errc_name(e.code()) + ": " + e.what();
  } catch (const std::exception& e) {
    r.status = Status::fail;
    r.message = r.stage + ": std::exception: " + e.what();
  } catch (...) {
    r.status = Status::fail;
    r.message = r.stage + ": unknown exception";
  }
  return r;
}

}  // namespace qc::conformance
