// libFuzzer target: the bundle reader and validator (read_bundle) on arbitrary
// bytes, twice: as given (header, section table, checksums, hash) and resealed with
// recomputed checksums (so mutations reach META, TENSORS, GRAPH and DATA). An
// accepted bundle must validate as a graph and survive write(read(x)) == x.
#include <cstdint>
#include <cstring>
#include <cstdlib>

#include "common/aligned_buffer.h"
#include "common/error.h"
#include "format/bundle.h"
#include "reseal.h"

namespace {

void read_and_check(const qc::AlignedBuffer& buf, bool sealed) {
  qc::Bundle b;
  try {
    b = qc::read_bundle(buf.span());
  } catch (const qc::Error&) {
    return;  // a typed rejection is the expected outcome for most inputs
  }
  // Accepted: it must be a valid graph, and re-serializing must reproduce it.
  b.graph.validate();
  if (sealed) {
    const std::vector<uint8_t> again = qc::write_bundle(b.graph, b.metadata_json);
    if (again.size() != buf.size() || std::memcmp(again.data(), buf.data(), buf.size()) != 0) {
      // The reader accepted a bundle the writer would not produce byte for byte:
      // legal only for forward-compatible fields, so check it reads back equal.
      qc::AlignedBuffer copy{std::span<const uint8_t>(again)};
      const qc::Bundle b2 = qc::read_bundle(copy.span());
      if (b2.graph.values.size() != b.graph.values.size() || b2.graph.nodes.size() != b.graph.nodes.size() ||
          b2.metadata_json != b.metadata_json)
        std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qc::AlignedBuffer buf{std::span<const uint8_t>(data, size)};
  read_and_check(buf, false);
  if (qc::fuzz::reseal_bundle(buf.mutable_span())) read_and_check(buf, true);
  return 0;
}
