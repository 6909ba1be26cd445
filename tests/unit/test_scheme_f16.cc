// Scheme 1, f16: the conversion (rounding, inf/NaN, subnormals), sizes, encode/decode
// and the reader rejecting wrong sizes.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include "scheme_test_util.h"
#include "schemes/f16.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_encoders.h"

using namespace qc;
using namespace qc::test;

namespace {

uint32_t bits_of(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

}  // namespace

TEST_CASE("f16: every half value survives f16 -> f32 -> f16", "[schemes][f16]") {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const float f = f16_to_f32(static_cast<uint16_t>(h));
    INFO("half 0x" << std::hex << h);
    if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff)) {
      REQUIRE(std::isnan(f));
      REQUIRE(std::isnan(f16_to_f32(f32_to_f16(f))));
      continue;
    }
    REQUIRE(f32_to_f16(f) == h);
  }
}

TEST_CASE("f16: known values, rounding to nearest even, overflow, subnormals", "[schemes][f16]") {
  REQUIRE(f16_to_f32(0x3c00) == 1.0f);
  REQUIRE(f16_to_f32(0xc000) == -2.0f);
  REQUIRE(f16_to_f32(0x7bff) == 65504.0f);
  REQUIRE(f16_to_f32(0x0400) == 0x1p-14f);  // smallest normal
  REQUIRE(f16_to_f32(0x0001) == 0x1p-24f);  // smallest subnormal
  REQUIRE(f16_to_f32(0x03ff) == 1023 * 0x1p-24f);
  REQUIRE(bits_of(f16_to_f32(0x8000)) == 0x80000000u);  // -0
  REQUIRE(f16_to_f32(0x7c00) == std::numeric_limits<float>::infinity());
  REQUIRE(f16_to_f32(0xfc00) == -std::numeric_limits<float>::infinity());

  REQUIRE(f32_to_f16(1.0f + 0x1p-11f) == 0x3c00);      // tie -> even (down)
  REQUIRE(f32_to_f16(1.0f + 3 * 0x1p-11f) == 0x3c02);  // tie -> even (up)
  REQUIRE(f32_to_f16(1.0f + 0x1p-11f + 0x1p-20f) == 0x3c01);
  REQUIRE(f32_to_f16(65519.0f) == 0x7bff);
  REQUIRE(f32_to_f16(65520.0f) == 0x7c00);  // tie at the top rounds to infinity
  REQUIRE(f32_to_f16(-1e10f) == 0xfc00);
  REQUIRE(f32_to_f16(0x1p-25f) == 0x0000);      // tie -> even zero
  REQUIRE(f32_to_f16(0x1p-25f + 0x1p-40f) == 0x0001);
  REQUIRE(f32_to_f16(3 * 0x1p-25f) == 0x0002);  // tie -> even
  REQUIRE(f32_to_f16(1e-30f) == 0x0000);
  REQUIRE(f32_to_f16(-1e-30f) == 0x8000);
  REQUIRE(f32_to_f16(0x1p-14f - 0x1p-26f) == 0x0400);  // rounds up into the normal range
  REQUIRE(f32_to_f16(std::numeric_limits<float>::infinity()) == 0x7c00);
  const uint16_t nan = f32_to_f16(std::numeric_limits<float>::quiet_NaN());
  REQUIRE((nan & 0x7c00) == 0x7c00);
  REQUIRE((nan & 0x3ff) != 0);
  float snan_payload_low;  // a NaN whose payload lies only in the dropped low bits stays NaN
  const uint32_t snan_bits = 0x7f800001u;
  std::memcpy(&snan_payload_low, &snan_bits, 4);
  REQUIRE(std::isnan(f16_to_f32(f32_to_f16(snan_payload_low))));
}

TEST_CASE("f16 scheme: sizes, encode and exact decode of representable values", "[schemes][f16]") {
  const std::vector<float> w{1.0f, -2.5f, 65504.0f, 0x1p-14f, 0x1p-24f, -0.0f, 0.0f, 1024.0f, -3.140625f, 0.099975586f,
                             0.5f, 7.0f};
  const std::vector<int64_t> dims{3, 2, 2};
  const ConstData c = encode_f16(w.data(), dims);
  REQUIRE(c.scheme == static_cast<uint16_t>(SchemeId::f16));
  REQUIRE(c.scheme_version == 1);
  REQUIRE(c.size == 24);
  REQUIRE(c.side_size == 0);
  REQUIRE(expected_payload_size(1, 1, DType::f32, dims, 12) == 24);
  const auto out = decode(c, dims);
  REQUIRE(out.size() == w.size());
  for (size_t i = 0; i < w.size(); ++i) REQUIRE(bits_of(out[i]) == bits_of(w[i]));

  const auto r = random_weights(100, 7);
  const ConstData cr = encode_f16(r.data(), {100});
  const auto back = decode(cr, {100});
  for (size_t i = 0; i < r.size(); ++i) REQUIRE(back[i] == f16_to_f32(f32_to_f16(r[i])));
  REQUIRE(std::fabs(back[3] - r[3]) <= std::fabs(r[3]) * 0x1p-11f);

  const float scalar = 3.0f;  // any rank, rank 0 included
  REQUIRE(decode(encode_f16(&scalar, {}), {}) == std::vector<float>{3.0f});
}

TEST_CASE("f16 scheme: layout rejects other dtypes; reader rejects wrong sizes", "[schemes][f16]") {
  auto code = [](DType dt) {
    try {
      (void)scheme_layout(1, 1, dt, std::vector<int64_t>{4}, 4, {}, "t");
      return Errc::ok;
    } catch (const Error& e) {
      return e.code();
    }
  };
  REQUIRE(code(DType::f32) == Errc::ok);
  REQUIRE(code(DType::i8) == Errc::bad_tensor_record);

  const auto w = random_weights(6 * 5, 1);
  const ConstData c = encode_f16(w.data(), {6, 5});
  REQUIRE(read_code(one_weight_bundle(c, {6, 5})) == Errc::ok);
  std::string msg;
  REQUIRE(read_with_size_delta(c, {6, 5}, false, -2, &msg) == Errc::bad_tensor_record);
  REQUIRE(msg.find("f16") != std::string::npos);
  REQUIRE(msg.find("60") != std::string::npos);
  REQUIRE(read_with_size_delta(c, {6, 5}, true, 4) == Errc::bad_tensor_record);
}
