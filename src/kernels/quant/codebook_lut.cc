#include "kernels/quant/codebook_lut.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "schemes/codebook.h"

namespace qc {

void build_codebook_lut_i8(const WeightView& w, CodebookLutI8* out) {
  const CodebookHeader h = load_codebook_header(w.side);
  const int64_t entries = int64_t{1} << h.bits;
  const int64_t tables = w.codebook_per_channel ? w.n : 1;
  out->stride = std::max<int64_t>(16, entries);
  out->lut.assign(static_cast<size_t>(tables * out->stride), 0);
  out->scale.assign(static_cast<size_t>(tables), 0.f);
  float c[256];  // entries <= 2^8; no allocation on every call
  for (int64_t t = 0; t < tables; ++t) {
    std::memcpy(c, codebook_table(w.side, h, w.codebook_per_channel ? w.row0 + t : 0), static_cast<size_t>(entries) * 4);
    float amax = 0;
    for (int64_t i = 0; i < entries; ++i) amax = std::fmax(amax, std::fabs(c[i]));
    if (!(amax > 0) || !std::isfinite(amax)) continue;
    out->scale[t] = amax / 127.f;
    const float inv = 127.f / amax;
    int8_t* lut = out->lut.data() + t * out->stride;
    for (int64_t i = 0; i < entries; ++i)
      lut[i] = static_cast<int8_t>(std::fmin(std::fmax(std::nearbyint(c[i] * inv), -127.f), 127.f));
  }
}

}  // namespace qc
