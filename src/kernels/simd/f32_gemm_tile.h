// The register-blocked f32 GEMM microkernel shared by Gemm and Conv on f32_packed
// weights, and its fused epilogue (bias + activation as the tile is stored).
//   C[i][c] = sum_k A(i, k) * B[c / 8][k][c % 8]   for i < MR, c < NP * 8
// A(i, k) = a[i][k * kAStride]: activation rows (kAStride 1, Gemm) or rows of an
// f32_packed weight (kAStride 8, Conv). B: NP panels of [K][8] floats (f32_packed
// weight panels for Gemm, packed im2col columns for Conv), or for Conv rows read in
// place from the input through a table of offsets (PanelB / OffsetB below). Each k step splats MR A values and multiplies them by 2 * NP vectors;
// the MR * NP * 2 accumulators stay in registers (MR * NP <= 4: 8 accumulators).
// Include only where QC_SIMD128 is 1.
#pragma once
#include <cstdint>
#include <cstring>

#include "common/code_size.h"
#include "graph/activation.h"
#include "kernels/simd/simd128.h"

namespace qc::simd {

constexpr int kTileCols = 8;

template <int MR, int NP>
struct F32Tile {
  v128_t acc[MR][2 * NP];
};

// Where the B operand's rows come from: NP packed panels of [K][8] floats, or (Conv
// without packing) one row of 8 floats at base + offsets[k] for each k. row(p) is
// panel p's row for the current k; next() moves to the next k.
struct PanelB {
  const float* b;
  int64_t panel_stride;
  const float* row(int p) const { return b + p * panel_stride; }
  void next() { b += kTileCols; }
};

struct OffsetB {
  const float* base;
  const int32_t* offsets;
  const float* row(int /*p*/) const { return base + *offsets; }
  void next() { ++offsets; }
};

// Pointers advance by a constant per k (rather than indexing by k), which keeps the
// address arithmetic out of the loop: about 10 % faster in V8.
template <int MR, int NP, int kAStride, class B>
__attribute__((always_inline)) inline void f32_tile_accumulate(const float* const* a, B b, int64_t K,
                                                               F32Tile<MR, NP>& t) {
  const float* ar[MR];
  for (int i = 0; i < MR; ++i) ar[i] = a[i];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < 2 * NP; ++j) t.acc[i][j] = wasm_f32x4_splat(0.f);
  for (int64_t k = K; k > 0; --k) {
    v128_t bv[2 * NP];
    for (int p = 0; p < NP; ++p) {
      const float* row = b.row(p);
      bv[2 * p] = wasm_v128_load(row);
      bv[2 * p + 1] = wasm_v128_load(row + 4);
    }
    b.next();
    for (int i = 0; i < MR; ++i) {
      const v128_t av = wasm_v128_load32_splat(ar[i]);
      ar[i] += kAStride;
      for (int j = 0; j < 2 * NP; ++j) t.acc[i][j] = wasm_f32x4_add(t.acc[i][j], wasm_f32x4_mul(av, bv[j]));
    }
  }
}

// The vector part of Activation::apply (same results, NaN and -0 included);
// sigmoid and tanh are applied per element after the store.
inline bool activation_is_vector(const Activation& act) {
  return act.kind == Act::none || act.kind == Act::relu || act.kind == Act::clip || act.kind == Act::leaky_relu;
}

inline v128_t activate(v128_t v, const Activation& act) {
  switch (act.kind) {
    case Act::relu: return wasm_f32x4_pmax(wasm_f32x4_splat(0.f), v);  // 0 < v ? v : 0
    case Act::clip:
      return wasm_f32x4_pmin(wasm_f32x4_pmax(v, wasm_f32x4_splat(act.lo)), wasm_f32x4_splat(act.hi));
    case Act::leaky_relu:
      return wasm_v128_bitselect(v, wasm_f32x4_mul(v, wasm_f32x4_splat(act.alpha)),
                                 wasm_f32x4_ge(v, wasm_f32x4_splat(0.f)));
    default: return v;
  }
}

// The activations that are not vector ones (sigmoid, tanh), on stored values: one
// out-of-line copy for size (they cost an exp or tanh per value anyway).
QC_SMALL_CODE inline void activate_stored(float* y, int64_t count, const Activation& act) { act.apply(y, count); }

// Stores the first `count` (<= 4) lanes of v at y after the activation: vector kinds
// on the vector, the others per element once stored.
__attribute__((noinline)) inline void store_activated(float* y, v128_t v, int count, const Activation& act) {
  const bool vector_act = activation_is_vector(act);
  if (vector_act) v = activate(v, act);
  if (count == 4) {
    wasm_v128_store(y, v);
  } else {
    alignas(16) float out[4];
    wasm_v128_store(out, v);
    std::memcpy(y, out, static_cast<size_t>(count) * sizeof(float));
  }
  if (!vector_act) activate_stored(y, count, act);
}

// Where and how a tile is stored: C(i, c) -> y[i * row_stride + c] for c < cols,
// plus bias_cols[c] (Gemm: per output channel) or bias_rows[i] (Conv: per output
// channel), then the activation.
struct TileStore {
  float* y = nullptr;
  int64_t row_stride = 0;
  int cols = 0;
  const float* bias_cols = nullptr;  // NP * 8 readable floats, or null
  const float* bias_rows = nullptr;  // MR floats, or null
  Activation act;
};

template <int MR, int NP>
__attribute__((always_inline)) inline void f32_tile_store(const F32Tile<MR, NP>& t, const TileStore& s) {
  const bool vector_act = activation_is_vector(s.act);
  for (int i = 0; i < MR; ++i) {
    float* yr = s.y + i * s.row_stride;
    const v128_t row_bias = wasm_f32x4_splat(s.bias_rows ? s.bias_rows[i] : 0.f);
    alignas(16) float tmp[2 * NP * 4];
    const bool full = s.cols == NP * kTileCols;
    float* out = full ? yr : tmp;
    for (int j = 0; j < 2 * NP; ++j) {
      v128_t v = wasm_f32x4_add(t.acc[i][j], row_bias);
      if (s.bias_cols) v = wasm_f32x4_add(v, wasm_v128_load(s.bias_cols + 4 * j));
      if (vector_act) v = activate(v, s.act);
      wasm_v128_store(out + 4 * j, v);
    }
    if (!full) std::memcpy(yr, tmp, static_cast<size_t>(s.cols) * 4);
    if (!vector_act) activate_stored(yr, s.cols, s.act);
  }
}

}  // namespace qc::simd
