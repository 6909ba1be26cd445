#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "common/error.h"
#include "graph/op_table.h"
#include "runtime/plan.h"
#include "runtime/session.h"

using namespace qc;

namespace {

ConstData f32_const(const std::vector<float>& v) {
  std::vector<uint8_t> bytes(v.size() * 4);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return ConstData::owned(std::move(bytes));
}

ConstData i64_const(const std::vector<int64_t>& v) {
  std::vector<uint8_t> bytes(v.size() * 8);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return ConstData::owned(std::move(bytes));
}

int add_value(Graph& g, const std::string& name, DType t, std::vector<int64_t> dims,
              std::optional<ConstData> c = std::nullopt) {
  return g.add_value(Value{name, t, std::move(dims), std::move(c)});
}

void add_node(Graph& g, OpId op, std::vector<int> in, std::vector<int> out) {
  Node n;
  n.op = op;
  n.name = std::string(op_name(op)) + std::to_string(g.nodes.size());
  n.inputs = std::move(in);
  n.outputs = std::move(out);
  g.nodes.push_back(std::move(n));
}

// x[N,3] -> Add(b) -> Relu -> Reshape(Shape-derived [N*3]) : exercises run-time
// steps, plan-time evaluation of shape arithmetic, and re-planning on a new batch.
Graph small_graph() {
  Graph g;
  const int x = add_value(g, "x", DType::f32, {-1, 3});
  const int b = add_value(g, "b", DType::f32, {3}, f32_const({1, -2, 0.5f}));
  const int s = add_value(g, "sum", DType::f32, {});
  const int r = add_value(g, "relu", DType::f32, {});
  const int shp = add_value(g, "shape", DType::i64, {});
  const int idx = add_value(g, "idx", DType::i64, {}, i64_const({0}));
  const int n = add_value(g, "n", DType::i64, {});
  const int three = add_value(g, "three", DType::i64, {1}, i64_const({3}));
  const int nn = add_value(g, "n3", DType::i64, {});
  const int y = add_value(g, "y", DType::f32, {-1});
  add_node(g, OpId::Add, {x, b}, {s});
  add_node(g, OpId::Relu, {s}, {r});
  add_node(g, OpId::Shape, {x}, {shp});
  add_node(g, OpId::Gather, {shp, idx}, {n});
  add_node(g, OpId::Mul, {n, three}, {nn});
  add_node(g, OpId::Reshape, {r, nn}, {y});
  g.inputs = {x};
  g.outputs = {y};
  return g;
}

std::vector<float> run_once(Session& s, std::vector<float> x, int64_t batch) {
  TensorRef in{DType::f32, {batch, 3}, x.data()};
  const auto& out = s.run({in});
  REQUIRE(out.size() == 1);
  REQUIRE(out[0].dims == std::vector<int64_t>{batch * 3});
  return std::vector<float>(out[0].as<float>(), out[0].as<float>() + batch * 3);
}

}  // namespace

TEST_CASE("session runs a graph, evaluates shape arithmetic at plan time and re-plans on new dims") {
  Graph g = small_graph();
  Session s(g);
  CHECK(run_once(s, {1, 1, 1, -5, 5, -1}, 2) == std::vector<float>{2, 0, 1.5f, 0, 3, 0});
  CHECK(run_once(s, {0, 2, -0.5f}, 1) == std::vector<float>{1, 0, 0});
  CHECK(run_once(s, {3, 3, 3, 0, 0, 0, -1, 2, -1}, 3) == std::vector<float>{4, 1, 3.5f, 1, 0, 0.5f, 0, 0, 0});
  CHECK(s.arena_bytes() > 0);
}

TEST_CASE("session rejects inputs of the wrong rank, dims or dtype with typed errors") {
  Graph g = small_graph();
  Session s(g);
  std::vector<float> x(8);
  auto code_of = [&](TensorRef t) {
    try {
      s.run({t});
    } catch (const Error& e) {
      return e.code();
    }
    return Errc::ok;
  };
  CHECK(code_of(TensorRef{DType::f32, {2, 4}, x.data()}) == Errc::shape_mismatch);
  CHECK(code_of(TensorRef{DType::f32, {8}, x.data()}) == Errc::shape_mismatch);
  CHECK(code_of(TensorRef{DType::i32, {2, 3}, x.data()}) == Errc::dtype_mismatch);
  // The session stays usable after errors.
  CHECK(run_once(s, {1, 1, 1, -5, 5, -1}, 2) == std::vector<float>{2, 0, 1.5f, 0, 3, 0});
}

// x -> Relu -> r -> Reshape -> v; x -> Sigmoid -> z -> Reshape -> zr; y = v + zr. v and zr
// share r's and z's bytes; r's buffer must stay live until the Add reads v, so z (made
// in between) cannot be planned into it.
TEST_CASE("a view op's output shares its input's buffer, kept live through the view's uses") {
  Graph g;
  const int x = add_value(g, "x", DType::f32, {2, 3});
  const int r = add_value(g, "r", DType::f32, {});
  const int shape = add_value(g, "shape", DType::i64, {1}, i64_const({6}));
  const int v = add_value(g, "v", DType::f32, {});
  const int z = add_value(g, "z", DType::f32, {});
  const int zr = add_value(g, "zr", DType::f32, {});
  const int y = add_value(g, "y", DType::f32, {});
  add_node(g, OpId::Relu, {x}, {r});
  add_node(g, OpId::Reshape, {r, shape}, {v});
  add_node(g, OpId::Sigmoid, {x}, {z});
  add_node(g, OpId::Reshape, {z, shape}, {zr});
  add_node(g, OpId::Add, {v, zr}, {y});
  g.inputs = {x};
  g.outputs = {y};

  std::vector<float> xs = {-2, -0.5f, 0, 0.5f, 1, 3};
  const TensorRef in{DType::f32, {2, 3}, xs.data()};
  const std::unique_ptr<Plan> plan = build_plan(g, {in});
  CHECK(plan->tensors[v].data == plan->tensors[r].data);
  CHECK(plan->tensors[zr].data == plan->tensors[z].data);
  CHECK(plan->tensors[z].data != plan->tensors[r].data);
  CHECK(plan->tensors[v].dims == std::vector<int64_t>{6});

  Session s(g);
  const auto& out = s.run({in});
  REQUIRE(out.size() == 1);
  for (int i = 0; i < 6; ++i) CHECK(out[0].as<float>()[i] == std::max(xs[i], 0.f) + 1.f / (1.f + std::exp(-xs[i])));
}
