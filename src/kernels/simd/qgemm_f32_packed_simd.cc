// SIMD128 GEMM on an f32_packed weight (schemes/f32_packed.h): the weight's panels
// are read in place as the B operand of the f32 microkernel (f32_gemm_tile.h), the
// activation rows as A. Panels go in groups of 4 (32 output channels); each group is
// reused by every tile of activation rows while it is in L1. Tiles: 4 rows x 1
// panel; 1 row x 4 panels (batch 1: four weight streams share each splat, eight
// independent sums hide the add latency); 2 x 2; 3 x 1.
#include <algorithm>
#include <vector>

#include "kernels/simd/f32_gemm_tile.h"
#include "kernels/simd/qgemm_simd.h"
#include "schemes/f32_packed.h"

#if QC_SIMD128
namespace qc {

namespace {

using namespace simd;

constexpr int64_t kPanelFloats = kF32PanelWidth;
static_assert(kPanelFloats == kTileCols);
constexpr int kGroupPanels = 4;

struct PackedGemm {
  const QGemmArgs* a;
  const float* panels;  // panel 0 of the view
  const float* bias;    // padded to whole panels, or null
  int64_t K, N;
};

template <int MR, int NP>
void run_tile(const PackedGemm& g, int64_t m0, int64_t p0) {
  const QGemmArgs& a = *g.a;
  const float* rows[MR];
  for (int i = 0; i < MR; ++i) rows[i] = a.x + (m0 + i) * g.K;
  F32Tile<MR, NP> t;
  f32_tile_accumulate<MR, NP, 1>(rows, PanelB{g.panels + p0 * g.K * kPanelFloats, g.K * kPanelFloats}, g.K, t);
  TileStore s;
  s.y = a.y + m0 * a.ldy + p0 * kPanelFloats;
  s.row_stride = a.ldy;
  s.cols = static_cast<int>(std::min<int64_t>(NP * kPanelFloats, g.N - p0 * kPanelFloats));
  s.bias_cols = g.bias ? g.bias + p0 * kPanelFloats : nullptr;
  s.act = a.act;
  f32_tile_store(t, s);
}

// Rows [m0, m0 + mr) against panels [p0, p0 + np), mr <= 4, np <= kGroupPanels.
void run_rows(const PackedGemm& g, int64_t m0, int mr, int64_t p0, int np) {
  int64_t p = p0;
  const int64_t end = p0 + np;
  switch (mr) {
    case 4:
      for (; p < end; ++p) run_tile<4, 1>(g, m0, p);
      return;
    case 3:
      for (; p < end; ++p) run_tile<3, 1>(g, m0, p);
      return;
    case 2:
      for (; p + 2 <= end; p += 2) run_tile<2, 2>(g, m0, p);
      for (; p < end; ++p) run_tile<2, 1>(g, m0, p);
      return;
    default:
      for (; p + 4 <= end; p += 4) run_tile<1, 4>(g, m0, p);
      for (; p + 2 <= end; p += 2) run_tile<1, 2>(g, m0, p);
      for (; p < end; ++p) run_tile<1, 1>(g, m0, p);
  }
}

// The view's panels: in place when it starts on a panel boundary (always, except
// for a Conv group that starts inside a panel), else a repacked copy.
const float* view_panels(const WeightView& w) {
  const auto* payload = reinterpret_cast<const float*>(w.payload);
  if (w.row0 % kPanelFloats == 0) return payload + (w.row0 / kPanelFloats) * w.k * kPanelFloats;
  thread_local std::vector<float> copy;
  copy.assign(static_cast<size_t>(f32_panel_count(w.n) * kPanelFloats * w.k), 0.f);
  for (int64_t r = 0; r < w.n; ++r) {
    const float* src = payload + f32_packed_row_offset(w.k, w.row0 + r);
    float* dst = copy.data() + f32_packed_row_offset(w.k, r);
    for (int64_t k = 0; k < w.k; ++k) dst[k * kPanelFloats] = src[k * kPanelFloats];
  }
  return copy.data();
}

}  // namespace

void qgemm_f32_packed_f32_simd(const QGemmArgs& a) {
  const WeightView& w = *a.w;
  PackedGemm g{&a, view_panels(w), nullptr, w.k, w.n};
  const int64_t panels = f32_panel_count(w.n);
  thread_local std::vector<float> bias;
  if (a.bias) {
    bias.assign(static_cast<size_t>(panels * kPanelFloats), 0.f);
    std::copy(a.bias, a.bias + w.n, bias.begin());
    g.bias = bias.data();
  }
  for (int64_t p0 = 0; p0 < panels; p0 += kGroupPanels) {
    const int np = static_cast<int>(std::min<int64_t>(kGroupPanels, panels - p0));
    for (int64_t m0 = 0; m0 < a.m; m0 += 4) run_rows(g, m0, static_cast<int>(std::min<int64_t>(4, a.m - m0)), p0, np);
  }
}

}  // namespace qc
#endif
