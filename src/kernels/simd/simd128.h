// The wasm SIMD128 intrinsics (wasm_simd128.h), natively through SIMDe, plus small
// helpers shared by the SIMD kernels. Include only where QC_SIMD128 is 1.
#pragma once
#include "kernels/simd/simd_available.h"

#if QC_SIMD128
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#else
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/wasm/simd128.h>
#endif
#include <cstdint>
#include <cstring>

namespace qc::simd {

// A value the compiler cannot see through. Splatting it gives a vector constant that
// clang keeps in a local across a loop; a literal constant is rematerialized as a
// v128.const at every use inside the loop, which V8 builds with several
// instructions each time.
template <class T>
inline T opaque(T v) {
  __asm__("" : "+r"(v));
  return v;
}
inline v128_t const_i8x16(int8_t v) { return wasm_i8x16_splat(opaque(v)); }
inline v128_t const_i16x8(int16_t v) { return wasm_i16x8_splat(opaque(v)); }
inline v128_t const_i32x4(int32_t v) { return wasm_i32x4_splat(opaque(v)); }
inline v128_t const_f32x4(float v) {
  int32_t bits;
  std::memcpy(&bits, &v, 4);
  return wasm_i32x4_splat(opaque(bits));
}

inline int32_t hsum_i32x4(v128_t v) {
  v = wasm_i32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_i32x4_add(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_i32x4_extract_lane(v, 0);
}

// [sum(a), sum(b), sum(c), sum(d)] of four i32x4 (integer: exact in any order).
inline v128_t hsum4_i32x4(v128_t a, v128_t b, v128_t c, v128_t d) {
  const v128_t ab = wasm_i32x4_add(wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), wasm_i32x4_shuffle(a, b, 2, 6, 3, 7));
  const v128_t cd = wasm_i32x4_add(wasm_i32x4_shuffle(c, d, 0, 4, 1, 5), wasm_i32x4_shuffle(c, d, 2, 6, 3, 7));
  return wasm_i32x4_add(wasm_i32x4_shuffle(ab, cd, 0, 1, 4, 5), wasm_i32x4_shuffle(ab, cd, 2, 3, 6, 7));
}

// 4 x 4 transpose of i32 lanes (lane j of out[i] = lane i of v[j]) by two rounds of
// interleaving.
inline void transpose_i32x4(const v128_t (&v)[4], v128_t (&out)[4]) {
  const auto zip_lo = [](v128_t a, v128_t b) { return wasm_i32x4_shuffle(a, b, 0, 4, 1, 5); };
  const auto zip_hi = [](v128_t a, v128_t b) { return wasm_i32x4_shuffle(a, b, 2, 6, 3, 7); };
  const v128_t lo02 = zip_lo(v[0], v[2]), lo13 = zip_lo(v[1], v[3]);
  const v128_t hi02 = zip_hi(v[0], v[2]), hi13 = zip_hi(v[1], v[3]);
  out[0] = zip_lo(lo02, lo13);
  out[1] = zip_hi(lo02, lo13);
  out[2] = zip_lo(hi02, hi13);
  out[3] = zip_hi(hi02, hi13);
}

// The high nibble of every byte (u8x16.shr by 4 would rebuild its 0x0f mask in V8
// each time; the caller's low_nibble = 0x0f register serves here).
inline v128_t high_nibbles(v128_t packed, v128_t low_nibble) {
  return wasm_v128_and(wasm_u16x8_shr(packed, 4), low_nibble);
}

// The 32 nibbles of a q4 block (its 16 bytes at qs: element j in the low nibble of
// byte j, element j + 16 in the high one) as int8 q - offset, in element order.
inline void unpack_q4_nibbles(const uint8_t* qs, v128_t low_nibble, v128_t offset, int8_t* out) {
  const v128_t packed = wasm_v128_load(qs);
  wasm_v128_store(out, wasm_i8x16_sub(wasm_v128_and(packed, low_nibble), offset));
  wasm_v128_store(out + 16, wasm_i8x16_sub(high_nibbles(packed, low_nibble), offset));
}

// The same for f32x4 (float: a fixed but different order than a scalar loop).
inline v128_t hsum4_f32x4(v128_t a, v128_t b, v128_t c, v128_t d) {
  const v128_t ab = wasm_f32x4_add(wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), wasm_i32x4_shuffle(a, b, 2, 6, 3, 7));
  const v128_t cd = wasm_f32x4_add(wasm_i32x4_shuffle(c, d, 0, 4, 1, 5), wasm_i32x4_shuffle(c, d, 2, 6, 3, 7));
  return wasm_f32x4_add(wasm_i32x4_shuffle(ab, cd, 0, 1, 4, 5), wasm_i32x4_shuffle(ab, cd, 2, 3, 6, 7));
}

// dot of 16 int8 activations (already widened: xl = elements 0..7, xh = 8..15) with
// 16 int8 weights, as four int32 partial sums.
inline v128_t dot16_i8(v128_t xl, v128_t xh, v128_t w) {
  return wasm_i32x4_add(wasm_i32x4_dot_i16x8(xl, wasm_i16x8_extend_low_i8x16(w)),
                        wasm_i32x4_dot_i16x8(xh, wasm_i16x8_extend_high_i8x16(w)));
}

// Exact int32 -> f32 for |v| < 2^22: the integer is added to the mantissa of
// 1.5 * 2^23, which is then subtracted. (Clang 14 scalarizes the direct convert when
// it follows a lane extension, so the decoders use this.)
inline v128_t small_i32x4_to_f32x4(v128_t v) {
  return wasm_f32x4_sub(wasm_i32x4_add(v, wasm_i32x4_splat(0x4b400000)), wasm_f32x4_splat(12582912.f));
}

// Four IEEE binary16 values (the low u16 of each i32 lane, upper bits zero) to f32,
// exactly: the f16 exponent/mantissa bits moved into f32 position and rescaled by
// 2^112 handle normals, subnormals and zero; exponent 31 (inf/NaN) is patched.
// Make the constants once outside a loop (F16Consts{}) and pass them in.
struct F16Consts {
  v128_t sign = const_i32x4(0x8000), magnitude = const_i32x4(0x7fff), scale = const_f32x4(0x1p112f),
         exponent = const_i32x4(0x7c00), inf_nan = const_i32x4(0x7f800000);
};

inline v128_t f16x4_to_f32x4(v128_t h, const F16Consts& c) {
  const v128_t sign = wasm_i32x4_shl(wasm_v128_and(h, c.sign), 16);
  const v128_t bits = wasm_i32x4_shl(wasm_v128_and(h, c.magnitude), 13);
  const v128_t scaled = wasm_f32x4_mul(bits, c.scale);
  const v128_t inf_nan = wasm_i32x4_eq(wasm_v128_and(h, c.exponent), c.exponent);
  const v128_t special = wasm_v128_or(bits, c.inf_nan);
  return wasm_v128_or(wasm_v128_bitselect(special, scaled, inf_nan), sign);
}

inline v128_t f16x4_to_f32x4(v128_t h) { return f16x4_to_f32x4(h, F16Consts{}); }

// 16 bytes from p, or the bytes before `end` followed by zeros when fewer remain.
inline v128_t load16_bounded(const uint8_t* p, const uint8_t* end) {
  if (end - p >= 16) return wasm_v128_load(p);
  uint8_t tmp[16] = {};
  if (end > p) std::memcpy(tmp, p, static_cast<size_t>(end - p));
  return wasm_v128_load(tmp);
}

}  // namespace qc::simd
#endif
