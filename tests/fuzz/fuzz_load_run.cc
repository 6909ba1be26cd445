// libFuzzer target: load a bundle and run it with fuzzed input shapes and values.
// Input layout: u32 LE bundle length L, L bundle bytes, then a "feed stream" that
// picks each input's dims (declared dims, or a fuzzed rank/dims) and supplies its raw
// bytes (any float bit pattern, any integer: shape inputs reach plan-time evaluation).
// The bundle is resealed (checksums recomputed) so mutated graphs, attributes and
// weights reach the planner and the kernels. A run must end in outputs whose every
// byte is readable or in a typed qc::Error; plans are capped at 16 MiB.
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/aligned_buffer.h"
#include "common/error.h"
#include "format/bundle.h"
#include "graph/dtype.h"
#include "reseal.h"
#include "runtime/session.h"

namespace {

constexpr uint64_t kMaxInputElements = 1 << 14;
constexpr uint64_t kMemoryCap = 16ull << 20;  // keeps slow units (plan-time Pad, Conv) well under a second

class Stream {
 public:
  Stream(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  uint8_t byte() { return n_ ? p_[i_++ % n_] : 0; }
  bool empty() const { return n_ == 0; }

 private:
  const uint8_t* p_;
  size_t n_, i_ = 0;
};

struct Feed {
  qc::TensorRef ref;
  std::vector<uint8_t> storage;
};

// Dims for one input: usually the declared ones with free dims picked from the
// stream, sometimes a mutated dim or rank (which the planner must reject or handle).
std::vector<int64_t> pick_dims(const qc::Value& v, Stream& s) {
  std::vector<int64_t> dims = v.dims;
  const uint8_t mode = s.byte();
  if (mode == 0xFF) dims.resize(s.byte() % 6);  // wrong rank
  uint64_t n = 1;
  for (auto& d : dims) {
    const uint8_t b = s.byte();
    if (d < 0 || (mode & 0x80)) d = b % 5;  // free dim, or a mutated fixed one
    if (d != 0 && n > kMaxInputElements / static_cast<uint64_t>(d)) d = 1;  // keeps the whole product capped
    n *= static_cast<uint64_t>(d);
  }
  return dims;
}

void touch_outputs(const std::vector<qc::TensorRef>& outs) {
  volatile uint8_t sink = 0;
  for (const auto& t : outs) {
    const size_t bytes = t.bytes();
    if (bytes && !t.data) __builtin_trap();
    const auto* p = static_cast<const uint8_t*>(t.data);
    for (size_t i = 0; i < bytes; ++i) sink ^= p[i];
  }
  (void)sink;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  uint32_t len;
  std::memcpy(&len, data, 4);
  if (len > size - 4) len = static_cast<uint32_t>(size - 4);
  qc::AlignedBuffer buf{std::span<const uint8_t>(data + 4, len)};
  qc::fuzz::reseal_bundle(buf.mutable_span());
  Stream stream(data + 4 + len, size - 4 - len);
  try {
    const qc::Bundle b = qc::read_bundle(buf.span());
    qc::Session session(b.graph, qc::PlanOptions{kMemoryCap});
    for (int round = 0; round < 2; ++round) {
      std::vector<Feed> feeds(b.graph.inputs.size());
      std::vector<qc::TensorRef> inputs;
      for (size_t i = 0; i < feeds.size(); ++i) {
        const qc::Value& v = b.graph.values[b.graph.inputs[i]];
        Feed& f = feeds[i];
        f.ref.dtype = v.dtype;
        f.ref.dims = pick_dims(v, stream);
        uint64_t n = 1;
        for (int64_t d : f.ref.dims) n *= static_cast<uint64_t>(d);
        f.storage.resize(n * qc::dtype_size(v.dtype) + 1);
        for (auto& byte : f.storage) byte = stream.byte();
        f.ref.data = f.storage.data();
        inputs.push_back(f.ref);
      }
      try {
        touch_outputs(session.run(inputs));
      } catch (const qc::Error&) {
        // shape/dtype/memory rejections of this feed; the session must stay usable
      }
      if (stream.empty()) break;
    }
  } catch (const qc::Error&) {
  }
  return 0;
}
