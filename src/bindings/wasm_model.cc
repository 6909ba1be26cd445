#include "bindings/wasm_model.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "common/error.h"
#include "runtime/model_info.h"

namespace qc {

WasmModel::~WasmModel() {
  session_.reset();
  bundle_.reset();
  std::free(bytes_);
}

void WasmModel::set_memory_cap(uint64_t bytes) {
  memory_cap_ = bytes;
  if (session_) session_->set_options(plan_options());
}

uint64_t WasmModel::input_bytes() const {
  uint64_t total = 0;
  for (const auto& s : input_storage_) total += s.size();
  return total;
}

// What is left of the cap for the plan once the bundle and the inputs are counted.
PlanOptions WasmModel::plan_options() const {
  PlanOptions o;
  if (memory_cap_) {
    const uint64_t held = static_cast<uint64_t>(size_) + input_bytes();
    o.max_memory_bytes = held < memory_cap_ ? memory_cap_ - held : 1;  // 1: nothing more fits
  }
  return o;
}

void WasmModel::load(uint8_t* bytes, size_t size, const uint8_t* file_sha256) {
  outputs_ = nullptr;
  session_.reset();
  bundle_.reset();
  std::free(bytes_);
  bytes_ = bytes;
  size_ = size;
  input_storage_.clear();
  inputs_.clear();
  info_.clear();
  if (memory_cap_ && size > memory_cap_)
    fail(Errc::out_of_memory, "the bundle has " + std::to_string(size) + " bytes, above the memory cap of " +
                                  std::to_string(memory_cap_) + " bytes");
  std::array<uint8_t, 32> digest;
  ReadLimits limits;
  if (file_sha256) {
    std::memcpy(digest.data(), file_sha256, digest.size());
    limits.file_sha256 = &digest;
  }
  bundle_ = std::make_unique<Bundle>(read_bundle(std::span<const uint8_t>(bytes_, size), limits));
  session_ = std::make_unique<Session>(bundle_->graph, plan_options());
  const Graph& g = bundle_->graph;
  input_storage_.assign(g.inputs.size(), {});
  inputs_.assign(g.inputs.size(), TensorRef{});
  for (size_t i = 0; i < g.inputs.size(); ++i) inputs_[i].dtype = g.values[g.inputs[i]].dtype;
}

const std::string& WasmModel::info() {
  if (!bundle_) fail(Errc::invalid_argument, "no model loaded");
  if (info_.empty()) info_ = model_info_json(*bundle_, session_->arena_bytes());
  return info_;
}

void* WasmModel::input_buffer(int index, const double* dims, int rank) {
  if (!bundle_) fail(Errc::invalid_argument, "no model loaded");
  if (index < 0 || index >= static_cast<int>(inputs_.size()))
    fail(Errc::invalid_argument, "input index " + std::to_string(index) + " out of range");
  if (rank < 0 || rank > 64 || (rank > 0 && !dims)) fail(Errc::invalid_argument, "bad input rank");
  TensorRef& t = inputs_[index];
  t.dims.assign(static_cast<size_t>(rank), 0);
  uint64_t n = 1;
  for (int i = 0; i < rank; ++i) {
    const double d = dims[i];
    if (!(d >= 0 && d <= double(1ull << 30)) || d != std::floor(d))
      fail(Errc::invalid_argument, "input " + std::to_string(index) + ": dims must be integers in [0, 2^30]");
    t.dims[i] = static_cast<int64_t>(d);
    if (__builtin_mul_overflow(n, static_cast<uint64_t>(t.dims[i]), &n) || n > (1ull << 30))
      fail(Errc::shape_mismatch, "input " + std::to_string(index) + ": dims too large");
  }
  // 64-bit size math: n * 8 can pass 2^32 and wrap a wasm32 size_t.
  const uint64_t bytes = n * dtype_size(t.dtype) + 1;
  std::vector<uint8_t>& storage = input_storage_[index];
  if (storage.size() != bytes) {  // same dims as the last run: the buffer is reused
    storage.clear();
    storage.shrink_to_fit();
    t.data = nullptr;
    if (bytes > SIZE_MAX / 2 || (memory_cap_ && size_ + input_bytes() + bytes > memory_cap_))
      fail(Errc::out_of_memory, "input " + std::to_string(index) + ": " + std::to_string(bytes - 1) + " bytes" +
                                    (memory_cap_ ? " exceed the memory cap of " + std::to_string(memory_cap_) + " bytes"
                                                 : " exceed the address space"));
    storage.resize(static_cast<size_t>(bytes));  // zeroed
  }
  t.data = storage.data();
  return t.data;
}

void WasmModel::run() {
  if (!session_) fail(Errc::invalid_argument, "no model loaded");
  for (size_t i = 0; i < inputs_.size(); ++i)
    if (!inputs_[i].data)
      fail(Errc::invalid_argument, "input " + std::to_string(i) + " not set (call qc_model_input first)");
  outputs_ = nullptr;
  session_->set_options(plan_options());
  outputs_ = &session_->run(inputs_);
}

const TensorRef* WasmModel::output(int k) const {
  return k >= 0 && k < output_count() ? &(*outputs_)[k] : nullptr;
}

}  // namespace qc
