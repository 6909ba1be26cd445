#include "kernels/quant/prepared_weight.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "common/scratch.h"
#include "schemes/codebook.h"
#include "schemes/q4_block.h"
#include "schemes/scheme_table.h"

namespace qc {

namespace {

bool is_scheme(const WeightView& w, SchemeId id) { return w.scheme == static_cast<uint16_t>(id); }

size_t q4_group_floats(const WeightView& w) {
  const size_t per_block = is_scheme(w, SchemeId::q4_block) ? 4 : is_scheme(w, SchemeId::q4_block_min) ? 8 : 0;
  return per_block * static_cast<size_t>(q4_blocks_per_row(w.k));
}

bool widened_codebook(const WeightView& w) { return is_scheme(w, SchemeId::codebook) && w.codebook_bits < 4; }

size_t codebook4_row_bytes(const WeightView& w) { return static_cast<size_t>((w.k + 1) / 2); }

void prepare_q4(const WeightView& w, float* out) {
  const size_t group = q4_group_floats(w);
  const int64_t blocks = q4_blocks_per_row(w.k);
  const bool with_min = is_scheme(w, SchemeId::q4_block_min);
  const size_t block_bytes = with_min ? sizeof(BlockQ4Min) : sizeof(BlockQ4);
  const int per_block = with_min ? 8 : 4;
  for (int64_t g = 0; g < (w.n + 3) / 4; ++g)
    for (int r = 0; r < 4; ++r) {
      const uint8_t* row = w.row(std::min(4 * g + r, w.n - 1));
      for (int64_t b = 0; b < blocks; ++b) {
        float* at = out + g * group + b * per_block + r;
        if (with_min) {
          const BlockQ4Min block = load_block_q4_min(row + b * block_bytes);
          at[0] = f16_to_f32(block.d);
          at[4] = f16_to_f32(block.m);
        } else {
          at[0] = f16_to_f32(load_block_q4(row + b * block_bytes).d);
        }
      }
    }
}

void prepare_codebook4(const WeightView& w, uint8_t* out) {
  const size_t row_bytes = codebook4_row_bytes(w);
  std::memset(out, 0, row_bytes * static_cast<size_t>(w.n));
  for (int64_t r = 0; r < w.n; ++r)
    for (int64_t i = 0; i < w.k; ++i)
      out[r * row_bytes + i / 2] |= static_cast<uint8_t>(
          codebook_index(w.row(r), w.row_bytes, static_cast<uint64_t>(i), w.codebook_bits) << (4 * (i & 1)));
}

}  // namespace

size_t prepared_bytes(const WeightView& w) {
  if (widened_codebook(w)) return codebook4_row_bytes(w) * static_cast<size_t>(w.n);
  return static_cast<size_t>((w.n + 3) / 4) * q4_group_floats(w) * sizeof(float);
}

void prepare_weight(const WeightView& w, void* out) {
  if (widened_codebook(w))
    prepare_codebook4(w, static_cast<uint8_t*>(out));
  else if (q4_group_floats(w))
    prepare_q4(w, static_cast<float*>(out));
}

const float* prepared_groups(const WeightView& w) {
  if (w.prepared && w.row0 % 4 == 0) return static_cast<const float*>(w.prepared) + (w.row0 / 4) * q4_group_floats(w);
  thread_local std::vector<float> groups;
  float* out = scratch(groups, prepared_bytes(w) / sizeof(float));
  prepare_q4(w, out);
  return out;
}

WeightView prepared_codebook4_view(const WeightView& w) {
  if (!w.prepared || !widened_codebook(w) || !w.row_bytes) return w;
  WeightView v = w;
  v.payload = static_cast<const uint8_t*>(w.prepared);
  v.row_bytes = codebook4_row_bytes(w);
  v.payload_bytes = w.payload_bytes / w.row_bytes * v.row_bytes;
  v.codebook_bits = 4;
  return v;
}

}  // namespace qc
