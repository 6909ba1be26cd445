// The C API that JavaScript drives (js/src/wasm.ts), and the only file that
// includes emscripten headers. Every entry point catches all C++ exceptions:
// a call returning int returns 0 or a qc::Errc code, a call returning a pointer
// returns it or 0, and qc_model_error_code/qc_model_error_message then say
// what failed. Nothing throws into JS, so a bad bundle never aborts the instance.
//
//   qc_model* m = qc_model_new();                   // 0 when out of memory
//   void* p = qc_alloc(n); <copy bundle bytes to p>  // 64-byte aligned
//   qc_model_set_memory_cap(m, bytes);              // optional: heap bytes the model may hold (0: no cap)
//   qc_model_load(m, p, n, sha);                     // takes ownership of p, even on failure; sha: 0 or
//                                                    // the SHA-256 of p[0, n-32) (JS has a fast one)
//   const char* json = qc_model_info(m);             // {metadata, inputs, outputs, tensors, ...}
//   void* in = qc_model_input(m, i, dims, rank);     // dims: `rank` doubles; a buffer to fill (all of it)
//   qc_model_run(m);
//   qc_model_output_count(m); qc_model_output_rank(m, k); qc_model_output_dim(m, k, axis);
//   qc_model_output_dtype(m, k) -> "float32"; qc_model_output_data(m, k); qc_model_output_bytes(m, k);
//   qc_model_delete(m);
//   qc_set_thread_count(n) -> threads now used by every model (threaded build only)
// Strings are NUL-terminated UTF-8 owned by the model, valid until its next call.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <cstdlib>
#include <new>

#include "bindings/wasm_model.h"
#include "common/aligned_buffer.h"
#include "common/error.h"
#include "common/parallel.h"

using qc::Errc;
using qc::WasmModel;

namespace {

int record(WasmModel* m, Errc code, const char* message) {
  m->error_code = static_cast<int>(code);
  try {
    m->error_message = message;
  } catch (...) {
    m->error_message.clear();
  }
  return m->error_code;
}

// Runs `body` and turns any exception into the model's error code (returned).
template <class F> int guarded(WasmModel* m, F&& body) {
  if (!m) return static_cast<int>(Errc::invalid_argument);
  try {
    body();
    m->error_code = 0;
    m->error_message.clear();
    return 0;
  } catch (const qc::Error& e) {
    return record(m, e.code(), e.what());
  } catch (const std::bad_alloc&) {
    return record(m, Errc::out_of_memory, "out of wasm memory");
  } catch (const std::exception& e) {
    return record(m, Errc::internal, e.what());
  } catch (...) {
    return record(m, Errc::internal, "unknown C++ exception");
  }
}

const qc::TensorRef* output(const WasmModel* m, int k) { return m ? m->output(k) : nullptr; }

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void* qc_alloc(size_t size) {
  if (size > SIZE_MAX - qc::kTensorAlignment) return nullptr;  // the rounding below would wrap
  const size_t rounded = (size + qc::kTensorAlignment - 1) / qc::kTensorAlignment * qc::kTensorAlignment;
  return std::aligned_alloc(qc::kTensorAlignment, rounded ? rounded : qc::kTensorAlignment);
}

EMSCRIPTEN_KEEPALIVE void qc_free(void* p) { std::free(p); }

EMSCRIPTEN_KEEPALIVE WasmModel* qc_model_new() { return new (std::nothrow) WasmModel(); }

EMSCRIPTEN_KEEPALIVE void qc_model_delete(WasmModel* m) { delete m; }

EMSCRIPTEN_KEEPALIVE int qc_model_load(WasmModel* m, uint8_t* bytes, size_t size, const uint8_t* file_sha256) {
  if (!m) {
    std::free(bytes);
    return static_cast<int>(Errc::invalid_argument);
  }
  return guarded(m, [&] { m->load(bytes, size, file_sha256); });
}

// `bytes` is a double (JS numbers cross as doubles): an integer in [0, 2^53]; 0 = no cap.
EMSCRIPTEN_KEEPALIVE int qc_model_set_memory_cap(WasmModel* m, double bytes) {
  return guarded(m, [&] {
    if (!(bytes >= 0 && bytes <= 9007199254740992.0) || bytes != static_cast<double>(static_cast<uint64_t>(bytes)))
      qc::fail(Errc::invalid_argument, "memory cap must be an integer number of bytes >= 0");
    m->set_memory_cap(static_cast<uint64_t>(bytes));
  });
}

EMSCRIPTEN_KEEPALIVE const char* qc_model_info(WasmModel* m) {
  const char* json = nullptr;
  guarded(m, [&] { json = m->info().c_str(); });
  return json;
}

EMSCRIPTEN_KEEPALIVE void* qc_model_input(WasmModel* m, int index, const double* dims, int rank) {
  void* data = nullptr;
  guarded(m, [&] { data = m->input_buffer(index, dims, rank); });
  return data;
}

EMSCRIPTEN_KEEPALIVE int qc_model_run(WasmModel* m) {
  return guarded(m, [&] { m->run(); });
}

EMSCRIPTEN_KEEPALIVE int qc_model_output_count(const WasmModel* m) { return m ? m->output_count() : 0; }

EMSCRIPTEN_KEEPALIVE int qc_model_output_rank(const WasmModel* m, int k) {
  const qc::TensorRef* t = output(m, k);
  return t ? static_cast<int>(t->dims.size()) : -1;
}

EMSCRIPTEN_KEEPALIVE double qc_model_output_dim(const WasmModel* m, int k, int axis) {
  const qc::TensorRef* t = output(m, k);
  return t && axis >= 0 && axis < static_cast<int>(t->dims.size()) ? static_cast<double>(t->dims[axis]) : -1;
}

EMSCRIPTEN_KEEPALIVE const char* qc_model_output_dtype(const WasmModel* m, int k) {
  const qc::TensorRef* t = output(m, k);
  return t ? qc::dtype_name(t->dtype) : "";
}

EMSCRIPTEN_KEEPALIVE void* qc_model_output_data(const WasmModel* m, int k) {
  const qc::TensorRef* t = output(m, k);
  return t ? t->data : nullptr;
}

EMSCRIPTEN_KEEPALIVE size_t qc_model_output_bytes(const WasmModel* m, int k) {
  const qc::TensorRef* t = output(m, k);
  return t ? t->bytes() : 0;
}

EMSCRIPTEN_KEEPALIVE int qc_model_error_code(const WasmModel* m) {
  return m ? m->error_code : static_cast<int>(Errc::invalid_argument);
}

EMSCRIPTEN_KEEPALIVE const char* qc_model_error_message(const WasmModel* m) {
  return m ? m->error_message.c_str() : "no model";
}

#if defined(__EMSCRIPTEN_PTHREADS__)
// Only the threaded build exports it: the single-thread build stays as small as it was.
EMSCRIPTEN_KEEPALIVE int qc_set_thread_count(int threads) {
  qc::set_thread_count(threads);
  return qc::thread_count();
}
#endif

}  // extern "C"
