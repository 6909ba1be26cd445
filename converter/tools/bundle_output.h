// Encoding a converted graph as a bundle (shared by `qcomp convert` and `qcomp sweep`).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "graph/ir.h"
#include "tools/model_metadata.h"

namespace qc {

// The bundle bytes with the metadata of `d`; sets d.bundle_bytes to their size (the
// report stores the bundle's own size, so this re-encodes until it settles).
std::vector<uint8_t> encode_bundle(const Graph& g, ModelDescription& d);

// Reads the encoded bytes back with the validating reader (Errc::internal naming
// `out` if they do not read back); returns the SHA-256 of the bundle.
std::array<uint8_t, 32> verify_bundle(const std::vector<uint8_t>& bytes, const std::string& out);

}  // namespace qc
