// SHA-256 and CRC-32 against published test vectors.
#include <catch2/catch.hpp>

#include <string>

#include "format/crc32.h"
#include "format/sha256.h"

using namespace qc;

namespace {

std::span<const uint8_t> bytes_of(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

}  // namespace

TEST_CASE("sha256: FIPS 180-4 vectors", "[format][hash]") {
  REQUIRE(sha256_hex(sha256(bytes_of(""))) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  REQUIRE(sha256_hex(sha256(bytes_of("abc"))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  REQUIRE(sha256_hex(sha256(bytes_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  REQUIRE(sha256_hex(sha256(bytes_of(std::string(1000000, 'a')))) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: incremental updates in odd chunks match one shot", "[format][hash]") {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += char('a' + (i * 7) % 26);
  for (size_t total : {0u, 55u, 56u, 63u, 64u, 65u, 119u, 120u, 1000u}) {
    const std::string s = text.substr(0, total);
    for (size_t chunk : {1u, 3u, 63u, 64u, 100u}) {
      Sha256 h;
      for (size_t at = 0; at < s.size(); at += chunk) h.update(bytes_of(s.substr(at, chunk)));
      REQUIRE(h.finish() == sha256(bytes_of(s)));
    }
  }
}

TEST_CASE("crc32: zlib vectors", "[format][hash]") {
  REQUIRE(crc32(bytes_of("")) == 0u);
  REQUIRE(crc32(bytes_of("123456789")) == 0xCBF43926u);
  REQUIRE(crc32(bytes_of("The quick brown fox jumps over the lazy dog")) == 0x414FA339u);
  const std::string s = "The quick brown fox jumps over the lazy dog";
  for (size_t split = 0; split <= s.size(); ++split)
    REQUIRE(crc32_update(crc32(bytes_of(s.substr(0, split))), bytes_of(s.substr(split))) == 0x414FA339u);
}
