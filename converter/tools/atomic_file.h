// Output files that appear whole or not at all.
#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace qc {

// Writes `bytes` to a temporary file in the destination's directory, flushes it and
// renames it over `path`. On any failure the temporary is removed, an existing file
// at `path` is left untouched, and Errc::io is thrown naming the path.
void write_file_atomic(const std::string& path, std::span<const uint8_t> bytes);

// True when both paths name the same existing file (same device and inode).
bool same_file(const std::string& a, const std::string& b);

}  // namespace qc
