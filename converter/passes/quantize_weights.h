// quantize_weights: replaces the weight (input 1) of Gemm and Conv nodes by its
// encoding in a compressed scheme and sets the nodes' activation attrs
// (x_quant 0 float / 1 dynamic int8 / 2 static int8 with x_scale).
// Run canonicalize_gemm first: a Gemm weight is compressible only as W[N, K] with
// transB=1 and alpha=1.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "graph/ir.h"
#include "passes/quant_spec.h"
#include "schemes/kmeans.h"

namespace qc {

// One compressible weight and the nodes reading it (as input 1).
struct QuantLayer {
  int weight = -1;          // value index of the dense f32 constant
  std::vector<int> nodes;   // Gemm (transB=1, alpha=1) or 2-D Conv nodes
  std::string tensor;       // weight value name
  std::string node;         // name of the first node
  std::vector<int64_t> dims;
  int64_t n = 0, k = 0;     // W[N, K]
  uint64_t elements = 0;
  uint64_t dense_bytes = 0;
};

// In graph order. A weight also read by any other op, or a graph output, is skipped.
std::vector<QuantLayer> find_quantizable_layers(const Graph& g);

// Defaults: one table per tensor (per-channel tables cost 2^bits * 4 bytes per
// output channel, which breaks the size target of 4-bit codebooks on the fixture
// models), k-means++ seeding (post-training, without retraining, it fits the small
// sensitive first layers markedly better than linear init: LeNet-5 cb4 drops 0.0 pp
// instead of 1.0 pp on the 10k test set) and Lloyd iterations to convergence.
struct CodebookOptions {
  bool per_channel = false;
  CodebookInit init = CodebookInit::kmeans_pp;
  int max_iters = 1000;
  uint64_t seed = 1;
};

// Encodes each (layer, scheme) at most once and keeps the result, so searches and
// sweeps that try a scheme many times pay for it once. The layers' dense weights
// are read from `g` at construction; `g` need not outlive the encoder.
class WeightEncodingCache {
 public:
  WeightEncodingCache(const Graph& g, std::vector<QuantLayer> layers, CodebookOptions codebook, bool progress = true);

  const std::vector<QuantLayer>& layers() const { return layers_; }
  const CodebookOptions& codebook() const { return codebook_; }
  // f32 returns the original dense constant.
  const ConstData& encoded(size_t layer, const WeightScheme& s);
  // Stored bytes (payload + side data) of the layer in the scheme.
  uint64_t bytes(size_t layer, const WeightScheme& s) { return stored_bytes(encoded(layer, s)); }

  static uint64_t stored_bytes(const ConstData& c) { return c.size + c.side_size; }

 private:
  std::vector<QuantLayer> layers_;
  std::vector<std::vector<float>> dense_;
  std::vector<ConstData> original_;
  CodebookOptions codebook_;
  bool progress_;
  std::map<std::pair<size_t, std::string>, ConstData> cache_;
};

// How a layer runs: its weight scheme and activation handling. `static_scale` is
// the calibrated activation scale (used with ActivationMode::static_i8).
struct LayerQuant {
  WeightScheme weights;
  ActivationMode activations = ActivationMode::standard;
  float static_scale = 0;
};

// Rewrites `g` (the graph the cache's layers were found in, or a copy of it):
// layer i's weight becomes the cached encoding of plan[i].weights and its nodes get
// x_quant (and x_scale) attrs; f32 restores the dense weight and clears the attrs.
// f16 weights always run with float activations. Errc::invalid_argument when a
// static scale is missing (not positive and finite).
void apply_layer_quant(Graph& g, WeightEncodingCache& cache, const std::vector<LayerQuant>& plan);

// The x_quant value apply_layer_quant writes for a scheme and activation mode.
int x_quant_for(const WeightScheme& w, ActivationMode a);

}  // namespace qc
