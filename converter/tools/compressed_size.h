// Sizes of a file's bytes after transport compression (what a web server would
// send): gzip (zlib, level 9) and brotli (quality 11).
#pragma once
#include <cstdint>
#include <span>

namespace qc {

// Errc::internal when the compressor fails.
uint64_t gzip_size(std::span<const uint8_t> bytes);
uint64_t brotli_size(std::span<const uint8_t> bytes);

}  // namespace qc
