// The object JavaScript drives (exposed through Embind as Module.QcModel).
// Every method catches all C++ errors: a method returning int returns 0 on
// success or a qc::Errc code, with the message in errorMessage(). No method throws
// into JS, so a bad bundle never aborts the wasm instance.
//
// JS usage (js/src/wasm.ts):
//   const m = new Module.QcModel();
//   const ptr = Module._qc_alloc(n); HEAPU8.set(bytes, ptr);   // 64-byte aligned
//   if (m.load(ptr, n) !== 0) throw mapError(m.errorCode(), m.errorMessage()); // load takes ownership of ptr, even on failure
//   JSON.parse(m.info());        // {metadata, inputs, outputs, tensors, sha256, bundleBytes, arenaBytes}
//   const p = m.inputBuffer(i, "1,1,28,28"); // pointer to a zeroed buffer of the right size (0 on error)
//   HEAPF32.set(data, p >> 2); m.run();      // 0 or error code
//   m.outputCount(); m.outputDims(k) -> "1,10"; m.outputDtype(k) -> "float32"; m.outputPtr(k); m.outputBytes(k)
//   m.delete();
// Views on HEAP* go stale whenever wasm memory grows: re-read them after every call.
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
  WasmModel();
  ~WasmModel();

  int load(uintptr_t bytes, size_t size);
  std::string info() const;
  uintptr_t inputBuffer(int index, const std::string& dims_csv);
  int run();
  int outputCount() const;
  std::string outputDims(int k) const;
  std::string outputDtype(int k) const;
  uintptr_t outputPtr(int k) const;
  size_t outputBytes(int k) const;
  int errorCode() const { return error_code_; }
  std::string errorMessage() const { return error_message_; }

 private:
  int record(int code, const std::string& message);

  uint8_t* bytes_ = nullptr;
  size_t size_ = 0;
  std::unique_ptr<Bundle> bundle_;
  std::unique_ptr<Session> session_;
  std::vector<std::vector<uint8_t>> input_storage_;
  std::vector<TensorRef> inputs_;
  const std::vector<TensorRef>* outputs_ = nullptr;
  int error_code_ = 0;
  std::string error_message_;
};

}  // namespace qc
