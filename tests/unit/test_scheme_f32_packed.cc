// Scheme 6, f32_packed: the panel layout (element positions, zero padding), exact
// round trips across panel edges, sizes, and the reader rejecting wrong sizes.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "scheme_test_util.h"
#include "schemes/f32_packed.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_encoders.h"

using namespace qc;
using namespace qc::test;

namespace {

float payload_at(const ConstData& c, int64_t i) {
  float f;
  std::memcpy(&f, c.bytes + 4 * i, 4);
  return f;
}

}  // namespace

TEST_CASE("f32_packed: panel layout and zero padding", "[schemes][f32_packed]") {
  const int64_t n = 11, k = 3;  // two panels, the second with 3 real rows
  std::vector<float> w(n * k);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t i = 0; i < k; ++i) w[r * k + i] = static_cast<float>(100 * r + i);
  const ConstData c = encode_f32_packed(w.data(), {n, k});
  REQUIRE(c.scheme == static_cast<uint16_t>(SchemeId::f32_packed));
  REQUIRE(c.side_size == 0);
  REQUIRE(c.size == 2 * 8 * k * 4);
  for (int64_t p = 0; p < 2; ++p)
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < 8; ++j) {
        const int64_t r = 8 * p + j;
        INFO("panel " << p << " k " << i << " lane " << j);
        REQUIRE(payload_at(c, (p * k + i) * 8 + j) == (r < n ? w[r * k + i] : 0.f));
      }
  REQUIRE(f32_packed_row_offset(k, 9) == 1 * k * 8 + 1);
}

TEST_CASE("f32_packed: exact round trip across panel edges", "[schemes][f32_packed]") {
  for (int64_t n : {1, 7, 8, 9, 16, 17, 33})
    for (const std::vector<int64_t>& tail : std::vector<std::vector<int64_t>>{{1}, {5}, {3, 3, 3}, {2, 5, 5}}) {
      std::vector<int64_t> dims{n};
      dims.insert(dims.end(), tail.begin(), tail.end());
      const uint64_t count = product(dims), k = count / n;
      auto w = random_weights(count, static_cast<uint32_t>(n * 31 + k));
      w[0] = -0.0f;
      w[count - 1] = INFINITY;  // dense f32 allows any value; packing keeps it
      const ConstData c = encode_f32_packed(w.data(), dims);
      INFO("dims n=" << n << " k=" << k);
      REQUIRE(c.size == static_cast<uint64_t>(f32_panel_count(n)) * 8 * k * 4);
      REQUIRE(expected_payload_size(6, 1, DType::f32, dims, count) == c.size);
      const auto out = decode(c, dims);
      REQUIRE(out.size() == w.size());
      REQUIRE(std::memcmp(out.data(), w.data(), w.size() * 4) == 0);
    }
}

TEST_CASE("f32_packed: edge shapes and bad input", "[schemes][f32_packed]") {
  const ConstData empty = encode_f32_packed(nullptr, {0, 4});
  REQUIRE(empty.size == 0);
  const ConstData no_k = encode_f32_packed(nullptr, {3, 0});
  REQUIRE(no_k.size == 0);
  const float one = 2.5f;
  const ConstData rank1 = encode_f32_packed(&one, {1});  // N = 1, K = 1: one padded panel
  REQUIRE(rank1.size == 8 * 4);
  REQUIRE(decode(rank1, {1})[0] == 2.5f);
  REQUIRE(code_of([&] { encode_f32_packed(&one, {}); }) == Errc::invalid_argument);
  REQUIRE(code_of([] { scheme_layout(6, 1, DType::f32, {}, 1, {}, "t"); }) == Errc::bad_tensor_record);
  REQUIRE(code_of([] { scheme_layout(6, 1, DType::i8, std::vector<int64_t>{2, 2}, 4, {}, "t"); }) ==
          Errc::bad_tensor_record);
  // ceil(N / 8) * 8 * K * 4 overflowing 64 bits.
  REQUIRE(code_of([] {
            scheme_layout(6, 1, DType::f32, std::vector<int64_t>{int64_t{1} << 40, int64_t{1} << 22}, 0, {}, "t");
          }) == Errc::bad_tensor_record);
}

TEST_CASE("f32_packed: reader rejects wrong payload sizes", "[schemes][f32_packed]") {
  const std::vector<int64_t> dims{5, 9};
  const auto w = random_weights(45, 3);
  const ConstData c = encode_f32_packed(w.data(), dims);
  REQUIRE(read_code(one_weight_bundle(c, dims)) == Errc::ok);
  std::string msg;
  REQUIRE(read_with_size_delta(c, dims, false, -4, &msg) == Errc::bad_tensor_record);
  REQUIRE(msg.find("f32_packed") != std::string::npos);
  REQUIRE(read_with_size_delta(c, dims, false, -32, &msg) == Errc::bad_tensor_record);  // one panel step short
}
