// SHA-256 (FIPS 180-4), incremental.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace qc {

class Sha256 {
 public:
  Sha256();
  void update(std::span<const uint8_t> bytes);
  std::array<uint8_t, 32> finish();  // the object must not be updated afterwards

 private:
  // Kept out of line: a wasm engine that starts in a baseline tier optimizes a
  // function between calls, so hashing a large bundle speeds up as it goes.
  [[gnu::noinline]] void compress(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

std::array<uint8_t, 32> sha256(std::span<const uint8_t> bytes);

// Lowercase hex, 64 characters (also declared in format/bundle.h).
std::string sha256_hex(const std::array<uint8_t, 32>& digest);

}  // namespace qc
