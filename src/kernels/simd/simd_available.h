// QC_SIMD128 is 1 when the SIMD128 kernels are compiled in: wasm with -msimd128, or
// natively when SIMDe's wasm_simd128 emulation is on the include path.
#pragma once

#if defined(__wasm_simd128__)
#define QC_SIMD128 1
#elif !defined(__wasm__) && defined(__has_include)
#if __has_include(<simde/wasm/simd128.h>)
#define QC_SIMD128 1
#endif
#endif
#ifndef QC_SIMD128
#define QC_SIMD128 0
#endif
