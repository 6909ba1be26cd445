// Schemes 3 (q4_block) and 4 (q4_block_min): nibble order, sizes, the per-block error
// bound |w - decoded| <= |d|/2, padding, and the reader rejecting wrong sizes.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "scheme_test_util.h"
#include "schemes/q4_block.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_encoders.h"

using namespace qc;
using namespace qc::test;

namespace {

std::vector<float> test_weights(int64_t n, int64_t k) {
  auto w = random_weights(static_cast<size_t>(n * k), 21);
  for (int64_t i = 0; i < k; ++i) w[i] = 0;                // row 0: all zero
  if (n > 1)
    for (int64_t i = 0; i < k; ++i) w[k + i] = 0.25f;      // row 1: constant
  if (n > 2) w[2 * k] = -5.0f;                             // an outlier
  if (n > 3)
    for (int64_t i = 0; i < k; ++i) w[3 * k + i] = std::fabs(w[3 * k + i]) + 1.0f;  // all positive, offset
  return w;
}

// Checks every element against its block's |d|/2 and the padding nibbles.
void check_blocks(const ConstData& c, const std::vector<float>& w, int64_t n, int64_t k, bool with_min) {
  const int64_t blocks = q4_blocks_per_row(k);
  const size_t block_bytes = with_min ? sizeof(BlockQ4Min) : sizeof(BlockQ4);
  REQUIRE(c.size == static_cast<size_t>(n * blocks) * block_bytes);
  REQUIRE(c.side_size == 0);
  const auto out = decode(c, {n, k});
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t b = 0; b < blocks; ++b) {
      const uint8_t* p = c.bytes + (r * blocks + b) * block_bytes;
      const float d = with_min ? f16_to_f32(load_block_q4_min(p).d) : f16_to_f32(load_block_q4(p).d);
      uint8_t q[kQ4BlockLen];
      q4_unpack(with_min ? load_block_q4_min(p).qs : load_block_q4(p).qs, q);
      for (int64_t j = 0; j < kQ4BlockLen; ++j) {
        const int64_t col = b * kQ4BlockLen + j;
        INFO("row " << r << " block " << b << " element " << j << " d " << d);
        if (col >= k) {
          REQUIRE(q[j] == (with_min ? 0 : 8));
          continue;
        }
        const int64_t i = r * k + col;
        REQUIRE(std::fabs(out[i] - w[i]) <= std::fabs(d) / 2 * (1 + 1e-5f) + 1e-30f);
      }
    }
  }
}

}  // namespace

TEST_CASE("q4_block: nibble order and dequantization of a hand-made block", "[schemes][q4_block]") {
  BlockQ4 b{};
  b.d = 0x3c00;  // 1.0
  for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
  ConstData c = ConstData::owned(std::vector<uint8_t>(sizeof b), static_cast<uint16_t>(SchemeId::q4_block));
  std::memcpy(const_cast<uint8_t*>(c.bytes), &b, sizeof b);
  const auto out = decode(c, {1, 32});
  for (int j = 0; j < 16; ++j) {
    REQUIRE(out[j] == static_cast<float>(j - 8));
    REQUIRE(out[j + 16] == static_cast<float>(7 - j));
  }

  BlockQ4Min m{};
  m.d = 0x3800;  // 0.5
  m.m = 0xc000;  // -2
  for (int j = 0; j < 16; ++j) m.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
  ConstData cm = ConstData::owned(std::vector<uint8_t>(sizeof m), static_cast<uint16_t>(SchemeId::q4_block_min));
  std::memcpy(const_cast<uint8_t*>(cm.bytes), &m, sizeof m);
  const auto outm = decode(cm, {1, 20});  // one block, 12 padding elements
  REQUIRE(outm.size() == 20);
  for (int j = 0; j < 16; ++j) REQUIRE(outm[j] == 0.5f * j - 2.0f);
  for (int j = 0; j < 4; ++j) REQUIRE(outm[16 + j] == 0.5f * (15 - j) - 2.0f);
}

TEST_CASE("q4_block: sizes", "[schemes][q4_block]") {
  const std::vector<int64_t> dims{10, 3, 5, 5};  // K = 75 -> 3 blocks per row
  REQUIRE(expected_payload_size(3, 1, DType::f32, dims, 750) == 10 * 3 * 18);
  REQUIRE(expected_payload_size(4, 1, DType::f32, dims, 750) == 10 * 3 * 20);
  REQUIRE(expected_side_size(3, 1, DType::f32, dims, 750) == 0);
  REQUIRE(expected_payload_size(3, 1, DType::f32, std::vector<int64_t>{4, 32}, 128) == 4 * 18);
  REQUIRE(expected_payload_size(3, 1, DType::f32, std::vector<int64_t>{4, 33}, 132) == 8 * 18);
  REQUIRE(expected_payload_size(4, 1, DType::f32, std::vector<int64_t>{3}, 3) == 3 * 20);  // K = 1
  REQUIRE(expected_payload_size(3, 1, DType::f32, std::vector<int64_t>{0, 7}, 0) == 0);
}

TEST_CASE("q4_block: every weight within |d|/2, across block edges", "[schemes][q4_block]") {
  const bool with_min = GENERATE(false, true);
  for (int64_t k : {1, 5, 31, 32, 33, 64, 70, 127, 129}) {
    const int64_t n = 5;
    INFO((with_min ? "q4_block_min" : "q4_block") << " K " << k);
    const auto w = test_weights(n, k);
    const ConstData c = encode_q4_block(w.data(), {n, k}, with_min);
    REQUIRE(c.scheme == static_cast<uint16_t>(with_min ? SchemeId::q4_block_min : SchemeId::q4_block));
    check_blocks(c, w, n, k, with_min);
  }
  // Exactly representable weights come back exactly (zero rows, a constant row).
  const auto w = test_weights(5, 40);
  const ConstData c = encode_q4_block(w.data(), {5, 40}, with_min);
  const auto out = decode(c, {5, 40});
  for (int64_t i = 0; i < 80; ++i) REQUIRE(out[i] == w[i]);
}

TEST_CASE("q4_block: a 4-D conv weight and bad input", "[schemes][q4_block]") {
  const auto w = random_weights(8 * 27, 5, 0.3f);
  const ConstData c = encode_q4_block(w.data(), {8, 3, 3, 3}, false);
  check_blocks(c, w, 8, 27, false);
  const float big[2] = {1e6f, -1e6f};  // block scale beyond f16
  REQUIRE(code_of([&] { encode_q4_block(big, {1, 2}, false); }) == Errc::invalid_argument);
  const float inf[2] = {1.0f, INFINITY};
  REQUIRE(code_of([&] { encode_q4_block(inf, {1, 2}, true); }) == Errc::invalid_argument);
  REQUIRE(code_of([&] { encode_q4_block(inf, {}, true); }) == Errc::invalid_argument);
}

TEST_CASE("q4_block: reader rejects wrong payload or side sizes", "[schemes][q4_block]") {
  const bool with_min = GENERATE(false, true);
  const std::vector<int64_t> dims{3, 40};
  const auto w = random_weights(120, 9);
  const ConstData c = encode_q4_block(w.data(), dims, with_min);
  REQUIRE(read_code(one_weight_bundle(c, dims)) == Errc::ok);
  std::string msg;
  REQUIRE(read_with_size_delta(c, dims, false, -1, &msg) == Errc::bad_tensor_record);
  REQUIRE(msg.find(with_min ? "q4_block_min" : "q4_block") != std::string::npos);
  REQUIRE(read_with_size_delta(c, dims, false, -18) == Errc::bad_tensor_record);
  REQUIRE(read_with_size_delta(c, dims, true, 8) == Errc::bad_tensor_record);
}
