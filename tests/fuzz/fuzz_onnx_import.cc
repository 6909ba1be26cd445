// libFuzzer target: the ONNX importer on arbitrary bytes (protobuf parsing, opset and
// op checks, attribute and tensor decoding, graph building). External data is not
// reachable from memory (no model directory). An imported graph must validate and
// survive the bundle writer and reader.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "common/aligned_buffer.h"
#include "common/error.h"
#include "format/bundle.h"
#include "import/onnx_importer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qc::Graph g;
  try {
    g = qc::import_onnx_bytes(std::span<const uint8_t>(data, size), "fuzz.onnx");
  } catch (const qc::Error&) {
    return 0;
  }
  g.validate();
  std::vector<uint8_t> bytes;
  try {
    bytes = qc::write_bundle(g, "{}");
  } catch (const qc::Error& e) {
    // The writer may refuse what the format cannot hold (limits); never crash.
    return 0;
  }
  qc::AlignedBuffer copy{std::span<const uint8_t>(bytes)};
  const qc::Bundle b = qc::read_bundle(copy.span());  // what the writer emits, the reader accepts
  if (b.graph.nodes.size() != g.nodes.size()) std::abort();
  return 0;
}
