// Scheme 5, codebook, and the 1-D k-means behind it: sizes, the packed index layout,
// decoded weights drawn from the table, k-means lowering the error, determinism, and
// the reader rejecting wrong sizes or a malformed side-data header.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <set>

#include "scheme_test_util.h"
#include "schemes/codebook.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_encoders.h"

using namespace qc;
using namespace qc::test;

namespace {

double mse(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += (double{a[i]} - b[i]) * (double{a[i]} - b[i]);
  return s / static_cast<double>(a.size());
}

std::vector<float> table_of(const ConstData& c, int64_t row) {
  const CodebookHeader h = load_codebook_header(c.side);
  std::vector<float> t(size_t{1} << h.bits);
  std::memcpy(t.data(), codebook_table(c.side, h, row), t.size() * 4);
  return t;
}

}  // namespace

TEST_CASE("codebook: index packing is LSB-first, rows start on byte boundaries", "[schemes][codebook]") {
  // bits 3, K 3, indices {5, 3, 7} in row 0 and {1, 0, 6} in row 1: 9 bits -> 2 bytes per row.
  std::vector<uint8_t> side(8 + 8 * 4, 0);
  side[0] = 3;
  for (int i = 0; i < 8; ++i) {
    const float v = 10.0f * i;
    std::memcpy(side.data() + 8 + 4 * i, &v, 4);
  }
  ConstData c = ConstData::owned({0xdd, 0x01, 0x81, 0x01}, static_cast<uint16_t>(SchemeId::codebook));
  auto owner = std::make_shared<const std::vector<uint8_t>>(side);
  c.side = owner->data();
  c.side_size = owner->size();
  c.side_owner = owner;
  REQUIRE(decode(c, {2, 3}) == std::vector<float>{50, 30, 70, 10, 0, 60});
}

TEST_CASE("codebook: sizes for every bit width, per tensor and per channel", "[schemes][codebook]") {
  const std::vector<int64_t> dims{6, 2, 5};  // N = 6, K = 10
  const auto w = random_weights(60, 4);
  for (int bits = 2; bits <= 8; ++bits) {
    for (bool per_channel : {false, true}) {
      INFO("bits " << bits << " per_channel " << per_channel);
      const ConstData c = encode_codebook(w.data(), dims, bits, per_channel, CodebookInit::linear, 20, 1);
      REQUIRE(c.scheme == static_cast<uint16_t>(SchemeId::codebook));
      REQUIRE(c.size == size_t{6} * ((10 * bits + 7) / 8));
      REQUIRE(c.side_size == 8 + 4 * (size_t{1} << bits) * (per_channel ? 6 : 1));
      REQUIRE(scheme_layout(5, 1, DType::f32, dims, 60, {c.side, c.side_size}, "t").payload_bytes == c.size);
      const CodebookHeader h = load_codebook_header(c.side);
      REQUIRE(h.bits == bits);
      REQUIRE(h.per_channel == per_channel);

      // Every decoded weight is one of its row's centroids, and the nearest one.
      const auto out = decode(c, dims);
      for (int64_t n = 0; n < 6; ++n) {
        const auto table = table_of(c, n);
        REQUIRE(std::is_sorted(table.begin(), table.end()));
        for (int64_t k = 0; k < 10; ++k) {
          const float v = out[n * 10 + k], x = w[n * 10 + k];
          REQUIRE(std::find(table.begin(), table.end(), v) != table.end());
          for (float t : table) REQUIRE(std::fabs(x - v) <= std::fabs(x - t));
        }
      }
    }
  }
}

TEST_CASE("codebook: Lloyd iterations lower the error of the linear initialization", "[schemes][codebook]") {
  const std::vector<int64_t> dims{64, 100};
  const auto w = random_weights(6400, 8);
  for (int bits : {2, 3, 4}) {
    for (bool per_channel : {false, true}) {
      INFO("bits " << bits << " per_channel " << per_channel);
      const auto linear = decode(encode_codebook(w.data(), dims, bits, per_channel, CodebookInit::linear, 0, 1), dims);
      const auto trained = decode(encode_codebook(w.data(), dims, bits, per_channel, CodebookInit::linear, 50, 1), dims);
      REQUIRE(mse(trained, w) < mse(linear, w));
      const auto pp = decode(encode_codebook(w.data(), dims, bits, per_channel, CodebookInit::kmeans_pp, 50, 1), dims);
      REQUIRE(mse(pp, w) < mse(linear, w));
    }
  }
  const KMeans1D km = kmeans_1d(w, 16, CodebookInit::linear, 100, 0);
  REQUIRE(km.final_mse < km.initial_mse);
  REQUIRE(km.iterations >= 1);
}

TEST_CASE("codebook: k-means++ is deterministic per seed", "[schemes][codebook]") {
  const auto w = random_weights(3000, 2);
  const auto a = encode_codebook(w.data(), {30, 100}, 4, false, CodebookInit::kmeans_pp, 30, 42);
  const auto b = encode_codebook(w.data(), {30, 100}, 4, false, CodebookInit::kmeans_pp, 30, 42);
  const auto c = encode_codebook(w.data(), {30, 100}, 4, false, CodebookInit::kmeans_pp, 0, 43);
  const auto d = encode_codebook(w.data(), {30, 100}, 4, false, CodebookInit::kmeans_pp, 0, 42);
  REQUIRE(std::vector<uint8_t>(a.side, a.side + a.side_size) == std::vector<uint8_t>(b.side, b.side + b.side_size));
  REQUIRE(std::vector<uint8_t>(a.bytes, a.bytes + a.size) == std::vector<uint8_t>(b.bytes, b.bytes + b.size));
  REQUIRE(std::vector<uint8_t>(c.side, c.side + c.side_size) != std::vector<uint8_t>(d.side, d.side + d.side_size));
}

TEST_CASE("codebook: fewer distinct values than centroids (empty clusters)", "[schemes][codebook]") {
  std::vector<float> w;
  for (int i = 0; i < 300; ++i) w.push_back(static_cast<float>(i % 3) - 1.0f);  // -1, 0, 1
  for (auto init : {CodebookInit::linear, CodebookInit::kmeans_pp}) {
    const KMeans1D km = kmeans_1d(w, 256, init, 100, 5);
    REQUIRE(km.centroids.size() == 256);
    REQUIRE(km.final_mse == 0);
    const ConstData c = encode_codebook(w.data(), {3, 100}, 8, false, init, 100, 5);
    REQUIRE(decode(c, {3, 100}) == w);
    const ConstData pc = encode_codebook(w.data(), {3, 100}, 2, true, init, 100, 5);
    REQUIRE(decode(pc, {3, 100}) == w);
  }
  // Two far clusters with linear init leave middle centroids empty: they get re-seeded.
  std::vector<float> two;
  for (int i = 0; i < 200; ++i) two.push_back(i < 100 ? -1.0f + 0.001f * i : 1.0f + 0.001f * i);
  const KMeans1D km = kmeans_1d(two, 4, CodebookInit::linear, 100, 0);
  std::set<float> distinct(km.centroids.begin(), km.centroids.end());
  REQUIRE(distinct.size() == 4);
  REQUIRE(km.final_mse < km.initial_mse / 3);
  REQUIRE(kmeans_1d({}, 4, CodebookInit::kmeans_pp, 10, 0).centroids == std::vector<float>(4, 0.0f));
}

TEST_CASE("codebook: a 400k-weight tensor with 256 centroids", "[schemes][codebook]") {
  const auto w = random_weights(400 * 1000, 99);
  int calls = 0;
  double last = 0;
  const ConstData c = encode_codebook(w.data(), {400, 1000}, 8, false, CodebookInit::kmeans_pp, 100, 3,
                                      [&](double done) { ++calls, last = done; });
  REQUIRE(calls > 0);
  REQUIRE(last == 1.0);
  const auto out = decode(c, {400, 1000});
  REQUIRE(mse(out, w) < 1e-3 * 0.01);  // far below the variance (0.01) of the weights
}

TEST_CASE("codebook: bad parameters", "[schemes][codebook]") {
  const float w[4] = {1, 2, 3, 4};
  for (int bits : {0, 1, 9, 16})
    REQUIRE(code_of([&] { encode_codebook(w, {2, 2}, bits, false, CodebookInit::linear, 10, 0); }) ==
            Errc::invalid_argument);
  const float nan[2] = {1, NAN};
  REQUIRE(code_of([&] { encode_codebook(nan, {2}, 4, false, CodebookInit::linear, 10, 0); }) == Errc::invalid_argument);
  REQUIRE(code_of([&] { encode_codebook(w, {}, 4, false, CodebookInit::linear, 10, 0); }) == Errc::invalid_argument);
  REQUIRE(code_of([&] { encode_codebook(w, {4}, 4, false, CodebookInit::linear, -1, 0); }) == Errc::invalid_argument);
  // The layout needs the header: no side data at all is malformed.
  REQUIRE(code_of([] { scheme_layout(5, 1, DType::f32, std::vector<int64_t>{2, 2}, 4, {}, "t"); }) ==
          Errc::bad_tensor_record);
}

TEST_CASE("codebook: reader rejects wrong sizes and a malformed header", "[schemes][codebook]") {
  const std::vector<int64_t> dims{4, 12};
  const auto w = random_weights(48, 6);
  const ConstData c = encode_codebook(w.data(), dims, 3, true, CodebookInit::linear, 10, 0);
  const auto good = one_weight_bundle(c, dims);
  REQUIRE(read_code(good) == Errc::ok);
  std::string msg;
  REQUIRE(read_with_size_delta(c, dims, false, -1, &msg) == Errc::bad_tensor_record);
  REQUIRE(msg.find("codebook") != std::string::npos);
  REQUIRE(read_with_size_delta(c, dims, true, -4) == Errc::bad_tensor_record);

  const size_t side = first_side_offset(good);
  REQUIRE(good[side] == 3);
  auto patched = [&](size_t at, uint8_t v) {
    auto f = good;
    f[side + at] = v;
    reseal(f);
    return read_code(f, &msg);
  };
  REQUIRE(patched(0, 1) == Errc::bad_tensor_record);  // bits below 2
  REQUIRE(msg.find("side-data header") != std::string::npos);
  REQUIRE(patched(0, 9) == Errc::bad_tensor_record);  // bits above 8
  REQUIRE(patched(0, 4) == Errc::bad_tensor_record);  // valid bits, but the sizes no longer match
  REQUIRE(patched(1, 2) == Errc::bad_tensor_record);  // per_channel not 0/1
  REQUIRE(patched(1, 0) == Errc::bad_tensor_record);  // per tensor needs a smaller table
  REQUIRE(patched(7, 1) == Errc::bad_tensor_record);  // reserved byte
}
