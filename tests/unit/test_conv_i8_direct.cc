// The direct int8 Conv kernel (kernels/simd/conv_i8_direct, taken by CompressedConv
// for stride 1 and dilation 1) against im2col + the reference int8 GEMM, bit for
// bit: i8_channel, codebook (2 to 8 bits, per tensor and per channel) and q4_block
// weights (blocks of 32 taps that split tap pairs at odd places; q4_block_min keeps
// im2col),
// static and dynamic activations, with and without bias, fused activations, output
// widths around the 4-pixel quad, output channels around the 4-channel block,
// asymmetric pads, kernel widths odd and even, channels, groups and batch; the
// Conv node (kernels/ref/conv.cc) takes the same path; strides and dilations fall
// back to im2col.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <sstream>

#include "common/parallel.h"
#include "graph/op_table.h"
#include "kernels/quant/compressed_conv.h"
#include "qgemm_test_util.h"

using namespace qc;
using namespace qc::test;

namespace {

struct Case {
  SchemeId scheme = SchemeId::i8_channel;
  int bits = 4;
  bool per_channel = false;
  int64_t batch = 1, groups = 1, channels = 1, out_channels = 1;  // channels: per group; out_channels: per group
  int64_t in_h = 1, in_w = 1, kh = 1, kw = 1, stride = 1, dilation = 1;
  int64_t pads[4] = {0, 0, 0, 0};  // top, left, bottom, right
  int quant = kActDynamicI8;
  bool bias = true;
  Act act = Act::none;

  std::string text() const {
    std::ostringstream o;
    o << "scheme " << static_cast<int>(scheme) << " bits " << bits << " per_channel " << per_channel << " batch "
      << batch << " groups " << groups << " C/g " << channels << " M/g " << out_channels << " in " << in_h << "x"
      << in_w << " kernel " << kh << "x" << kw << " stride " << stride << " dilation " << dilation << " pads "
      << pads[0] << "," << pads[1] << "," << pads[2] << "," << pads[3] << " quant " << quant << " bias " << bias
      << " act " << static_cast<int>(act);
    return o.str();
  }
};

WindowGeometry geometry(const Case& c) {
  WindowGeometry g;
  g.rank = 2;
  g.in = {1, c.in_h, c.in_w};
  g.kernel = {1, c.kh, c.kw};
  g.stride = {1, c.stride, c.stride};
  g.dilation = {1, c.dilation, c.dilation};
  g.pad_begin = {0, c.pads[0], c.pads[1]};
  g.pad_end = {0, c.pads[2], c.pads[3]};
  g.out = {1, (c.in_h + c.pads[0] + c.pads[2] - c.dilation * (c.kh - 1) - 1) / c.stride + 1,
           (c.in_w + c.pads[1] + c.pads[3] - c.dilation * (c.kw - 1) - 1) / c.stride + 1};
  return g;
}

struct Data {
  StoredWeight w;
  std::vector<float> x, bias;
};

Data make_data(std::mt19937& rng, const Case& c) {
  Data d;
  const int64_t m = c.groups * c.out_channels;
  d.w = random_weight(rng, c.scheme, m, c.channels * c.kh * c.kw, c.bits, c.per_channel);
  d.w.dims = {m, c.channels, c.kh, c.kw};
  d.x = random_floats(rng, static_cast<size_t>(c.batch * c.groups * c.channels * c.in_h * c.in_w));
  d.bias = random_floats(rng, static_cast<size_t>(m), 0.3f);
  return d;
}

Activation activation(Act kind) {
  Activation a;
  a.kind = kind;
  a.lo = -0.2f;
  a.hi = 0.3f;
  a.alpha = 0.1f;
  return a;
}

ActQuant act_quant(const Case& c) { return {c.quant, c.quant == kActStaticI8 ? 0.006f : 0.f}; }

// Every (image, group) plane through CompressedConv, as kernels/ref/conv.cc runs them.
std::vector<float> run_planes(const Case& c, const Data& d, QGemmImpl impl, bool* direct) {
  const WindowGeometry g = geometry(c);
  const WeightView w = d.w.view();
  const CompressedConv conv(g, c.channels, c.groups, w, act_quant(c), activation(c.act), impl);
  *direct = conv.direct();
  const int64_t C = c.groups * c.channels, M = c.groups * c.out_channels;
  std::vector<float> y(static_cast<size_t>(c.batch * M * g.out_size()), -12345.f);
  for (int64_t n = 0; n < c.batch; ++n)
    for (int64_t grp = 0; grp < c.groups; ++grp) {
      const WeightView wg = weight_rows(w, grp * c.out_channels, c.out_channels);
      CompressedConvPlane p;
      p.x = d.x.data() + (n * C + grp * c.channels) * g.in_size();
      p.w = &wg;
      p.bias = c.bias ? d.bias.data() + grp * c.out_channels : nullptr;
      p.y = y.data() + (n * M + grp * c.out_channels) * g.out_size();
      p.group = grp;
      conv.run(p);
    }
  return y;
}

// The Conv node with the compressed weight (kernels/ref/conv.cc picks the kernel).
std::vector<float> run_node(const Case& c, const Data& d) {
  Node node;
  node.op = OpId::Conv;
  node.name = "conv";
  node.set_i("group", c.groups);
  node.set_ints("strides", {c.stride, c.stride});
  node.set_ints("dilations", {c.dilation, c.dilation});
  node.set_ints("pads", {c.pads[0], c.pads[1], c.pads[2], c.pads[3]});
  node.set_i("act", static_cast<int>(c.act));
  node.set_f("act_min", -0.2f);
  node.set_f("act_max", 0.3f);
  node.set_f("act_alpha", 0.1f);
  node.set_i("x_quant", c.quant);
  if (c.quant == kActStaticI8) node.set_f("x_scale", 0.006f);
  const int64_t M = c.groups * c.out_channels;
  const TensorRef x{DType::f32, {c.batch, c.groups * c.channels, c.in_h, c.in_w}, const_cast<float*>(d.x.data())};
  const TensorRef b{DType::f32, {M}, const_cast<float*>(d.bias.data())};
  const TensorRef w = d.w.ref();
  std::vector<const TensorRef*> in{&x, &w};
  if (c.bias) in.push_back(&b);
  std::vector<TensorRef> out(1);
  op_info(OpId::Conv).shape(node, in, out);
  std::vector<float> y(static_cast<size_t>(out[0].numel()), -12345.f);
  out[0].data = y.data();
  op_info(OpId::Conv).ref_kernel(node, in, {&out[0]});
  return y;
}

struct Result {
  int64_t cases = 0, direct = 0, mismatches = 0, nonzero = 0;
  std::string first;
};

void compare(const Case& c, const std::vector<float>& want, const std::vector<float>& got, const char* what,
             Result& r) {
  if (want.size() != got.size()) {
    if (r.mismatches++ == 0) r.first = c.text() + ": sizes differ";
    return;
  }
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i] != 0.f) ++r.nonzero;
    if (std::memcmp(&want[i], &got[i], 4) != 0 || want[i] == -12345.f) {
      if (r.mismatches++ == 0) {
        std::ostringstream o;
        o << c.text() << ": " << what << " output " << i << " of " << want.size() << ": reference " << want[i]
          << " got " << got[i];
        r.first = o.str();
      }
    }
  }
}

// Reference vs the best path; expect_direct: whether the direct kernel must run.
void check(std::mt19937& rng, const Case& c, bool expect_direct, Result& r, bool node_too = false) {
  const Data d = make_data(rng, c);
  bool ref_direct = true, best_direct = false;
  const std::vector<float> want = run_planes(c, d, QGemmImpl::reference, &ref_direct);
  const std::vector<float> got = run_planes(c, d, QGemmImpl::best, &best_direct);
  ++r.cases;
  if (best_direct) ++r.direct;
  if (ref_direct || best_direct != expect_direct) {
    if (r.mismatches++ == 0) r.first = c.text() + ": direct kernel " + (best_direct ? "taken" : "not taken");
  }
  compare(c, want, got, "planes", r);
  if (node_too) compare(c, want, run_node(c, d), "node", r);
}

void require_clean(const Result& r) {
  INFO(r.mismatches << " mismatches in " << r.cases << " cases (" << r.direct << " direct); first: " << r.first);
  CHECK(r.cases > 0);
  CHECK(r.mismatches == 0);
  CHECK(r.nonzero > 0);
}

struct Scheme {
  SchemeId id;
  int bits;
  bool per_channel;
};

constexpr Scheme kSchemes[] = {
    {SchemeId::i8_channel, 0, false}, {SchemeId::codebook, 2, false}, {SchemeId::codebook, 3, true},
    {SchemeId::codebook, 4, false},   {SchemeId::codebook, 4, true},  {SchemeId::codebook, 5, true},
    {SchemeId::codebook, 8, false},   {SchemeId::q4_block, 4, false},
};

}  // namespace

TEST_CASE("conv i8 direct: bit-identical to im2col + reference GEMM across tile edges", "[conv][simd][i8_direct]") {
  std::mt19937 rng(21);
  Result r;
  const int64_t pad_sets[4][4] = {{0, 0, 0, 0}, {1, 1, 0, 2}, {2, 0, 1, 1}, {0, 2, 2, 1}};
  const int64_t channel_set[3] = {1, 3, 20}, out_set[7] = {1, 2, 3, 4, 5, 6, 9};  // last blocks of 1 to 4 channels
  int64_t i = 0;
  for (const Scheme& s : kSchemes)
    for (int64_t kw : {1, 2, 3, 5, 7})
      for (int64_t out_w : {1, 3, 4, 5, 8, 9}) {
        Case c;
        c.scheme = s.id;
        c.bits = s.bits;
        c.per_channel = s.per_channel;
        c.kw = kw;
        c.kh = 1 + i % 3;
        c.quant = i % 2 ? kActStaticI8 : kActDynamicI8;
        c.bias = (i / 2) % 2;
        c.act = (i / 4) % 2 ? Act::relu : Act::none;
        c.groups = 1 + (i / 8) % 2;
        c.batch = (i / 16) % 2 ? 3 : 1;
        c.channels = channel_set[(i / 3) % 3];
        c.out_channels = out_set[(i / 5) % 7];
        const int64_t* pads = pad_sets[i % 4];
        const int64_t out_h = 1 + i % 4;
        c.in_w = out_w + kw - 1 - pads[1] - pads[3];
        c.in_h = out_h + c.kh - 1 - pads[0] - pads[2];
        if (c.in_w >= 1 && c.in_h >= 1) {
          std::copy(pads, pads + 4, c.pads);
        } else {
          c.in_w = out_w + kw - 1;
          c.in_h = out_h + c.kh - 1;
        }
        check(rng, c, true, r, i % 7 == 0);
        ++i;
      }
  require_clean(r);
  CHECK(r.direct == r.cases);
}

TEST_CASE("conv i8 direct: lenet5 shapes, every fused activation", "[conv][simd][i8_direct]") {
  std::mt19937 rng(22);
  Result r;
  for (const Scheme& s : kSchemes)
    for (Act act : {Act::none, Act::relu, Act::clip, Act::leaky_relu, Act::sigmoid, Act::tanh}) {
      Case conv1;
      conv1.scheme = s.id;
      conv1.bits = s.bits;
      conv1.per_channel = s.per_channel;
      conv1.act = act;
      conv1.out_channels = 20;
      conv1.in_h = conv1.in_w = 28;
      conv1.kh = conv1.kw = 5;
      conv1.quant = act == Act::relu ? kActStaticI8 : kActDynamicI8;
      check(rng, conv1, true, r, true);
      Case conv2 = conv1;
      conv2.channels = 20;
      conv2.out_channels = 50;
      conv2.in_h = conv2.in_w = 12;
      conv2.batch = 2;
      check(rng, conv2, true, r, act == Act::relu);
    }
  require_clean(r);
}

TEST_CASE("conv i8 direct: strides and dilations fall back to im2col", "[conv][simd][i8_direct]") {
  std::mt19937 rng(23);
  Result r;
  for (const Scheme& s : {kSchemes[0], kSchemes[3]})
    for (int64_t stride : {1, 2})
      for (int64_t dilation : {1, 2}) {
        Case c;
        c.scheme = s.id;
        c.bits = s.bits;
        c.channels = 3;
        c.out_channels = 5;
        c.groups = 2;
        c.in_h = 11;
        c.in_w = 13;
        c.kh = c.kw = 3;
        c.stride = stride;
        c.dilation = dilation;
        c.pads[0] = c.pads[1] = 1;
        c.act = Act::relu;
        check(rng, c, stride == 1 && dilation == 1, r, true);
      }
  require_clean(r);
}

TEST_CASE("conv i8 direct: q4_block_min keeps im2col", "[conv][simd][i8_direct]") {
  std::mt19937 rng(25);
  Result r;
  Case c;
  c.scheme = SchemeId::q4_block_min;
  c.channels = 3;
  c.out_channels = 5;
  c.in_h = c.in_w = 9;
  c.kh = c.kw = 5;
  check(rng, c, false, r, true);
  require_clean(r);
}

TEST_CASE("conv i8 direct: threads split a plane's channels, same bytes", "[conv][simd][i8_direct][threads]") {
  if (!threads_supported()) WARN("built without threads: nothing to compare");
  std::mt19937 rng(24);
  Case c;
  c.channels = 16;
  c.out_channels = 30;
  c.in_h = c.in_w = 20;
  c.kh = c.kw = 3;
  c.pads[0] = c.pads[1] = c.pads[2] = c.pads[3] = 1;
  const Data d = make_data(rng, c);
  bool direct = false;
  set_thread_count(1);
  const std::vector<float> one = run_planes(c, d, QGemmImpl::best, &direct);
  set_thread_count(3);
  const std::vector<float> three = run_planes(c, d, QGemmImpl::best, &direct);
  const std::vector<float> node = run_node(c, d);
  set_thread_count(1);
  CHECK(direct);
  CHECK(std::memcmp(one.data(), three.data(), one.size() * 4) == 0);
  CHECK(std::memcmp(one.data(), node.data(), one.size() * 4) == 0);
}
