// Gemm and Conv nodes with compressed weights, run through qc::Session, against the
// same graphs with the weights decoded to dense f32; plus the clean rejections.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "common/error.h"
#include "common/parallel.h"
#include "graph/op_table.h"
#include "kernels/quant/compressed_gemm.h"
#include "kernels/quant/im2col.h"
#include "runtime/session.h"
#include "schemes/weight_decode.h"
#include "schemes/weight_encoders.h"
#include "qgemm_test_util.h"

using namespace qc;
using namespace qc::test;

namespace {

ConstData f32_const(const std::vector<float>& v) {
  std::vector<uint8_t> bytes(v.size() * 4);
  if (!v.empty()) std::memcpy(bytes.data(), v.data(), bytes.size());
  return ConstData::owned(std::move(bytes));
}

enum class Enc { f16, int8, q4, q4_min, cb4, cb3_channel, f32_packed };

ConstData encode(Enc e, const std::vector<float>& w, const std::vector<int64_t>& dims) {
  switch (e) {
    case Enc::f16: return encode_f16(w.data(), dims);
    case Enc::int8: return encode_i8_channel(w.data(), dims);
    case Enc::q4: return encode_q4_block(w.data(), dims, false);
    case Enc::q4_min: return encode_q4_block(w.data(), dims, true);
    case Enc::cb4: return encode_codebook(w.data(), dims, 4, false, CodebookInit::linear, 20, 1);
    case Enc::cb3_channel: return encode_codebook(w.data(), dims, 3, true, CodebookInit::kmeans_pp, 20, 1);
    case Enc::f32_packed: return encode_f32_packed(w.data(), dims);
  }
  return {};
}

// One node graph: x (input) -> op(x, W, B) -> y, with W either compressed or its
// decoded dense copy.
struct OneNode {
  Graph g;
  OneNode(OpId op, std::vector<int64_t> x_dims, const ConstData& w, std::vector<int64_t> w_dims,
          const std::vector<float>& bias, std::vector<Attr> attrs) {
    const int x = g.add_value(Value{"x", DType::f32, std::move(x_dims), std::nullopt});
    const int wv = g.add_value(Value{"W", DType::f32, std::move(w_dims), w});
    const int b = g.add_value(Value{"B", DType::f32, {static_cast<int64_t>(bias.size())}, f32_const(bias)});
    const int y = g.add_value(Value{"y", DType::f32, {}, std::nullopt});
    Node n;
    n.op = op;
    n.name = "node_under_test";
    n.inputs = {x, wv, b};
    n.outputs = {y};
    n.attrs = std::move(attrs);
    g.nodes.push_back(std::move(n));
    g.inputs = {x};
    g.outputs = {y};
  }
  std::vector<float> run(const std::vector<float>& x, const std::vector<int64_t>& dims) {
    Session s(g);
    const auto& out = s.run({TensorRef{DType::f32, dims, const_cast<float*>(x.data())}});
    return std::vector<float>(out[0].as<float>(), out[0].as<float>() + out[0].numel());
  }
};

Attr int_attr(const std::string& name, int64_t v) {
  Attr a;
  a.name = name;
  a.kind = Attr::Kind::i;
  a.i = v;
  return a;
}

Attr float_attr(const std::string& name, float v) {
  Attr a;
  a.name = name;
  a.kind = Attr::Kind::f;
  a.f = v;
  return a;
}

Attr ints_attr(const std::string& name, std::vector<int64_t> v) {
  Attr a;
  a.name = name;
  a.kind = Attr::Kind::ints;
  a.ints = std::move(v);
  return a;
}

// Compressed vs decoded-dense outputs: float activations agree to float rounding,
// int8 activations to a few quantization steps of the output range.
void compare_outputs(const std::vector<float>& got, const std::vector<float>& want, bool int8) {
  REQUIRE(got.size() == want.size());
  float range = 0;
  for (float v : want) range = std::max(range, std::fabs(v));
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i << " of " << got.size());
    CHECK(std::fabs(got[i] - want[i]) <= (int8 ? 0.03f : 2e-5f) * range + 1e-6f);
  }
}

void run_case(OpId op, Enc enc, int x_quant, const std::vector<int64_t>& x_dims, const std::vector<int64_t>& w_dims,
              std::vector<Attr> attrs) {
  std::mt19937 rng(static_cast<unsigned>(enc) * 31 + x_quant);
  int64_t w_count = 1, x_count = 1;
  for (int64_t d : w_dims) w_count *= d;
  for (int64_t d : x_dims) x_count *= d;
  const std::vector<float> w = random_floats(rng, static_cast<size_t>(w_count), 0.5f);
  const std::vector<float> bias = random_floats(rng, static_cast<size_t>(w_dims[0]), 0.2f);
  const std::vector<float> x = random_floats(rng, static_cast<size_t>(x_count));
  const ConstData compressed = encode(enc, w, w_dims);
  const ConstData dense = f32_const(decode_weight(compressed, DType::f32, w_dims, "W"));
  if (x_quant >= 0) attrs.push_back(int_attr("x_quant", x_quant));
  attrs.push_back(int_attr("act", 1));  // fused Relu
  OneNode qn(op, x_dims, compressed, w_dims, bias, attrs), dn(op, x_dims, dense, w_dims, bias, attrs);
  INFO("encoding " << static_cast<int>(enc) << " x_quant " << x_quant);
  const bool int8 = x_quant != 0 && !(x_quant < 0 && enc == Enc::f16);
  compare_outputs(qn.run(x, x_dims), dn.run(x, x_dims), int8);
}

template <class F>
void require_error(F&& f, Errc code, const std::string& needle) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.code() == code);
    CHECK_THAT(std::string(e.what()), Catch::Contains(needle));
    return;
  }
  FAIL("expected qc::Error mentioning '" << needle << "'");
}

}  // namespace

TEST_CASE("Gemm with a compressed weight matches the decoded dense weight", "[qgemm][ops]") {
  for (Enc e : {Enc::f16, Enc::int8, Enc::q4, Enc::q4_min, Enc::cb4, Enc::cb3_channel})
    for (int x_quant : {-1, 0, 1}) run_case(OpId::Gemm, e, x_quant, {5, 70}, {13, 70}, {int_attr("transB", 1)});
}

TEST_CASE("Conv with a compressed weight matches the decoded dense weight", "[qgemm][ops]") {
  const std::vector<Attr> attrs = {int_attr("group", 2), ints_attr("strides", {2, 1}), ints_attr("pads", {1, 2, 0, 1}),
                                   ints_attr("dilations", {1, 2})};
  for (Enc e : {Enc::f16, Enc::int8, Enc::q4, Enc::q4_min, Enc::cb4, Enc::cb3_channel})
    for (int x_quant : {-1, 0}) run_case(OpId::Conv, e, x_quant, {2, 4, 9, 8}, {6, 2, 3, 3}, attrs);
  run_case(OpId::Conv, Enc::int8, 1, {1, 3, 30, 30}, {5, 3, 5, 5}, {ints_attr("pads", {2, 2, 2, 2})});
}

// Static int8 activations: the Conv quantizes its input once and unfolds bytes; the
// outputs must equal, bit for bit, the float unfolding quantized row by row.
TEST_CASE("compressed Conv with static int8 activations equals unfold-then-quantize", "[qgemm][ops]") {
  std::mt19937 rng(5);
  const int64_t N = 2, C = 4, H = 9, W = 8, M = 6, group = 2, kh = 3, kw = 3;
  const std::vector<int64_t> x_dims{N, C, H, W}, w_dims{M, C / group, kh, kw};
  WindowGeometry geo;
  geo.rank = 2;
  geo.in = {1, H, W};
  geo.kernel = {1, kh, kw};
  geo.stride = {1, 2, 1};
  geo.dilation = {1, 1, 2};
  geo.pad_begin = {0, 1, 2};
  geo.pad_end = {0, 0, 1};
  geo.out = {1, (H + 1 - kh) / 2 + 1, (W + 3 - (kw - 1) * 2 - 1) + 1};
  const std::vector<Attr> attrs = {int_attr("group", group), ints_attr("strides", {2, 1}),
                                   ints_attr("pads", {1, 2, 0, 1}), ints_attr("dilations", {1, 2}),
                                   int_attr("act", 1), int_attr("x_quant", 2), float_attr("x_scale", 0.011f)};
  const std::vector<float> w = random_floats(rng, static_cast<size_t>(M * (C / group) * kh * kw), 0.5f);
  const std::vector<float> bias = random_floats(rng, static_cast<size_t>(M), 0.2f);
  const std::vector<float> x = random_floats(rng, static_cast<size_t>(N * C * H * W));
  const int64_t K = C / group * kh * kw, plane = geo.out_size();
  for (Enc enc : {Enc::int8, Enc::q4, Enc::q4_min, Enc::cb4, Enc::cb3_channel}) {
    INFO("encoding " << static_cast<int>(enc));
    const ConstData cw = encode(enc, w, w_dims);
    const std::vector<float> got = OneNode(OpId::Conv, x_dims, cw, w_dims, bias, attrs).run(x, x_dims);
    REQUIRE(got.size() == static_cast<size_t>(N * M * plane));
    TensorRef ref{DType::f32, w_dims, const_cast<uint8_t*>(cw.bytes)};
    ref.scheme = cw.scheme;
    ref.stored_bytes = cw.size;
    ref.side = cw.side;
    ref.side_bytes = cw.side_size;
    const WeightView view = weight_view(ref);
    Activation relu;
    relu.kind = Act::relu;
    std::vector<float> cols(static_cast<size_t>(plane * K)), rows(static_cast<size_t>(plane * M / group));
    for (int64_t n = 0; n < N; ++n)
      for (int64_t g = 0; g < group; ++g) {
        im2col_2d(x.data() + (n * C + g * C / group) * H * W, C / group, geo, 0, plane, cols.data(), K);
        const WeightView wg = weight_rows(view, g * M / group, M / group);
        compressed_gemm_using(QGemmImpl::reference, cols.data(), plane, wg, bias.data() + g * M / group, rows.data(),
                              M / group, ActQuant{kActStaticI8, 0.011f}, relu);
        for (int64_t j = 0; j < M / group; ++j)
          for (int64_t i = 0; i < plane; ++i) {
            const float want = rows[i * (M / group) + j], have = got[((n * M) + g * M / group + j) * plane + i];
            INFO("image " << n << " channel " << g * M / group + j << " pixel " << i);
            REQUIRE(std::memcmp(&want, &have, 4) == 0);
          }
      }
  }
}

TEST_CASE("compressed Conv: several threads give the same bytes as one", "[qgemm][ops][threads]") {
  if (!threads_supported()) WARN("built without threads: nothing to compare");
  std::mt19937 rng(11);
  struct Case {
    std::vector<int64_t> x_dims;
    int64_t group;
  };
  // Batch 5 x 2 groups and a depthwise batch 3: whole planes split across threads;
  // batch 1, one group and a larger image: one plane, split inside compressed_gemm
  // (f32_packed runs one plane on one thread).
  for (const Case& c : {Case{{5, 8, 9, 7}, 2}, Case{{3, 8, 10, 10}, 8}, Case{{1, 8, 40, 40}, 1}}) {
    const std::vector<int64_t> w_dims{8, 8 / c.group, 3, 3};
    const std::vector<float> w = random_floats(rng, static_cast<size_t>(8 * w_dims[1] * 9), 0.5f);
    const std::vector<float> bias = random_floats(rng, 8, 0.2f);
    const std::vector<Attr> attrs{int_attr("group", c.group), int_attr("act", 1)};
    for (Enc enc : {Enc::int8, Enc::q4, Enc::cb4, Enc::f16, Enc::f32_packed}) {
      OneNode n(OpId::Conv, c.x_dims, encode(enc, w, w_dims), w_dims, bias, attrs);
      const std::vector<float> x = random_floats(rng, static_cast<size_t>(c.x_dims[0] * 8 * c.x_dims[2] * c.x_dims[3]));
      set_thread_count(1);
      const std::vector<float> one = n.run(x, c.x_dims);
      set_thread_count(3);
      const std::vector<float> three = n.run(x, c.x_dims);
      set_thread_count(1);
      INFO("encoding " << static_cast<int>(enc) << " batch " << c.x_dims[0]);
      REQUIRE(one.size() == three.size());
      CHECK(std::memcmp(one.data(), three.data(), one.size() * sizeof(float)) == 0);
    }
  }
}

TEST_CASE("compressed Gemm and Conv reject what they cannot run, naming the node", "[qgemm][ops]") {
  std::mt19937 rng(5);
  const std::vector<float> w = random_floats(rng, 24);
  const ConstData q = encode_i8_channel(w.data(), {4, 6});
  const std::vector<float> x(12, 1.f), bias(4, 0.f);
  SECTION("Gemm without transB") {
    OneNode n(OpId::Gemm, {2, 6}, q, {4, 6}, bias, {});
    require_error([&] { n.run(x, {2, 6}); }, Errc::shape_mismatch, "node_under_test");
  }
  SECTION("Gemm with alpha != 1") {
    Attr alpha;
    alpha.name = "alpha";
    alpha.kind = Attr::Kind::f;
    alpha.f = 2.f;
    OneNode n(OpId::Gemm, {2, 6}, q, {4, 6}, bias, {int_attr("transB", 1), alpha});
    require_error([&] { n.run(x, {2, 6}); }, Errc::shape_mismatch, "alpha=1");
  }
  SECTION("x_quant out of range") {
    OneNode n(OpId::Gemm, {2, 6}, q, {4, 6}, bias, {int_attr("transB", 1), int_attr("x_quant", 3)});
    require_error([&] { n.run(x, {2, 6}); }, Errc::invalid_model, "node_under_test");
  }
  SECTION("static int8 without x_scale") {
    OneNode n(OpId::Gemm, {2, 6}, q, {4, 6}, bias, {int_attr("transB", 1), int_attr("x_quant", 2)});
    require_error([&] { n.run(x, {2, 6}); }, Errc::invalid_model, "x_scale");
  }
  SECTION("1-D Conv") {
    const ConstData q1 = encode_i8_channel(w.data(), {4, 2, 3});
    OneNode n(OpId::Conv, {1, 2, 6}, q1, {4, 2, 3}, bias, {});
    require_error([&] { n.run(x, {1, 2, 6}); }, Errc::unsupported_op, "2-D");
  }
}

TEST_CASE("compressed Gemm: transA, beta and every C broadcast", "[qgemm][ops]") {
  std::mt19937 rng(11);
  const int64_t M = 3, K = 37, N = 6;
  const StoredWeight stored = random_weight(rng, SchemeId::q4_block, N, K);
  std::vector<float> dense_w;
  for (int64_t r = 0; r < N; ++r) {
    const std::vector<float> row = stored.row(r);
    dense_w.insert(dense_w.end(), row.begin(), row.end());
  }
  const std::vector<float> a_t = random_floats(rng, static_cast<size_t>(K * M));  // A stored [K, M]
  const std::vector<std::vector<int64_t>> c_shapes = {{}, {N}, {1, N}, {M, 1}, {M, N}};
  for (const auto& c_dims : c_shapes) {
    int64_t c_count = 1;
    for (int64_t d : c_dims) c_count *= d;
    const std::vector<float> c = random_floats(rng, static_cast<size_t>(c_count));
    Node node;
    node.op = OpId::Gemm;
    node.name = "gemm_c";
    node.set_i("transA", 1);
    node.set_i("transB", 1);
    node.set_f("beta", 0.5f);
    node.set_i("x_quant", 0);
    TensorRef a{DType::f32, {K, M}, const_cast<float*>(a_t.data())};
    TensorRef bq = stored.ref();
    TensorRef bd{DType::f32, {N, K}, dense_w.data()};
    TensorRef cr{DType::f32, c_dims, const_cast<float*>(c.data())};
    std::vector<float> yq(M * N, -1.f), yd(M * N, -2.f);
    for (auto [b, y] : {std::pair{&bq, &yq}, std::pair{&bd, &yd}}) {
      std::vector<const TensorRef*> in = {&a, b, &cr};
      std::vector<TensorRef> shapes(1);
      op_info(OpId::Gemm).shape(node, in, shapes);
      REQUIRE(shapes[0].dims == std::vector<int64_t>{M, N});
      TensorRef out{DType::f32, {M, N}, y->data()};
      op_info(OpId::Gemm).ref_kernel(node, in, {&out});
    }
    INFO("C dims size " << c_dims.size());
    for (size_t i = 0; i < yq.size(); ++i) CHECK(yq[i] == Approx(yd[i]).margin(1e-5));
  }
}

TEST_CASE("compressed_gemm_int8_rows refuses a weight that has no int8-activation kernel", "[qgemm][ops]") {
  std::mt19937 rng(6);
  const std::vector<float> w = random_floats(rng, 24);
  const ConstData f16 = encode(Enc::f16, w, {4, 6});
  TensorRef ref{DType::f32, {4, 6}, const_cast<uint8_t*>(f16.bytes)};
  ref.scheme = f16.scheme;
  ref.stored_bytes = f16.size;
  ref.side = f16.side;
  ref.side_bytes = f16.side_size;
  const WeightView view = weight_view(ref);
  const std::vector<int8_t> xq(static_cast<size_t>(2 * int8_row_stride(6)), 1);
  const std::vector<float> scale(2, 0.1f);
  std::vector<float> y(8);
  require_error([&] { compressed_gemm_int8_rows(QGemmImpl::best, xq.data(), scale.data(), 2, view, nullptr, y.data(), 4); },
                Errc::unknown_scheme, "'f16' has no int8-activation kernel");
}
