// The scheme table: lookup, ids and the dense layout.
#include <catch2/catch.hpp>

#include "common/error.h"
#include "schemes/scheme_table.h"

using namespace qc;

TEST_CASE("schemes: lookup by id and name", "[schemes]") {
  REQUIRE(find_scheme(uint16_t{0}) != nullptr);
  REQUIRE(std::string(find_scheme(uint16_t{0})->name) == "dense");
  REQUIRE(find_scheme("dense")->id == 0);
  REQUIRE(static_cast<uint16_t>(SchemeId::dense) == 0);
  REQUIRE(find_scheme(uint16_t{12345}) == nullptr);
  REQUIRE(find_scheme("nope") == nullptr);
  REQUIRE(std::string(scheme_name(12345)) == "?");
  try {
    (void)scheme_info(12345);
    FAIL("no throw");
  } catch (const Error& e) {
    REQUIRE(e.code() == Errc::unknown_scheme);
    REQUIRE(std::string(e.what()).find("12345") != std::string::npos);
  }
  REQUIRE(scheme_name_list().find("dense") != std::string::npos);
}

TEST_CASE("schemes: dense sizes follow the dtype", "[schemes]") {
  const std::vector<int64_t> dims{2, 3};
  REQUIRE(expected_payload_size(0, 1, DType::f32, dims, 6) == 24);
  REQUIRE(expected_payload_size(0, 1, DType::f16, dims, 6) == 12);
  REQUIRE(expected_payload_size(0, 1, DType::i64, dims, 6) == 48);
  REQUIRE(expected_payload_size(0, 1, DType::boolean, dims, 6) == 6);
  REQUIRE(expected_side_size(0, 1, DType::f32, dims, 6) == 0);
  REQUIRE(scheme_bits_per_weight(0, DType::f32) == 32);
  REQUIRE(scheme_bits_per_weight(0, DType::i8) == 8);

  auto code = [](uint16_t id, uint16_t version, DType dt, uint64_t elements) {
    try {
      (void)scheme_layout(id, version, dt, {}, elements, {}, "t");
      return Errc::ok;
    } catch (const Error& e) {
      return e.code();
    }
  };
  REQUIRE(code(0, 1, DType::f32, 1) == Errc::ok);
  REQUIRE(code(0, 0, DType::f32, 1) == Errc::unknown_scheme);
  REQUIRE(code(0, 2, DType::f32, 1) == Errc::unknown_scheme);
  REQUIRE(code(7, 1, DType::f32, 1) == Errc::unknown_scheme);
  REQUIRE(code(0, 1, DType::undefined, 1) == Errc::bad_tensor_record);
  REQUIRE(code(0, 1, DType::i64, uint64_t{1} << 62) == Errc::bad_tensor_record);  // bytes overflow
}
