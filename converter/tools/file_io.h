// Whole-file reads for the CLI and the importer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/aligned_buffer.h"

namespace qc {

// Throws Errc::io naming the path when the file cannot be opened or read.
std::vector<uint8_t> read_file_bytes(const std::string& path);

// The file's bytes in a 64-byte aligned buffer (what read_bundle needs for in-place views).
AlignedBuffer read_file_aligned(const std::string& path);

}  // namespace qc
