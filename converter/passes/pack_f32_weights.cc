// pack_f32_weights: stores every dense f32 weight that a Gemm (transB=1, alpha=1) or
// 2-D Conv reads as input 1 in scheme f32_packed, the panel layout of the f32 GEMM
// microkernels, so the runtime reads it in place. Runs canonicalize_gemm first
// (Gemm/MatMul weights become W[N, K]). A weight also read by another op, or a graph
// output, stays dense (find_quantizable_layers decides, as for quantization).
#include "passes/builtin_passes.h"
#include "passes/graph_edit.h"
#include "passes/quantize_weights.h"
#include "schemes/weight_encoders.h"

namespace qc {

bool pack_f32_weights(Graph& g) {
  bool changed = canonicalize_gemm(g);
  for (const QuantLayer& l : find_quantizable_layers(g)) {
    Value& v = g.values[l.weight];
    const std::vector<float> w = read_f32_constant(v);
    v.constant = encode_f32_packed(w.data(), v.dims);
    changed = true;
  }
  return changed;
}

}  // namespace qc
