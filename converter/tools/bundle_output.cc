#include "tools/bundle_output.h"

#include <algorithm>

#include "common/aligned_buffer.h"
#include "common/error.h"
#include "format/bundle.h"

namespace qc {

std::vector<uint8_t> encode_bundle(const Graph& g, ModelDescription& d) {
  std::vector<uint8_t> bytes;
  for (int round = 0; round < 8; ++round) {
    bytes = write_bundle(g, build_metadata(g, d).dump());
    if (bytes.size() == d.bundle_bytes) return bytes;
    d.bundle_bytes = bytes.size();
  }
  fail(Errc::internal, "bundle size did not settle while writing the compression report");
}

std::array<uint8_t, 32> verify_bundle(const std::vector<uint8_t>& bytes, const std::string& out) {
  AlignedBuffer copy(bytes.size());
  std::copy(bytes.begin(), bytes.end(), copy.data());
  try {
    return read_bundle({copy.data(), copy.size()}).sha256;
  } catch (const Error& e) {
    fail(Errc::internal, out + ": the encoded bundle does not read back: " + e.what());
  }
}

}  // namespace qc
