// The converter's graph passes (one file each) and the registry that builds a
// PassManager from a spec such as "constant_folding,dead_code".
#pragma once
#include <string>
#include <vector>

#include "passes/pass.h"

namespace qc {

// Runs nodes whose inputs are all constants (and Shape of statically shaped values)
// with their reference kernels and replaces them by constant outputs.
bool fold_constants(Graph& g);
// Folds BatchNormalization into the preceding Conv or Gemm (weights and bias).
bool fold_batch_norm(Graph& g);
// Turns Relu / Clip / LeakyRelu / Sigmoid / Tanh after Conv or Gemm into fused act attrs.
bool fuse_activations(Graph& g);
// Removes Identity nodes (renaming the producer's output to keep graph output names).
bool eliminate_identity(Graph& g);
// Removes nodes whose outputs are unused, then unused values and constants.
bool eliminate_dead_code(Graph& g);
// Gemm/MatMul with a constant 2-D weight -> Gemm with W[N, K], transB=1, alpha=1
// (the form quantize_weights compresses). Not in the default spec.
bool canonicalize_gemm(Graph& g);
// Dense f32 Gemm/Conv weights -> scheme f32_packed (the f32 GEMM kernels' panel
// layout); canonicalizes Gemm first. Not in the default spec: `qcomp convert` and
// `sweep` run it last unless --f32-layout dense.
bool pack_f32_weights(Graph& g);

// "constant_folding,eliminate_identity,fold_batch_norm,fuse_activation,dead_code"
extern const char* const kDefaultPassSpec;

std::vector<std::string> pass_names();
// Throws Errc::invalid_argument naming an unknown pass and listing the known ones.
std::unique_ptr<Pass> make_pass(const std::string& name);
// Comma-separated pass names; "default" stands for kDefaultPassSpec, "" for no pass.
PassManager make_pass_manager(const std::string& spec);

}  // namespace qc
