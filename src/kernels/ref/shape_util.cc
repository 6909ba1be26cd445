#include "kernels/ref/shape_util.h"

#include <algorithm>

#include "common/checked_math.h"
#include "graph/op_table.h"

namespace qc {

const TensorRef& req_input(const Node& node, const std::vector<const TensorRef*>& in, size_t i) {
  const TensorRef* t = optional_input(in, i);
  if (!t) fail_node(node, Errc::shape_mismatch, "input " + std::to_string(i) + " is required");
  return *t;
}

int64_t normalize_axis(const Node& node, int64_t axis, int64_t rank, const char* what) {
  if (axis < -rank || axis >= rank)
    fail_node(node, Errc::shape_mismatch,
            std::string(what) + " " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> normalize_axes(const Node& node, std::vector<int64_t> axes, int64_t rank, const char* what) {
  for (auto& a : axes) a = normalize_axis(node, a, rank, what);
  std::vector<int64_t> sorted = axes;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    fail_node(node, Errc::shape_mismatch, std::string(what) + " " + dims_text(axes) + " repeat an axis");
  return axes;
}

std::vector<int64_t> read_int_input(const Node& node, const TensorRef& t, const char* what) {
  if (t.dtype != DType::i64 && t.dtype != DType::i32)
    fail_node(node, Errc::dtype_mismatch, std::string(what) + " must be int64 or int32, got " + dtype_name(t.dtype));
  if (t.dims.size() > 1)
    fail_node(node, Errc::shape_mismatch, std::string(what) + " must be 1-D, got dims " + dims_text(t.dims));
  for (int64_t d : t.dims)
    if (d < 0) fail_node(node, Errc::shape_mismatch, std::string(what) + " must be known before run time");
  const int64_t n = t.numel();
  if (n == 0) return {};  // an empty value is known from its dims alone
  if (!t.data) fail_node(node, Errc::shape_mismatch, std::string(what) + " must be known before run time");
  std::vector<int64_t> v(static_cast<size_t>(n));
  if (t.dtype == DType::i64)
    std::copy(t.as<const int64_t>(), t.as<const int64_t>() + n, v.begin());
  else
    std::copy(t.as<const int32_t>(), t.as<const int32_t>() + n, v.begin());
  return v;
}

int64_t dims_numel(const Node& node, const std::vector<int64_t>& dims) {
  if (std::any_of(dims.begin(), dims.end(), [](int64_t d) { return d < 0; })) return -1;
  uint64_t n = 0;
  if (!checked_product(dims, uint64_t{1} << 62, &n))
    fail_node(node, Errc::shape_overflow, "element count of dims " + dims_text(dims) + " overflows");
  return static_cast<int64_t>(n);
}

std::vector<int64_t> row_major_strides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> s(dims.size());
  int64_t acc = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    s[i] = acc;
    acc *= dims[i];
  }
  return s;
}

bool dtype_in(DType t, std::initializer_list<DType> allowed) {
  return std::find(allowed.begin(), allowed.end(), t) != allowed.end();
}

void require_dtype(const Node& node, DType t, std::initializer_list<DType> allowed, const char* what) {
  if (dtype_in(t, allowed)) return;
  std::string list;
  for (DType a : allowed) list += std::string(list.empty() ? "" : ", ") + dtype_name(a);
  fail_node(node, Errc::dtype_mismatch,
          std::string(what) + " has dtype " + dtype_name(t) + "; supported: " + list);
}

}  // namespace qc
