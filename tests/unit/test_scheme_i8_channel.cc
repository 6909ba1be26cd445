// Scheme 2, i8_channel: sizes, the per-row error bound, and the reader rejecting
// wrong payload / side sizes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "scheme_test_util.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_encoders.h"

using namespace qc;
using namespace qc::test;

namespace {

float scale_of(const ConstData& c, int64_t n) {
  float s;
  std::memcpy(&s, c.side + 4 * n, 4);
  return s;
}

}  // namespace

TEST_CASE("i8_channel: sizes and error within scale/2 per element", "[schemes][i8_channel]") {
  const std::vector<int64_t> dims{7, 3, 3, 3};  // conv OIHW: N = 7, K = 27
  auto w = random_weights(7 * 27, 11);
  for (int64_t i = 0; i < 27; ++i) w[2 * 27 + i] = 0;        // an all-zero row
  for (int64_t i = 0; i < 27; ++i) w[3 * 27 + i] *= 1000;    // a large row
  for (int64_t i = 0; i < 27; ++i) w[4 * 27 + i] *= 1e-6f;   // a tiny row
  w[5 * 27 + 4] = -3.0f;                                     // an outlier
  const ConstData c = encode_i8_channel(w.data(), dims);
  REQUIRE(c.scheme == static_cast<uint16_t>(SchemeId::i8_channel));
  REQUIRE(c.size == 7 * 27);
  REQUIRE(c.side_size == 7 * 4);
  REQUIRE(expected_payload_size(2, 1, DType::f32, dims, 189) == 189);
  REQUIRE(expected_side_size(2, 1, DType::f32, dims, 189) == 28);

  const auto out = decode(c, dims);
  const auto* q = reinterpret_cast<const int8_t*>(c.bytes);
  for (int64_t n = 0; n < 7; ++n) {
    const float scale = scale_of(c, n);
    REQUIRE(scale > 0);
    int max_q = 0;
    for (int64_t k = 0; k < 27; ++k) {
      const int64_t i = n * 27 + k;
      INFO("row " << n << " col " << k);
      REQUIRE(q[i] >= -127);
      max_q = std::max(max_q, std::abs(int{q[i]}));
      REQUIRE(std::fabs(out[i] - w[i]) <= scale / 2 * (1 + 1e-6f));
      REQUIRE(out[i] == scale * q[i]);
    }
    REQUIRE(max_q == (n == 2 ? 0 : 127));
  }
  REQUIRE(out[5 * 27 + 4] == Approx(-3.0f).epsilon(1e-6));
}

TEST_CASE("i8_channel: edge shapes and bad input", "[schemes][i8_channel]") {
  const float one = -0.5f;
  const ConstData c = encode_i8_channel(&one, {1});  // rank 1: N = 1, K = 1
  REQUIRE(c.size == 1);
  REQUIRE(decode(c, {1})[0] == -0.5f);
  const ConstData empty = encode_i8_channel(nullptr, {0, 4});
  REQUIRE(empty.size == 0);
  REQUIRE(empty.side_size == 0);

  REQUIRE(code_of([&] { encode_i8_channel(&one, {}); }) == Errc::invalid_argument);
  const float nan[2] = {1.0f, NAN};
  REQUIRE(code_of([&] { encode_i8_channel(nan, {1, 2}); }) == Errc::invalid_argument);
  REQUIRE(code_of([] { scheme_layout(2, 1, DType::f32, {}, 1, {}, "t"); }) == Errc::bad_tensor_record);  // rank 0
  REQUIRE(code_of([] { scheme_layout(2, 1, DType::i8, std::vector<int64_t>{2}, 2, {}, "t"); }) ==
          Errc::bad_tensor_record);
}

TEST_CASE("i8_channel: reader rejects wrong payload or side sizes", "[schemes][i8_channel]") {
  const std::vector<int64_t> dims{5, 9};
  const auto w = random_weights(45, 3);
  const ConstData c = encode_i8_channel(w.data(), dims);
  REQUIRE(read_code(one_weight_bundle(c, dims)) == Errc::ok);
  std::string msg;
  REQUIRE(read_with_size_delta(c, dims, false, -1, &msg) == Errc::bad_tensor_record);
  REQUIRE(msg.find("i8_channel") != std::string::npos);
  REQUIRE(read_with_size_delta(c, dims, true, -4, &msg) == Errc::bad_tensor_record);
  REQUIRE(msg.find("20 side") != std::string::npos);
}
