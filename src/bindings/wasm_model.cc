#include "bindings/wasm_model.h"

#include <cstdlib>
#include <new>

#include "common/error.h"
#include "runtime/model_info.h"

namespace qc {

namespace {

bool parse_dims(const std::string& csv, std::vector<int64_t>* dims) {
  dims->clear();
  if (csv.empty()) return true;
  size_t pos = 0;
  while (pos <= csv.size()) {
    size_t comma = csv.find(',', pos);
    if (comma == std::string::npos) comma = csv.size();
    const std::string part = csv.substr(pos, comma - pos);
    if (part.empty() || part.size() > 12) return false;
    int64_t v = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    dims->push_back(v);
    pos = comma + 1;
  }
  return true;
}

std::string join_dims(const std::vector<int64_t>& dims) {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
  return s;
}

}  // namespace

WasmModel::WasmModel() = default;

WasmModel::~WasmModel() {
  session_.reset();
  bundle_.reset();
  std::free(bytes_);
}

int WasmModel::record(int code, const std::string& message) {
  error_code_ = code;
  error_message_ = message;
  return code;
}

#define QC_GUARD_BEGIN try {
#define QC_GUARD_END(failure_value)                                            \
  }                                                                            \
  catch (const Error& e) {                                                     \
    record(static_cast<int>(e.code()), e.what());                              \
    return failure_value;                                                      \
  }                                                                            \
  catch (const std::bad_alloc&) {                                              \
    record(static_cast<int>(Errc::out_of_memory), "out of wasm memory");       \
    return failure_value;                                                      \
  }                                                                            \
  catch (const std::exception& e) {                                            \
    record(static_cast<int>(Errc::internal), e.what());                        \
    return failure_value;                                                      \
  }

int WasmModel::load(uintptr_t bytes, size_t size) {
  session_.reset();
  bundle_.reset();
  std::free(bytes_);
  bytes_ = reinterpret_cast<uint8_t*>(bytes);
  size_ = size;
  QC_GUARD_BEGIN
  bundle_ = std::make_unique<Bundle>(read_bundle(std::span<const uint8_t>(bytes_, size_)));
  session_ = std::make_unique<Session>(bundle_->graph);
  const Graph& g = bundle_->graph;
  input_storage_.assign(g.inputs.size(), {});
  inputs_.assign(g.inputs.size(), TensorRef{});
  for (size_t i = 0; i < g.inputs.size(); ++i) inputs_[i].dtype = g.values[g.inputs[i]].dtype;
  return record(0, "");
  QC_GUARD_END(error_code_)
}

std::string WasmModel::info() const {
  if (!bundle_) return "{}";
  return model_info_json(*bundle_, session_ ? session_->arena_bytes() : 0);
}

uintptr_t WasmModel::inputBuffer(int index, const std::string& dims_csv) {
  QC_GUARD_BEGIN
  if (!bundle_) fail(Errc::invalid_argument, "no model loaded");
  if (index < 0 || index >= static_cast<int>(inputs_.size()))
    fail(Errc::invalid_argument, "input index " + std::to_string(index) + " out of range");
  std::vector<int64_t> dims;
  if (!parse_dims(dims_csv, &dims)) fail(Errc::invalid_argument, "bad dims '" + dims_csv + "'");
  TensorRef& t = inputs_[index];
  t.dims = dims;
  uint64_t n = 1;
  for (int64_t d : dims)
    if (__builtin_mul_overflow(n, static_cast<uint64_t>(d), &n) || n > (1ull << 30))
      fail(Errc::shape_mismatch, "input dims '" + dims_csv + "' too large");
  input_storage_[index].assign(n * dtype_size(t.dtype) + 1, 0);
  t.data = input_storage_[index].data();
  record(0, "");
  return reinterpret_cast<uintptr_t>(t.data);
  QC_GUARD_END(0)
}

int WasmModel::run() {
  QC_GUARD_BEGIN
  if (!session_) fail(Errc::invalid_argument, "no model loaded");
  for (size_t i = 0; i < inputs_.size(); ++i)
    if (!inputs_[i].data)
      fail(Errc::invalid_argument, "input " + std::to_string(i) + " not set (call inputBuffer first)");
  outputs_ = nullptr;
  outputs_ = &session_->run(inputs_);
  return record(0, "");
  QC_GUARD_END(error_code_)
}

int WasmModel::outputCount() const { return outputs_ ? static_cast<int>(outputs_->size()) : 0; }

std::string WasmModel::outputDims(int k) const {
  return k >= 0 && k < outputCount() ? join_dims((*outputs_)[k].dims) : "";
}

std::string WasmModel::outputDtype(int k) const {
  return k >= 0 && k < outputCount() ? dtype_name((*outputs_)[k].dtype) : "";
}

uintptr_t WasmModel::outputPtr(int k) const {
  return k >= 0 && k < outputCount() ? reinterpret_cast<uintptr_t>((*outputs_)[k].data) : 0;
}

size_t WasmModel::outputBytes(int k) const { return k >= 0 && k < outputCount() ? (*outputs_)[k].bytes() : 0; }

}  // namespace qc
