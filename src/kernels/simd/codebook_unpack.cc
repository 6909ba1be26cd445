#include "kernels/simd/codebook_unpack.h"

#if QC_SIMD128
namespace qc::simd {

__attribute__((noinline)) void fill_codebook_unpack_tables(int bits, uint8_t mask[2][16], int16_t mul[2][8]) {
  for (int i = 0; i < 16; ++i) {
    const int bit = i * bits, byte = bit / 8, shift = bit % 8;
    // A second byte at 16 is never needed: index 15 ends at bit 16 * bits.
    mask[i / 8][2 * (i % 8)] = static_cast<uint8_t>(byte);
    mask[i / 8][2 * (i % 8) + 1] = static_cast<uint8_t>(byte + 1 < 16 ? byte + 1 : 0xff);
    mul[i / 8][i % 8] = static_cast<int16_t>(1 << (16 - shift - bits));
  }
}

}  // namespace qc::simd
#endif
