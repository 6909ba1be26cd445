// The metadata JSON library: strict parsing with byte offsets, deterministic output.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

#include "common/error.h"
#include "format/json.h"
#include "format/json_number.h"

using namespace qc;

namespace {

std::string parse_error(const std::string& text, JsonParseOptions options = {}) {
  try {
    (void)Json::parse(text, options);
  } catch (const Error& e) {
    REQUIRE(e.code() == Errc::bad_metadata);
    return e.what();
  }
  FAIL("accepted: " << text);
  return "";
}

}  // namespace

TEST_CASE("json: parse and dump round trip", "[format][json]") {
  const std::string text = R"({"name":"m","n":3,"x":-0.5,"big":1e+300,"ok":true,"no":false,"nil":null,)"
                           R"("list":[1,2,[3,{}],[]],"s":"a\"b\\c\n\u00e9\ud83d\ude00"})";
  const Json j = Json::parse(text);
  REQUIRE(j.is_object());
  REQUIRE(j.find("name")->as_string() == "m");
  REQUIRE(j.find("n")->as_int() == 3);
  REQUIRE(j.find("x")->as_number() == -0.5);
  REQUIRE(j.find("big")->as_number() == 1e300);
  REQUIRE(j.find("ok")->as_bool());
  REQUIRE(j.find("nil")->is_null());
  REQUIRE(j.find("list")->size() == 4);
  REQUIRE(j.find("s")->as_string() == "a\"b\\c\n\xC3\xA9\xF0\x9F\x98\x80");
  REQUIRE(j.find("missing") == nullptr);
  const std::string compact = j.dump();
  REQUIRE(compact == R"({"name":"m","n":3,"x":-0.5,"big":1e+300,"ok":true,"no":false,"nil":null,)"
                     R"("list":[1,2,[3,{}],[]],"s":"a\"b\\c\n)"
                     "\xC3\xA9\xF0\x9F\x98\x80\"}");
  REQUIRE(Json::parse(compact) == j);
  REQUIRE(Json::parse(j.dump(2)) == j);
}

TEST_CASE("json: numbers print shortest exact form", "[format][json]") {
  REQUIRE(Json(0.1).dump() == "0.1");
  REQUIRE(Json(1.0 / 3).dump() == "0.3333333333333333");
  REQUIRE(Json(123456789012).dump() == "123456789012");
  REQUIRE(Json(-0.0).dump() == "0");
  REQUIRE(Json(2.5e-8).dump() == "2.5e-08");
  REQUIRE(Json(0.1f).dump() == "0.10000000149011612");
  REQUIRE(Json(0.1 + 0.2).dump() == "0.30000000000000004");
  REQUIRE(Json(-9007199254740991.0).dump() == "-9007199254740991");
  REQUIRE(Json(1234567890123456.5).dump() == "1234567890123456.5");
  REQUIRE(Json(5.76).dump() == "5.76");
  // The shortest form that reads back, as trying every precision from 1 up finds it.
  std::mt19937_64 rng(5);
  for (int i = 0; i < 2000; ++i) {
    const double x = std::ldexp(static_cast<double>(rng() % 1000000) + 0.5, static_cast<int>(rng() % 80) - 60);
    if (x == std::floor(x)) continue;  // integers print as digits
    std::string shortest;
    for (int precision = 1; precision <= 17 && shortest.empty(); ++precision) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.*g", precision, x);
      if (std::strtod(buf, nullptr) == x) shortest = buf;
    }
    REQUIRE(Json(x).dump() == shortest);
  }
  for (double x : {0.1, 1e-300, 123.456, -7e22, 3.141592653589793})
    REQUIRE(Json::parse(Json(x).dump()).as_number() == x);
}

TEST_CASE("json: pretty output is stable", "[format][json]") {
  Json j = Json::object();
  j.set("a", 1);
  j.set("b", Json::array({Json("x"), Json(nullptr)}));
  j.set("c", Json::object());
  j.set("a", 2);  // replaces in place
  REQUIRE(j.dump(2) == "{\n  \"a\": 2,\n  \"b\": [\n    \"x\",\n    null\n  ],\n  \"c\": {}\n}");
  Json s(std::string("tab\there \x01 bad\xFF"));
  REQUIRE(s.dump() == "\"tab\\there \\u0001 bad\\ufffd\"");
}

TEST_CASE("json: strict parse errors name the byte offset", "[format][json]") {
  REQUIRE(parse_error("{\"a\":1,}").find("byte 7") != std::string::npos);
  REQUIRE(parse_error("[01]").find("leading zero") != std::string::npos);
  REQUIRE(parse_error("{\"a\":1,\"a\":2}").find("duplicate key") != std::string::npos);
  REQUIRE(parse_error("\"\\x\"").find("invalid escape") != std::string::npos);
  REQUIRE(parse_error("\"\\ud800\"").find("surrogate") != std::string::npos);
  REQUIRE(parse_error("\"\\udc00\"").find("surrogate") != std::string::npos);
  REQUIRE(parse_error("\"a\nb\"").find("control character") != std::string::npos);
  REQUIRE(parse_error("\"\xC0\xAF\"").find("UTF-8") != std::string::npos);
  REQUIRE(parse_error("[1] x").find("after the JSON value") != std::string::npos);
  REQUIRE(parse_error("").find("end of input") != std::string::npos);
  REQUIRE(parse_error("[1e999]").find("out of range") != std::string::npos);
  REQUIRE(parse_error("[NaN]").find("byte 1") != std::string::npos);
  REQUIRE(parse_error("[tru]", {.base_offset = 1000}).find("byte 1001") != std::string::npos);
  REQUIRE(parse_error("// c\n{}").find("byte 0") != std::string::npos);
  REQUIRE(parse_error("[1.]").find("digit") != std::string::npos);
  REQUIRE(parse_error("[-]").find("digit") != std::string::npos);
}

TEST_CASE("json: nesting depth is limited", "[format][json]") {
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  REQUIRE(Json::parse(ok).is_array());
  const std::string deep = std::string(65, '[') + std::string(65, ']');
  REQUIRE(parse_error(deep).find("nesting") != std::string::npos);
  const std::string huge = std::string(100000, '[');
  REQUIRE(parse_error(huge).find("nesting") != std::string::npos);
}

TEST_CASE("json: typed access mismatches throw bad_metadata", "[format][json]") {
  const Json j = Json::parse(R"({"a":"s","n":1.5})");
  try {
    (void)j.find("a")->as_number();
    FAIL("no throw");
  } catch (const Error& e) {
    REQUIRE(e.code() == Errc::bad_metadata);
  }
  REQUIRE_THROWS_AS(j.find("n")->as_int(), Error);
  REQUIRE_THROWS_AS(j.items(), Error);
}

TEST_CASE("json: numbers convert exactly where promised, within an ulp elsewhere (strtod as the oracle)", "[format][json]") {
  auto ulps = [](double a, double b) {
    int64_t ia, ib;
    std::memcpy(&ia, &a, 8);
    std::memcpy(&ib, &b, 8);
    return ia > ib ? ia - ib : ib - ia;
  };
  for (const char* s : {"0", "-0", "1", "-17", "9007199254740991", "9007199254740992", "0.00392156862745098",
                        "0.1", "0.2860", "0.3530", "1e22", "1.5e-21", "123456789012345e-10", "3.141592653589793"}) {
    INFO(s);
    const auto v = qc::json_number_exact(s);
    REQUIRE(v.has_value());
    CHECK(*v == std::strtod(s, nullptr));
    CHECK(std::signbit(*v) == std::signbit(std::strtod(s, nullptr)));
    CHECK(qc::json_number_value(s) == *v);
    CHECK(qc::json_number_near(s) == *v);
  }
  for (const char* s : {"0.30000000000000004", "1e23", "1e-300", "1.7976931348623157e308", "12345678901234567890123",
                        "-2.2250738585072014e-308", "0.000000000000000000000000000001234"}) {
    INFO(s);
    CHECK_FALSE(qc::json_number_exact(s).has_value());
    CHECK(ulps(qc::json_number_near(s), std::strtod(s, nullptr)) <= 1);
    CHECK(qc::json_number_value(s) == std::strtod(s, nullptr));
  }
  CHECK(std::isinf(qc::json_number_near("1e400")));
  CHECK(qc::json_number_near("1e-400") == 0);
  CHECK(qc::json_number_near("-0.0e99999999999") == 0);
  std::mt19937_64 rng(7);
  char buf[40];
  for (int i = 0; i < 20000; ++i) {
    uint64_t bits = rng();
    double x;
    std::memcpy(&x, &bits, 8);
    if (!std::isfinite(x)) continue;
    std::snprintf(buf, sizeof buf, "%.17g", x);
    INFO(buf);
    REQUIRE(ulps(qc::json_number_near(buf), std::strtod(buf, nullptr)) <= 1);
    const auto exact = qc::json_number_exact(buf);
    if (exact) REQUIRE(*exact == std::strtod(buf, nullptr));
    // dump always reads back exactly with a correct reader.
    const std::string text = qc::Json(x).dump();
    REQUIRE(std::strtod(text.c_str(), nullptr) == x);
  }
}
