#include "runtime/plan.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <numeric>
#include <string>

#include "common/checked_math.h"
#include "common/error.h"
#include "kernels/quant/prepared_weight.h"
#include "kernels/simd/op_kernels.h"
#include "runtime/memory_planner.h"
#include "schemes/weight_decode.h"
#include "graph/dims_text.h"

namespace qc {

namespace {

// The kernel of a step with no work: empty outputs, or a view sharing its input's bytes.
void nothing_to_run(const Node&, const std::vector<const TensorRef*>&, const std::vector<TensorRef*>&) {}

constexpr uint64_t kMaxTensorBytes = 1ull << 31;

std::string node_label(const Node& n) { return std::string(op_name(n.op)) + " '" + n.name + "'"; }

size_t checked_bytes(const TensorRef& t, const std::string& what) {
  uint64_t n = 0, bytes = 0;
  if (!checked_product(t.dims, kMaxTensorBytes, &n) || mul_overflows(n, dtype_size(t.dtype), &bytes) ||
      bytes > kMaxTensorBytes)
    fail(Errc::shape_mismatch, what + ": shape " + dims_text(t.dims) + " is negative or too large");
  return static_cast<size_t>(bytes);
}

// Allocates `bytes` for the plan after checking them against the plan's cap (and,
// on 32-bit targets such as wasm32, against what size_t can address).
AlignedBuffer allocate(Plan& p, const PlanOptions& o, uint64_t bytes, const std::string& what) {
  uint64_t total = 0;
  if (add_overflows(p.allocated_bytes, bytes, &total) || total > SIZE_MAX - kTensorAlignment ||
      (o.max_memory_bytes && total > o.max_memory_bytes))
    fail(Errc::out_of_memory, what + ": needs " + std::to_string(bytes) + " more bytes (plan total " +
                                  std::to_string(p.allocated_bytes) + ")" +
                                  (o.max_memory_bytes ? ", above the memory cap of " +
                                                            std::to_string(o.max_memory_bytes) + " bytes"
                                                      : ", more than the address space holds"));
  AlignedBuffer b;
  if (!b.try_resize(static_cast<size_t>(bytes)))
    fail(Errc::out_of_memory, what + ": cannot allocate " + std::to_string(bytes) + " bytes");
  p.allocated_bytes = total;
  return b;
}

void check_input(const Graph& g, size_t i, const TensorRef& t) {
  const Value& v = g.values[g.inputs[i]];
  if (t.dtype != v.dtype)
    fail(Errc::dtype_mismatch, "input '" + v.name + "': expected " + dtype_name(v.dtype) + ", got " +
                                   dtype_name(t.dtype));
  bool ok = t.dims.size() == v.dims.size();
  for (size_t d = 0; ok && d < t.dims.size(); ++d) ok = t.dims[d] >= 0 && (v.dims[d] < 0 || v.dims[d] == t.dims[d]);
  if (!ok)
    fail(Errc::shape_mismatch, "input '" + v.name + "': expected dims " + dims_text(v.dims) + ", got " +
                                   dims_text(t.dims));
}

}  // namespace

bool plan_matches(const Plan& plan, const std::vector<TensorRef>& inputs) {
  if (inputs.size() != plan.input_dims.size()) return false;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].dims != plan.input_dims[i]) return false;
    const auto& v = plan.input_values[i];
    if (!v.empty() && std::memcmp(v.data(), inputs[i].data, v.size()) != 0) return false;
  }
  return true;
}

std::unique_ptr<Plan> build_plan(const Graph& g, const std::vector<TensorRef>& inputs, const PlanOptions& options) {
  if (inputs.size() != g.inputs.size())
    fail(Errc::invalid_argument, "expected " + std::to_string(g.inputs.size()) + " inputs, got " +
                                     std::to_string(inputs.size()));
  auto plan = std::make_unique<Plan>();
  Plan& p = *plan;
  p.tensors.resize(g.values.size());
  p.known.assign(g.values.size(), 0);

  for (size_t v = 0; v < g.values.size(); ++v) {
    const Value& val = g.values[v];
    p.tensors[v].dtype = val.dtype;
    p.tensors[v].dims = val.dims;
    if (val.constant) {
      const ConstData& c = *val.constant;
      p.tensors[v].data = const_cast<uint8_t*>(c.bytes);
      p.tensors[v].scheme = c.scheme;
      p.tensors[v].stored_bytes = c.size;
      p.tensors[v].side = c.side;
      p.tensors[v].side_bytes = c.side_size;
      p.known[v] = 1;
    }
  }

  for (size_t i = 0; i < inputs.size(); ++i) {
    check_input(g, i, inputs[i]);
    const int v = g.inputs[i];
    p.tensors[v].dims = inputs[i].dims;
    p.input_dims.push_back(inputs[i].dims);
    std::vector<uint8_t> value;
    if (inputs[i].dtype != DType::f32) {
      const size_t bytes = checked_bytes(inputs[i], "input '" + g.values[v].name + "'");
      AlignedBuffer buf = allocate(p, options, bytes, "input '" + g.values[v].name + "'");
      if (bytes) std::memcpy(buf.data(), inputs[i].data, bytes);
      value.assign(buf.data(), buf.data() + bytes);
      p.tensors[v].data = buf.data();
      p.known_storage.push_back(std::move(buf));
      p.known[v] = 1;
    }
    p.input_values.push_back(std::move(value));
  }

  // Shapes, plan-time evaluation, and the steps left for run time.
  std::vector<int> producer_step(g.values.size(), -1);
  for (const Node& n : g.nodes) {
    const OpInfo& info = op_info(n.op);
    std::vector<const TensorRef*> in;
    bool all_known = true;
    for (size_t k = 0; k < n.inputs.size(); ++k) {
      const int i = n.inputs[k];
      in.push_back(i >= 0 ? &p.tensors[i] : nullptr);
      if (i >= 0 && !p.known[i]) all_known = false;
      if (i >= 0 && p.tensors[i].scheme != 0 && !(k == 1 && (info.flags & kOpCompressedWeight)))
        fail(Errc::unknown_scheme, node_label(n) + ": input " + std::to_string(k) + " '" + g.values[i].name +
                                       "' is stored compressed (scheme " + std::to_string(p.tensors[i].scheme) +
                                       "), which this op cannot read");
    }
    if (info.flags & kOpDimsOnly) all_known = true;
    std::vector<TensorRef> out(n.outputs.size());
    info.shape(n, in, out);
    for (size_t k = 0; k < out.size(); ++k) {
      TensorRef& t = p.tensors[n.outputs[k]];
      t.dtype = out[k].dtype;
      t.dims = out[k].dims;
      checked_bytes(t, node_label(n) + " output '" + g.values[n.outputs[k]].name + "'");
    }
    std::vector<TensorRef*> outs;
    bool outputs_empty = true;
    for (int o : n.outputs) {
      outs.push_back(&p.tensors[o]);
      const std::vector<int64_t>& d = p.tensors[o].dims;
      outputs_empty = outputs_empty && std::find(d.begin(), d.end(), 0) != d.end();
    }
    // A node whose outputs hold no elements has nothing to compute, and its kernel
    // must not run: an empty tensor's other dims can be huge (Reshape of an empty
    // input to [1, 0, 2^40]), and a kernel looping over them would never end (fuzz_load_run).
    if (all_known) {
      for (TensorRef* t : outs) {
        AlignedBuffer buf = allocate(p, options, t->bytes(), node_label(n));
        t->data = buf.data();
        p.known_storage.push_back(std::move(buf));
      }
      if (!outputs_empty) info.ref_kernel(n, in, outs);
      for (int o : n.outputs) p.known[o] = 1;
    } else {
      for (int o : n.outputs) producer_step[o] = static_cast<int>(p.steps.size());
      const KernelFn simd = simd_op_kernel(n.op);
      const KernelFn kernel = outputs_empty ? nothing_to_run : simd ? simd : info.ref_kernel;
      p.steps.push_back(Step{&n, kernel, std::move(in), std::move(outs)});
    }
  }

  // A graph output that is a constant stored compressed (a weight the graph also
  // returns) is decoded once here: its stored bytes are not `dims` elements of its
  // dtype, so handing them out as the output would read past them (fuzz_load_run).
  // Ops that read it compressed then get the dense copy, which they also accept.
  for (int o : g.outputs) {
    TensorRef& t = p.tensors[o];
    if (!g.values[o].constant || t.scheme == 0) continue;
    const std::vector<float> dense = decode_weight(*g.values[o].constant, t.dtype, t.dims, g.values[o].name);
    AlignedBuffer buf = allocate(p, options, dense.size() * sizeof(float), "output '" + g.values[o].name + "'");
    if (!dense.empty()) std::memcpy(buf.data(), dense.data(), dense.size() * sizeof(float));
    t.data = buf.data();
    t.scheme = 0;
    t.stored_bytes = dense.size() * sizeof(float);
    t.side = nullptr;
    t.side_bytes = 0;
    p.known_storage.push_back(std::move(buf));
  }

  // Prepared data of the compressed weights the steps read (input 1 of a
  // kOpCompressedWeight op). An invalid weight is left alone: its kernel says why.
  for (const Step& step : p.steps) {
    TensorRef* w = step.in.size() > 1 && step.in[1] ? &p.tensors[step.node->inputs[1]] : nullptr;
    WeightView view;
    if (!w || w->prepared || !(op_info(step.node->op).flags & kOpCompressedWeight) || !try_weight_view(*w, &view))
      continue;
    const size_t bytes = prepared_bytes(view);
    if (!bytes) continue;
    AlignedBuffer buf = allocate(p, options, bytes, node_label(*step.node) + " prepared weight");
    prepare_weight(view, buf.data());
    w->prepared = buf.data();
    p.known_storage.push_back(std::move(buf));
  }

  // A view step's output (kOpView) shares the buffer of its input's root (the value
  // that owns the bytes) for as long as either is used, and the step runs no kernel.
  const int end = static_cast<int>(p.steps.size());
  std::vector<int> root(g.values.size());
  std::iota(root.begin(), root.end(), 0);
  for (int s = 0; s < end; ++s) {
    const Node& n = *p.steps[s].node;
    const int in = n.inputs[0], out = n.outputs[0];
    if (!(op_info(n.op).flags & kOpView) || in < 0 || p.known[in] || p.tensors[in].bytes() != p.tensors[out].bytes())
      continue;
    root[out] = root[in];
    p.steps[s].kernel = nothing_to_run;  // nothing to copy
  }

  // Lifetimes -> arena offsets.
  std::vector<int> last_use(g.values.size(), -2);
  for (int s = 0; s < end; ++s)
    for (int i : p.steps[s].node->inputs)
      if (i >= 0) last_use[root[i]] = s;
  for (int o : g.outputs) last_use[root[o]] = end;
  MemoryPlanner planner;
  std::vector<int> buffer_of(g.values.size(), -1);
  for (size_t v = 0; v < g.values.size(); ++v) {
    if (p.known[v] || root[v] != static_cast<int>(v)) continue;
    const bool is_input = producer_step[v] < 0;
    if (!is_input && last_use[v] == -2) last_use[v] = producer_step[v];  // produced, never read
    if (is_input && last_use[v] == -2) last_use[v] = 0;
    buffer_of[v] = planner.add_buffer(p.tensors[v].bytes(), is_input ? -1 : producer_step[v], last_use[v]);
  }
  const uint64_t arena_bytes = planner.plan(kTensorAlignment);
  p.arena = allocate(p, options, arena_bytes, "activation arena");
  for (size_t v = 0; v < g.values.size(); ++v)
    if (!p.known[v] && buffer_of[root[v]] >= 0) p.tensors[v].data = p.arena.data() + planner.offset(buffer_of[root[v]]);
  return plan;
}

}  // namespace qc
