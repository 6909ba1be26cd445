// Helpers shared by the shape functions and reference kernels of src/kernels/ref
// (error helpers op_label, fail_node, dims_text, optional_input: op_checks.h).
// Dims passed to shape functions may hold -1 (known only at run time) and shape
// functions propagate it; kernels always see concrete dims.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "common/error.h"
#include "graph/ir.h"
#include "kernels/ref/op_checks.h"
#include "runtime/tensor.h"

namespace qc {

// Input i, failing when it is missing.
const TensorRef& req_input(const Node& node, const std::vector<const TensorRef*>& in, size_t i);

// Maps axis in [-rank, rank) to [0, rank); fails naming `what` otherwise.
int64_t normalize_axis(const Node& node, int64_t axis, int64_t rank, const char* what = "axis");
// Normalizes each axis and fails on a repeated one.
std::vector<int64_t> normalize_axes(const Node& node, std::vector<int64_t> axes, int64_t rank,
                                    const char* what = "axes");

// Reads the elements of an i64 or i32 tensor of rank 0 or 1 whose value the
// output shape depends on (Reshape's shape, Slice's starts, ...). Fails when the
// value is not known before run time.
std::vector<int64_t> read_int_input(const Node& node, const TensorRef& t, const char* what);

// Product of dims; -1 if any dim is unknown. Fails with shape_overflow past 2^62.
int64_t dims_numel(const Node& node, const std::vector<int64_t>& dims);

// Row-major strides of concrete dims, in elements.
std::vector<int64_t> row_major_strides(const std::vector<int64_t>& dims);

bool dtype_in(DType t, std::initializer_list<DType> allowed);
// Fails with dtype_mismatch when `t` (the dtype of `what`) is not in `allowed`.
void require_dtype(const Node& node, DType t, std::initializer_list<DType> allowed, const char* what);

}  // namespace qc
