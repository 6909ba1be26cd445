// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as used by zlib and PNG.
#pragma once
#include <cstdint>
#include <span>

namespace qc {

// Continues a running CRC: crc32_update(crc32_update(0, a), b) == crc32 of a||b.
uint32_t crc32_update(uint32_t crc, std::span<const uint8_t> bytes);

inline uint32_t crc32(std::span<const uint8_t> bytes) { return crc32_update(0, bytes); }

}  // namespace qc
