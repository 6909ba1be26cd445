#include "kernels/quant/prepared_weight.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "common/scratch.h"
#include "schemes/q4_block.h"
#include "schemes/scheme_table.h"

namespace qc {

size_t prepared_group_floats(const WeightView& w) {
  const size_t per_block = w.scheme == static_cast<uint16_t>(SchemeId::q4_block)       ? 4
                           : w.scheme == static_cast<uint16_t>(SchemeId::q4_block_min) ? 8
                                                                                        : 0;
  return per_block * static_cast<size_t>(q4_blocks_per_row(w.k));
}

void prepare_weight(const WeightView& w, float* out) {
  const size_t group = prepared_group_floats(w);
  if (!group) return;
  const int64_t blocks = q4_blocks_per_row(w.k);
  const bool with_min = w.scheme == static_cast<uint16_t>(SchemeId::q4_block_min);
  const size_t block_bytes = with_min ? sizeof(BlockQ4Min) : sizeof(BlockQ4);
  const int per_block = with_min ? 8 : 4;
  for (int64_t g = 0; g < (w.n + 3) / 4; ++g)
    for (int r = 0; r < 4; ++r) {
      const uint8_t* row = w.row(std::min(4 * g + r, w.n - 1));
      for (int64_t b = 0; b < blocks; ++b) {
        uint16_t h[2];
        std::memcpy(h, row + b * block_bytes, with_min ? 4 : 2);  // d, then m: the block's first fields
        float* at = out + g * group + b * per_block + r;
        at[0] = f16_to_f32(h[0]);
        if (with_min) at[4] = f16_to_f32(h[1]);
      }
    }
}

const float* prepared_groups(const WeightView& w) {
  if (w.prepared && w.row0 % 4 == 0) return w.prepared + (w.row0 / 4) * prepared_group_floats(w);
  thread_local std::vector<float> groups;
  float* out = scratch(groups, prepared_floats(w));
  prepare_weight(w, out);
  return out;
}

}  // namespace qc
