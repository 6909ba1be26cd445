// IEEE binary16 <-> binary32 conversion, bit exact: round to nearest even,
// overflow to infinity, subnormals kept, NaN stays NaN (quiet, payload truncated).
#pragma once
#include <cstdint>
#include <cstring>

namespace qc {

inline float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  const uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent != 0) {
    bits = sign | ((exponent + (127 - 15)) << 23) | (mantissa << 13);
  } else {
    const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;  // exact: subnormal or zero
    std::memcpy(&bits, &magnitude, 4);
    bits |= sign;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

inline uint16_t f32_to_f16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  x &= 0x7fffffffu;
  if (x >= 0x7f800000u)  // inf or NaN; a NaN keeps its top payload bits and the quiet bit
    return sign | 0x7c00u | (x > 0x7f800000u ? 0x200u | ((x >> 13) & 0x3ffu) : 0u);
  if (x >= 0x477ff000u) return sign | 0x7c00u;  // >= 65520 rounds to infinity
  if (x >= 0x38800000u) {                        // normal in f16: rebias, round the 13 dropped bits
    const uint32_t odd = (x >> 13) & 1u;
    return sign | static_cast<uint16_t>((x + 0xc8000fffu + odd) >> 13);
  }
  // Subnormal or zero in f16: adding 0.5f aligns the f16 subnormal unit (2^-24) with
  // the last mantissa bit, so the FPU does the round-to-nearest-even.
  float magnitude;
  std::memcpy(&magnitude, &x, 4);
  const float shifted = magnitude + 0.5f;
  uint32_t s;
  std::memcpy(&s, &shifted, 4);
  return sign | static_cast<uint16_t>(s - 0x3f000000u);
}

// Reads an unaligned little-endian f16 and widens it.
inline float load_f16(const uint8_t* p) {
  uint16_t h;
  std::memcpy(&h, p, 2);
  return f16_to_f32(h);
}

}  // namespace qc
