// Reads a whole file, transparently inflating gzip content (detected by its magic
// bytes, not by the file name; concatenated gzip members are joined).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace qc {

inline constexpr uint64_t kMaxInflatedBytes = 4ull << 30;  // guards against gzip bombs

// Errc::io when the file cannot be read; Errc::invalid_argument naming the file
// and the compressed byte offset when the gzip stream is corrupt or truncated.
std::vector<uint8_t> read_file_maybe_gzip(const std::string& path);

bool is_gzip(const std::vector<uint8_t>& bytes);
std::vector<uint8_t> gunzip(const std::vector<uint8_t>& gz, const std::string& path);

}  // namespace qc
