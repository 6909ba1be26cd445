// The only file that includes emscripten headers: the C allocation entry points
// and the Embind registration of WasmModel.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <cstdlib>

#include "bindings/wasm_model.h"
#include "common/aligned_buffer.h"

extern "C" {
EMSCRIPTEN_KEEPALIVE void* qc_alloc(size_t size) {
  const size_t rounded = (size + qc::kTensorAlignment - 1) / qc::kTensorAlignment * qc::kTensorAlignment;
  return std::aligned_alloc(qc::kTensorAlignment, rounded ? rounded : qc::kTensorAlignment);
}
EMSCRIPTEN_KEEPALIVE void qc_free(void* p) { std::free(p); }
}

EMSCRIPTEN_BINDINGS(qcomp) {
  emscripten::class_<qc::WasmModel>("QcModel")
      .constructor<>()
      .function("load", &qc::WasmModel::load)
      .function("info", &qc::WasmModel::info)
      .function("inputBuffer", &qc::WasmModel::inputBuffer)
      .function("run", &qc::WasmModel::run)
      .function("outputCount", &qc::WasmModel::outputCount)
      .function("outputDims", &qc::WasmModel::outputDims)
      .function("outputDtype", &qc::WasmModel::outputDtype)
      .function("outputPtr", &qc::WasmModel::outputPtr)
      .function("outputBytes", &qc::WasmModel::outputBytes)
      .function("errorCode", &qc::WasmModel::errorCode)
      .function("errorMessage", &qc::WasmModel::errorMessage);
}
