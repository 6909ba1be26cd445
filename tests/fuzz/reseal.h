// Fuzzing helper: recomputes the CRC-32 of every in-range section and the SHA-256
// of a candidate bundle, so that mutated bytes reach the structural checks behind
// the checksums (GRAPH, TENSORS, META, DATA) instead of stopping at the first CRC.
// Only bytes the reader would checksum are rewritten; anything out of range is left
// as it is for the reader to reject.
#pragma once
#include <cstdint>
#include <span>

namespace qc::fuzz {

// Rewrites the crc32 fields of the section table and the INTEGRITY digest in place.
// Returns false when the header or table is too broken to locate them.
bool reseal_bundle(std::span<uint8_t> bytes);

}  // namespace qc::fuzz
