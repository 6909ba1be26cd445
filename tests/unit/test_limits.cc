// Limits: counts that declare more than their section holds, the plan memory cap,
// and arena offsets that must not wrap a 32-bit size_t (wasm32).
#include <catch2/catch.hpp>

#include "format/bundle.h"
#include "runtime/memory_planner.h"
#include "runtime/plan.h"
#include "runtime/session.h"
#include "schemes/weight_decode.h"
#include "schemes/weight_encoders.h"
#include "scheme_test_util.h"
#include "test_format_util.h"

using namespace qc;
using namespace qc::test;
using bundle::SectionKind;

namespace {

std::vector<uint8_t> sample_file() { return write_bundle(sample_graph(), kSampleMeta); }

Node make_node(OpId op, const std::string& name, std::vector<int> inputs, std::vector<int> outputs) {
  Node n;
  n.op = op;
  n.name = name;
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  return n;
}

// x[N,4] -> Add(b) -> Relu -> y
Graph runnable_graph() {
  Graph g;
  const int x = add_act(g, "x", DType::f32, {-1, 4});
  const int b = add_const(g, "b", DType::f32, {4}, raw_bytes(std::vector<float>{1, -2, 0.5f, 0}));
  const int s = add_act(g, "s", DType::f32, {-1, 4});
  const int y = add_act(g, "y", DType::f32, {-1, 4});
  g.nodes.push_back(make_node(OpId::Add, "add", {x, b}, {s}));
  g.nodes.push_back(make_node(OpId::Relu, "relu", {s}, {y}));
  g.inputs = {x};
  g.outputs = {y};
  return g;
}

Errc run_code(Session& s, std::vector<float>& x, int64_t batch, std::string* msg = nullptr) {
  TensorRef in{DType::f32, {batch, 4}, x.data()};
  try {
    s.run({in});
    return Errc::ok;
  } catch (const Error& e) {
    if (msg) *msg = e.what();
    return e.code();
  }
}

}  // namespace

TEST_CASE("limits: counts that declare more than the section holds are rejected before allocation") {
  std::string msg;
  // GRAPH: value_count (right after the graph name) far past the section, below and above max_values.
  for (uint32_t count : {uint32_t{1u << 20}, uint32_t{0xFFFFFFFFu}}) {
    auto f = sample_file();
    const auto graph = entry_of(f, SectionKind::graph);
    const uint32_t name_len = peek<uint32_t>(f, graph.offset);
    poke<uint32_t>(f, graph.offset + 4 + name_len, count);
    reseal(f);
    const Errc code = read_code(f, &msg);
    CHECK((code == Errc::bad_graph || code == Errc::limit_exceeded));
  }
  // TENSORS: record_count.
  for (uint32_t count : {uint32_t{1000}, uint32_t{1u << 20}, uint32_t{0xFFFFFFFFu}}) {
    auto f = sample_file();
    poke<uint32_t>(f, entry_of(f, SectionKind::tensors).offset, count);
    reseal(f);
    const Errc code = read_code(f, &msg);
    CHECK((code == Errc::bad_tensor_record || code == Errc::limit_exceeded || code == Errc::bad_section));
  }
  // A section whose size runs past the end of the file.
  {
    auto f = sample_file();
    auto e = entry_of(f, SectionKind::data);
    e.size = f.size();
    set_entry(f, SectionKind::data, e);  // the range is checked before any checksum: no reseal
    CHECK(read_code(f) == Errc::offset_out_of_range);
  }
  // file_size larger than the bytes given.
  {
    auto f = sample_file();
    poke<uint64_t>(f, 24, f.size() + 64);
    CHECK(read_code(f) == Errc::truncated);
  }
}

TEST_CASE("limits: the plan memory cap refuses a plan before allocating it; the session stays usable") {
  const Graph g = runnable_graph();
  std::vector<float> x(100000 * 4, 0.5f);
  Session capped(g, PlanOptions{64 * 1024});
  CHECK(run_code(capped, x, 2) == Errc::ok);
  std::string msg;
  CHECK(run_code(capped, x, 100000, &msg) == Errc::out_of_memory);
  CHECK_THAT(msg, Catch::Contains("memory cap"));
  CHECK(capped.arena_bytes() == 0);
  CHECK(run_code(capped, x, 3) == Errc::ok);
  capped.set_options(PlanOptions{});
  CHECK(run_code(capped, x, 100000) == Errc::ok);

  // The same refusal straight from build_plan, with the plan's total counted.
  std::vector<TensorRef> in{TensorRef{DType::f32, {100000, 4}, x.data()}};
  try {
    (void)build_plan(g, in, PlanOptions{1024});
    FAIL("expected out_of_memory");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::out_of_memory);
  }
  CHECK(build_plan(g, in, PlanOptions{64ull << 20})->allocated_bytes <= (64ull << 20));
}

TEST_CASE("limits: arena offsets are 64-bit: large buffers alive together do not wrap") {
  MemoryPlanner p;
  const uint64_t two_gib = uint64_t{1} << 31;
  p.add_buffer(static_cast<size_t>(two_gib - 64), 0, 3);
  p.add_buffer(static_cast<size_t>(two_gib - 64), 1, 3);
  p.add_buffer(static_cast<size_t>(two_gib - 64), 2, 3);
  const uint64_t arena = p.plan(64);
  CHECK(arena == 3 * (two_gib - 64));
  CHECK(arena > (uint64_t{1} << 32));
  CHECK(p.offset(0) != p.offset(1));
  CHECK(p.offset(1) != p.offset(2));
}

TEST_CASE("limits: a graph output that is a compressed constant comes out decoded, not as its stored bytes") {
  // Found by fuzz_load_run: an output aliasing a q4 weight was handed out as N*K floats
  // read from a payload of N*ceil(K/32)*18 bytes (a heap over-read; garbage in wasm).
  const std::vector<int64_t> dims = {3, 40};
  std::vector<float> w(120);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 13) / 13.0f - 0.5f;
  for (const ConstData& c : {encode_q4_block(w.data(), dims, false), encode_codebook(w.data(), dims, 4, false,
                                                                                   CodebookInit::kmeans_pp, 20, 1),
                             encode_i8_channel(w.data(), dims), encode_f32_packed(w.data(), dims)}) {
    Graph g = gemm_graph({{c, dims}});
    g.outputs.push_back(g.find_value("w0"));  // the weight is also a graph output
    const std::vector<uint8_t> bytes = write_bundle(g, "{}");
    AlignedBuffer buf{std::span<const uint8_t>(bytes)};
    const Bundle b = read_bundle(buf.span());
    Session s(b.graph);
    std::vector<float> x(2 * 40, 0.25f);
    const auto& outs = s.run({TensorRef{DType::f32, {2, 40}, x.data()}});
    REQUIRE(outs.size() == 2);
    const TensorRef& out_w = outs[1];
    REQUIRE(out_w.dims == dims);
    CHECK(out_w.scheme == 0);
    CHECK(out_w.bytes() == 120 * sizeof(float));
    const std::vector<float> expected = decode_weight(c, DType::f32, dims, "w0");
    const auto* got = static_cast<const float*>(out_w.data);
    CHECK(std::vector<float>(got, got + 120) == expected);
    // The Gemm that reads the weight still gives its (now dense) product.
    const auto* y = static_cast<const float*>(outs[0].data);
    for (int n = 0; n < 3; ++n) {
      float ref = 0;
      for (int k = 0; k < 40; ++k) ref += 0.25f * expected[n * 40 + k];
      CHECK(y[n] == Approx(ref).epsilon(1e-5).margin(1e-6));
    }
  }
}

TEST_CASE("limits: a node whose outputs hold no elements is not run, however large its other dims") {
  // Softmax over axis 1 of [1, 0, 2^40]: the kernel would loop 2^40 times over nothing
  // (found by fuzz_load_run as a timeout; its reproducer is a committed seed).
  Graph g;
  const int x = add_act(g, "x", DType::f32, {-1, -1, -1});
  const int y = add_act(g, "y", DType::f32, {-1, -1, -1});
  const int z = add_act(g, "z", DType::f32, {-1, -1, -1});
  Node softmax = make_node(OpId::Softmax, "softmax", {x}, {y});
  Attr axis;
  axis.name = "axis";
  axis.i = 1;
  softmax.attrs.push_back(axis);
  g.nodes.push_back(softmax);
  g.nodes.push_back(make_node(OpId::Relu, "relu", {y}, {z}));
  g.inputs = {x};
  g.outputs = {z};
  Session s(g);
  const std::vector<int64_t> dims{1, 0, int64_t{1} << 40};
  const std::vector<TensorRef>& out = s.run({TensorRef{DType::f32, dims, nullptr}});
  REQUIRE(out.size() == 1);
  CHECK(out[0].dims == dims);
  CHECK(out[0].bytes() == 0);
  // The same session still runs a non-empty input.
  std::vector<float> v{1, 2, 3};
  const std::vector<TensorRef>& ok = s.run({TensorRef{DType::f32, {1, 3, 1}, v.data()}});
  REQUIRE(ok[0].bytes() == 3 * sizeof(float));
  const float* p = ok[0].as<const float>();
  CHECK(p[0] == Approx(0.09003057f));
  CHECK(p[2] == Approx(0.66524096f));
}
