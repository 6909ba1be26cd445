// A compressed Gemm/Conv weight as the quantized GEMM kernels read it: the matrix
// W[N, K] (N = dims[0], K = product of the other dims, schemes/weight_matrix.h),
// still in its stored scheme, plus how the node's activations are quantized.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "graph/ir.h"
#include "runtime/tensor.h"

namespace qc {

struct WeightView {
  uint16_t scheme = 0;
  int64_t n = 0, k = 0;
  const uint8_t* payload = nullptr;
  size_t payload_bytes = 0;
  const uint8_t* side = nullptr;
  size_t side_bytes = 0;
  // The view covers stored rows [row0, row0 + n) (a Conv group's output channels);
  // payload and side always describe the whole stored tensor.
  int64_t row0 = 0;
  size_t row_bytes = 0;  // payload bytes of one stored row
  const void* prepared = nullptr;  // of the whole stored tensor: prepared_weight.h
  // codebook only, from the side-data header.
  int codebook_bits = 0;
  bool codebook_per_channel = false;

  const uint8_t* row(int64_t r) const { return payload + static_cast<size_t>(row0 + r) * row_bytes; }
};

// Checks the stored sizes against the scheme's layout: Errc::unknown_scheme for an
// unknown scheme, Errc::bad_tensor_record for a dense tensor, a rank < 2 shape or
// sizes that disagree; `where` names the tensor in messages.
WeightView weight_view(const TensorRef& w, const std::string& where = "compressed weight");
// The same, naming the weight "<Op> '<node>' <what>" (built only on failure).
WeightView weight_view(const TensorRef& w, const Node& node, const char* what);

// The same without an error: false when `w` is not a valid compressed weight. No
// strings are built (this runs for every Gemm/Conv with a stored weight on every run).
bool try_weight_view(const TensorRef& t, WeightView* w);

// Rows [first, first + count) of `w` (caller keeps them inside the view).
WeightView weight_rows(const WeightView& w, int64_t first, int64_t count);

// Activation handling of a node with a compressed weight (attrs x_quant, x_scale):
//   0 float activations, 1 dynamic int8 (scale max|x|/127 per activation row of a
//   Gemm, per (image, group) input plane of a Conv),
//   2 static int8 (scale `static_scale` from calibration, values clamp to +-127).
// Default: 0 for f16, f32_packed (and dense), 1 for the integer schemes.
enum ActQuantMode : int { kActF32 = 0, kActDynamicI8 = 1, kActStaticI8 = 2 };

struct ActQuant {
  int mode = kActF32;
  float static_scale = 0;
};

// Weights stored as floats (dense, f16, f32_packed): their kernels take float
// activations, which are also the default (int8 rounding only when x_quant asks).
bool float_weight_scheme(uint16_t scheme);

// Errc::invalid_model naming the node for an x_quant outside 0..2 or a static
// x_scale that is not positive and finite.
ActQuant act_quant_from(const Node& node, uint16_t scheme);

}  // namespace qc
