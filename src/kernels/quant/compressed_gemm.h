// GEMM against a weight kept in its compressed scheme (the runtime never inflates
// compressed weights to f32):
//   y[m * ldy + n] = sum_k x[m * K + k] * W[n, k] (+ bias[n] when bias)
// then the fused activation `act`, for m < M, n < w.n. Activations are
// float, or quantized to int8 per `aq` (weight_view.h). f32 weights run here in
// scheme f32_packed; dense ones (scheme 0) stay in the reference Gemm/Conv kernels.
#pragma once
#include <cstdint>
#include <string>

#include "graph/activation.h"
#include "kernels/quant/weight_view.h"

namespace qc {

void compressed_gemm(const float* x, int64_t M, const WeightView& w, const float* bias, float* y, int64_t ldy,
                     const ActQuant& aq, const Activation& act = {});

// Which kernel implementation runs: the best compiled in (SIMD128 when available),
// or one forced (the tests compare both; `simd` means the reference when SIMD128
// is not compiled in).
enum class QGemmImpl { best, reference, simd };

void compressed_gemm_using(QGemmImpl impl, const float* x, int64_t M, const WeightView& w, const float* bias, float* y,
                           int64_t ldy, const ActQuant& aq, const Activation& act = {});

// Whether the product runs on int8 activation rows (an integer weight scheme with
// int8 activations), so a caller may quantize and lay out those rows itself.
bool runs_on_int8_rows(const WeightView& w, const ActQuant& aq);

// Bytes per int8 activation row for K values: K rounded up to a multiple of 32.
int64_t int8_row_stride(int64_t k);

// compressed_gemm on activation rows already quantized to int8 (a Conv with static
// int8 activations quantizes its input once and unfolds the bytes):
// xq [M][int8_row_stride(w.k)], zero from K on, x ~ xq * x_scale[m]. Given the rows
// compressed_gemm would have quantized, the outputs are the same.
void compressed_gemm_int8_rows(QGemmImpl impl, const int8_t* xq, const float* x_scale, int64_t M, const WeightView& w,
                               const float* bias, float* y, int64_t ldy, const Activation& act = {});

// Fails (naming `where`) when no kernel handles the weight's scheme or, with int8
// activations, when K is so long that an int32 dot product could overflow.
void check_compressed_gemm(const WeightView& w, const ActQuant& aq, const std::string& where);
// The same, naming the node (the name is built only on failure).
void check_compressed_gemm(const WeightView& w, const ActQuant& aq, const Node& node);

}  // namespace qc
