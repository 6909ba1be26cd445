#include "passes/graph_edit.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "common/error.h"

namespace qc {

std::vector<int> count_consumers(const Graph& g) {
  std::vector<int> n(g.values.size(), 0);
  for (const auto& node : g.nodes)
    for (int i : node.inputs)
      if (i >= 0) ++n[i];
  return n;
}

bool is_graph_output(const Graph& g, int value) {
  return std::find(g.outputs.begin(), g.outputs.end(), value) != g.outputs.end();
}

bool is_graph_input(const Graph& g, int value) {
  return std::find(g.inputs.begin(), g.inputs.end(), value) != g.inputs.end();
}

bool has_single_consumer(const Graph& g, const std::vector<int>& consumers, int value) {
  return consumers[value] == 1 && !is_graph_output(g, value);
}

void replace_node_uses(Graph& g, int from, int to) {
  for (auto& node : g.nodes)
    for (int& i : node.inputs)
      if (i == from) i = to;
}

void erase_nodes(Graph& g, const std::vector<char>& dead) {
  std::vector<Node> kept;
  kept.reserve(g.nodes.size());
  for (size_t k = 0; k < g.nodes.size(); ++k)
    if (!dead[k]) kept.push_back(std::move(g.nodes[k]));
  g.nodes = std::move(kept);
}

std::string unique_value_name(const Graph& g, const std::string& base) {
  std::unordered_set<std::string> names;
  for (const auto& v : g.values) names.insert(v.name);
  if (!names.count(base)) return base;
  for (int k = 1;; ++k) {
    std::string candidate = base + "_" + std::to_string(k);
    if (!names.count(candidate)) return candidate;
  }
}

bool is_dense_constant(const Value& v) { return v.constant && v.constant->scheme == 0; }

bool is_dense_f32_constant(const Value& v) { return is_dense_constant(v) && v.dtype == DType::f32; }

std::vector<float> read_f32_constant(const Value& v) {
  if (!is_dense_f32_constant(v) || v.constant->size % 4 != 0)
    fail(Errc::internal, "value '" + v.name + "' is not a dense f32 constant");
  std::vector<float> out(v.constant->size / 4);
  if (!out.empty()) std::memcpy(out.data(), v.constant->bytes, v.constant->size);
  return out;
}

bool read_scalar_constant(const Value& v, float* out) {
  if (!is_dense_constant(v) || v.constant->size != dtype_size(v.dtype)) return false;
  const uint8_t* p = v.constant->bytes;
  switch (v.dtype) {
    case DType::f32: { float f; std::memcpy(&f, p, 4); *out = f; return true; }
    case DType::i64: { int64_t x; std::memcpy(&x, p, 8); *out = static_cast<float>(x); return true; }
    case DType::i32: { int32_t x; std::memcpy(&x, p, 4); *out = static_cast<float>(x); return true; }
    case DType::i8: *out = static_cast<int8_t>(*p); return true;
    case DType::u8: *out = *p; return true;
    default: return false;
  }
}

int add_f32_constant(Graph& g, const std::string& base_name, std::vector<int64_t> dims, const std::vector<float>& data) {
  Value v;
  v.name = unique_value_name(g, base_name);
  v.dtype = DType::f32;
  v.dims = std::move(dims);
  std::vector<uint8_t> bytes(data.size() * 4);
  if (!data.empty()) std::memcpy(bytes.data(), data.data(), bytes.size());
  v.constant = ConstData::owned(std::move(bytes));
  return g.add_value(std::move(v));
}

}  // namespace qc
