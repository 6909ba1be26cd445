// The state behind one qc_model handle of the C API (src/bindings/c_api.cc):
// the bundle bytes it owns, the parsed bundle, the session, the input buffers
// and the last error. Methods throw qc::Error; the C API catches.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "format/bundle.h"
#include "runtime/session.h"

namespace qc {

class WasmModel {
 public:
  WasmModel() = default;
  ~WasmModel();
  WasmModel(const WasmModel&) = delete;
  WasmModel& operator=(const WasmModel&) = delete;

  // Takes ownership of `bytes` (a qc_alloc block), even when reading fails.
  // `file_sha256`: null, or 32 bytes, the SHA-256 of all but the last 32 bytes
  // (ReadLimits::file_sha256), compared with the stored digest instead of hashing.
  void load(uint8_t* bytes, size_t size, const uint8_t* file_sha256);
  // Caps what this model may hold in the heap: its bundle bytes, its input buffers and
  // its plan (plan-time tensors + activation arena). 0: no cap. Exceeding it is
  // Errc::out_of_memory, as is the allocator running out; the model stays usable.
  void set_memory_cap(uint64_t bytes);
  const std::string& info();
  // A buffer for input `index` with these dims, valid until the next call for that
  // input: zeroed when new; with the same dims as the last call, the same buffer still
  // holding that input (the caller writes every byte).
  void* input_buffer(int index, const double* dims, int rank);
  void run();
  int output_count() const { return outputs_ ? static_cast<int>(outputs_->size()) : 0; }
  // Output k of the last run, or nullptr when k is out of range.
  const TensorRef* output(int k) const;

  int error_code = 0;
  std::string error_message;

 private:
  uint64_t input_bytes() const;
  PlanOptions plan_options() const;

  uint8_t* bytes_ = nullptr;
  size_t size_ = 0;
  uint64_t memory_cap_ = 0;
  std::unique_ptr<Bundle> bundle_;
  std::unique_ptr<Session> session_;
  std::vector<std::vector<uint8_t>> input_storage_;
  std::vector<TensorRef> inputs_;
  const std::vector<TensorRef>* outputs_ = nullptr;
  std::string info_;
};

}  // namespace qc
