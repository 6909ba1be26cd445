// Random compressed weights (any byte pattern is a valid encoding, so payloads are
// random bytes with finite scales/centroids) and helpers for the quantized GEMM
// tests.
#pragma once
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/quant/weight_view.h"
#include "runtime/tensor.h"
#include "schemes/codebook.h"
#include "schemes/f16.h"
#include "schemes/f32_packed.h"
#include "schemes/q4_block.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_decode.h"

namespace qc::test {

struct StoredWeight {
  uint16_t scheme = 0;
  std::vector<int64_t> dims;
  std::vector<uint8_t> payload, side;

  TensorRef ref() const {
    TensorRef t{DType::f32, dims, const_cast<uint8_t*>(payload.data())};
    t.scheme = scheme;
    t.stored_bytes = payload.size();
    t.side = side.empty() ? nullptr : side.data();
    t.side_bytes = side.size();
    return t;
  }
  WeightView view() const { return weight_view(ref(), "test weight"); }
  // Row r of the stored tensor decoded to f32 by the scheme's decoder.
  std::vector<float> row(int64_t r) const {
    std::vector<float> out(static_cast<size_t>(dims[1]));
    decode_weight_row(scheme, payload.data(), side.data(), dims[1], r, out.data());
    return out;
  }
};

inline void put_f32(std::vector<uint8_t>& v, float f) {
  uint8_t b[4];
  std::memcpy(b, &f, 4);
  v.insert(v.end(), b, b + 4);
}

inline void put_f16(uint8_t* p, float f) {
  const uint16_t h = f32_to_f16(f);
  std::memcpy(p, &h, 2);
}

// codebook_bits / per_channel only for the codebook scheme.
inline StoredWeight random_weight(std::mt19937& rng, SchemeId scheme, int64_t n, int64_t k, int codebook_bits = 4,
                                  bool per_channel = false) {
  std::uniform_real_distribution<float> unit(-1.f, 1.f);
  std::uniform_int_distribution<int> byte(0, 255);
  StoredWeight w;
  w.scheme = static_cast<uint16_t>(scheme);
  w.dims = {n, k};
  auto random_bytes = [&](size_t count) {
    std::vector<uint8_t> v(count);
    for (auto& b : v) b = static_cast<uint8_t>(byte(rng));
    return v;
  };
  switch (scheme) {
    case SchemeId::f16:
      w.payload.resize(static_cast<size_t>(2 * n * k));
      for (int64_t i = 0; i < n * k; ++i) put_f16(&w.payload[2 * i], unit(rng) * (i % 7 == 0 ? 40.f : 1.f));
      break;
    case SchemeId::f32_packed: {
      w.payload.assign(static_cast<size_t>(f32_panel_count(n) * kF32PanelWidth * k * 4), 0);
      for (int64_t r = 0; r < n; ++r)
        for (int64_t i = 0; i < k; ++i) {
          const float f = unit(rng);
          std::memcpy(&w.payload[4 * (f32_packed_row_offset(k, r) + i * kF32PanelWidth)], &f, 4);
        }
      break;
    }
    case SchemeId::i8_channel:
      w.payload = random_bytes(static_cast<size_t>(n * k));
      for (int64_t r = 0; r < n; ++r) put_f32(w.side, r % 5 == 3 ? 0.f : 0.001f + 0.05f * std::abs(unit(rng)));
      break;
    case SchemeId::q4_block:
    case SchemeId::q4_block_min: {
      const bool with_min = scheme == SchemeId::q4_block_min;
      const size_t block = with_min ? sizeof(BlockQ4Min) : sizeof(BlockQ4);
      w.payload = random_bytes(static_cast<size_t>(n * q4_blocks_per_row(k)) * block);
      for (size_t b = 0; b < w.payload.size(); b += block) {
        put_f16(&w.payload[b], 0.1f * unit(rng));
        if (with_min) put_f16(&w.payload[b + 2], 0.5f * unit(rng));
      }
      break;
    }
    case SchemeId::codebook: {
      const int64_t entries = int64_t{1} << codebook_bits;
      w.side = {static_cast<uint8_t>(codebook_bits), static_cast<uint8_t>(per_channel), 0, 0, 0, 0, 0, 0};
      for (int64_t i = 0; i < (per_channel ? n : 1) * entries; ++i) put_f32(w.side, 0.3f * unit(rng));
      w.payload = random_bytes(static_cast<size_t>(n * codebook_row_bytes(static_cast<uint64_t>(k), codebook_bits)));
      break;
    }
    default:
      break;
  }
  return w;
}

inline std::vector<float> random_floats(std::mt19937& rng, size_t count, float scale = 1.f) {
  std::uniform_real_distribution<float> unit(-1.f, 1.f);
  std::vector<float> v(count);
  for (auto& f : v) f = scale * unit(rng);
  return v;
}

}  // namespace qc::test
