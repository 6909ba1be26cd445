// The reader rejects malformed bundles with a distinct Errc, never crashing.
// Deep checks are reached by patching bytes and then resealing CRCs + hash.
#include <catch2/catch.hpp>

#include "test_format_util.h"

using namespace qc;
using namespace qc::test;
using bundle::SectionKind;

namespace {

const std::vector<uint8_t>& sample_file() {
  static const std::vector<uint8_t> f = write_bundle(sample_graph(), kSampleMeta);
  return f;
}

// Offset of tensor record `k` (records follow the 8-byte TENSORS header).
size_t record_offset(const std::vector<uint8_t>& f, size_t k) {
  size_t at = entry_of(f, SectionKind::tensors).offset + bundle::kTensorSectionHeaderSize;
  for (size_t i = 0; i < k; ++i) at += sizeof(bundle::TensorRecordHeader) + 8 * peek<uint8_t>(f, at + 9);
  return at;
}

}  // namespace

TEST_CASE("reject: every truncation length", "[format][reject]") {
  const auto& f = sample_file();
  REQUIRE(read_code(f) == Errc::ok);
  for (size_t n = 0; n < f.size(); ++n) {
    std::vector<uint8_t> cut(f.begin(), f.begin() + n);
    INFO("length " << n);
    REQUIRE(read_code(cut) == Errc::truncated);
  }
}

TEST_CASE("reject: every single flipped byte", "[format][reject]") {
  const auto& f = sample_file();
  for (size_t i = 0; i < f.size(); ++i) {
    auto g = f;
    g[i] ^= 0x20;
    INFO("byte " << i);
    REQUIRE(read_code(g) != Errc::ok);
  }
}

TEST_CASE("reject: header fields", "[format][reject]") {
  auto f = sample_file();
  f[0] = 'X';
  REQUIRE(read_code(f) == Errc::bad_magic);

  f = sample_file();
  poke<uint16_t>(f, 8, 2);
  std::string msg;
  REQUIRE(read_code(f, &msg) == Errc::bad_version);
  REQUIRE(msg.find("2.0") != std::string::npos);

  f = sample_file();
  poke<uint32_t>(f, 12, 1u << 16);  // an unknown required flag
  REQUIRE(read_code(f) == Errc::bad_version);

  f = sample_file();
  poke<uint32_t>(f, 12, 1u);  // an unknown optional flag is ignored
  reseal(f);
  REQUIRE(read_code(f) == Errc::ok);

  f = sample_file();
  poke<uint32_t>(f, 16, 200);
  REQUIRE(read_code(f) == Errc::limit_exceeded);

  f = sample_file();
  f.push_back(0);
  REQUIRE(read_code(f) == Errc::bad_section);  // trailing bytes

  f = sample_file();
  f[50] = 1;  // reserved header byte
  REQUIRE(read_code(f) == Errc::bad_section);

  REQUIRE(read_code(sample_file(), &msg, ReadLimits{.max_file_bytes = 100}) == Errc::limit_exceeded);
}

TEST_CASE("reject: section table", "[format][reject]") {
  std::string msg;
  auto f = sample_file();
  auto e = entry_of(f, SectionKind::graph);
  e.offset = (f.size() + 64) & ~uint64_t{63};
  set_entry(f, SectionKind::graph, e);
  REQUIRE(read_code(f, &msg) == Errc::offset_out_of_range);
  REQUIRE(msg.find("graph") != std::string::npos);

  f = sample_file();
  e = entry_of(f, SectionKind::data);
  e.size = ~uint64_t{0} - 10;  // offset + size wraps around
  set_entry(f, SectionKind::data, e);
  REQUIRE(read_code(f) == Errc::offset_out_of_range);

  f = sample_file();
  e = entry_of(f, SectionKind::tensors);
  e.offset = entry_of(f, SectionKind::graph).offset;
  set_entry(f, SectionKind::tensors, e);
  REQUIRE(read_code(f, &msg) == Errc::section_overlap);
  REQUIRE(msg.find("overlaps") != std::string::npos);

  f = sample_file();
  e = entry_of(f, SectionKind::meta);
  e.offset += 8;
  set_entry(f, SectionKind::meta, e);
  REQUIRE(read_code(f) == Errc::bad_section);  // misaligned

  f = sample_file();
  e = entry_of(f, SectionKind::meta);
  e.kind = static_cast<uint32_t>(SectionKind::graph);
  set_entry(f, SectionKind::meta, e);
  REQUIRE(read_code(f, &msg) == Errc::bad_section);  // duplicate graph, missing meta

  f = sample_file();
  e = entry_of(f, SectionKind::meta);
  e.size -= 1;  // leaves a nonzero byte uncovered
  set_entry(f, SectionKind::meta, e);
  REQUIRE(read_code(f, &msg) == Errc::bad_section);
  REQUIRE(msg.find("padding") != std::string::npos);

  f = sample_file();
  f[entry_of(f, SectionKind::meta).offset - 1] = 7;  // a byte of padding
  REQUIRE(read_code(f) == Errc::bad_section);
}

TEST_CASE("reject: checksum and hash", "[format][reject]") {
  std::string msg;
  auto f = sample_file();
  const auto data = entry_of(f, SectionKind::data);
  f[data.offset + 5] ^= 1;
  REQUIRE(read_code(f, &msg) == Errc::checksum_mismatch);
  REQUIRE(msg.find("data") != std::string::npos);

  // With the CRC fixed up, the file hash still catches it...
  auto e = data;
  e.crc32 = crc32(std::span<const uint8_t>(f.data() + e.offset, e.size));
  set_entry(f, SectionKind::data, e);
  REQUIRE(read_code(f) == Errc::hash_mismatch);
  // ...unless hash verification is off.
  REQUIRE(read_code(f, &msg, ReadLimits{.verify_hash = false}) == Errc::ok);

  f = sample_file();
  f[f.size() - 1] ^= 0x80;  // the stored digest itself
  REQUIRE(read_code(f) == Errc::hash_mismatch);

  f = sample_file();
  poke<uint16_t>(f, 10, 3);  // minor version: structurally fine, but hashed
  REQUIRE(read_code(f) == Errc::hash_mismatch);
}

TEST_CASE("reject: shape products that overflow", "[format][reject]") {
  // A graph input: plant recognizable dims, then patch them to 2^40 x 2^40.
  auto f = write_bundle(sample_graph({7777, 8888}), kSampleMeta);
  const int64_t planted[2] = {7777, 8888};
  const size_t at = find_bytes(f, planted, sizeof planted, entry_of(f, SectionKind::graph).offset);
  poke<int64_t>(f, at, int64_t{1} << 40);
  poke<int64_t>(f, at + 8, int64_t{1} << 40);
  reseal(f);
  std::string msg;
  REQUIRE(read_code(f, &msg) == Errc::shape_overflow);
  REQUIRE(msg.find("'x'") != std::string::npos);

  // A constant's tensor record.
  f = sample_file();
  const size_t rec = record_offset(f, 0);  // "w", dims {4, 3}
  poke<int64_t>(f, rec + sizeof(bundle::TensorRecordHeader), int64_t{1} << 40);
  poke<int64_t>(f, rec + sizeof(bundle::TensorRecordHeader) + 8, int64_t{1} << 40);
  reseal(f);
  REQUIRE(read_code(f, &msg) == Errc::shape_overflow);
  REQUIRE(msg.find("tensor record 0") != std::string::npos);

  // Large but not overflowing: the element limit.
  f = sample_file();
  poke<int64_t>(f, rec + sizeof(bundle::TensorRecordHeader), int64_t{1} << 30);
  reseal(f);
  REQUIRE(read_code(f) == Errc::limit_exceeded);
}

TEST_CASE("reject: bad tensor records", "[format][reject]") {
  using H = bundle::TensorRecordHeader;
  const size_t rec = record_offset(sample_file(), 0);
  std::string msg;

  auto f = sample_file();
  poke<uint64_t>(f, rec + offsetof(H, payload_size), 52);  // w is 4x3 f32 = 48 bytes
  reseal(f);
  REQUIRE(read_code(f, &msg) == Errc::bad_tensor_record);
  REQUIRE(msg.find("48") != std::string::npos);

  f = sample_file();
  poke<uint64_t>(f, rec + offsetof(H, payload_offset), 64 * 1000);
  reseal(f);
  REQUIRE(read_code(f) == Errc::offset_out_of_range);

  f = sample_file();
  poke<uint64_t>(f, rec + offsetof(H, payload_offset), 8);
  reseal(f);
  REQUIRE(read_code(f) == Errc::bad_tensor_record);  // misaligned

  f = sample_file();
  const size_t rec1 = record_offset(f, 1);
  poke<uint64_t>(f, rec1 + offsetof(H, payload_offset), 0);  // b overlaps w
  reseal(f);
  REQUIRE(read_code(f, &msg) == Errc::bad_tensor_record);
  REQUIRE(msg.find("overlaps") != std::string::npos);

  f = sample_file();
  poke<uint16_t>(f, rec + offsetof(H, scheme), 77);
  reseal(f);
  REQUIRE(read_code(f) == Errc::unknown_scheme);

  f = sample_file();
  poke<uint16_t>(f, rec + offsetof(H, scheme_version), 2);
  reseal(f);
  REQUIRE(read_code(f) == Errc::unknown_scheme);

  f = sample_file();
  poke<uint8_t>(f, rec + offsetof(H, dtype), 4);  // not a dtype
  reseal(f);
  REQUIRE(read_code(f) == Errc::bad_tensor_record);

  f = sample_file();
  poke<uint8_t>(f, rec + offsetof(H, dtype), static_cast<uint8_t>(DType::i32));  // same size, other dtype
  reseal(f);
  REQUIRE(read_code(f, &msg) == Errc::bad_tensor_record);
  REQUIRE(msg.find("disagrees") != std::string::npos);

  f = sample_file();
  poke<uint32_t>(f, rec + offsetof(H, value_index), 0);  // names the input, which does not reference it
  reseal(f);
  REQUIRE(read_code(f) == Errc::bad_tensor_record);

  f = sample_file();
  poke<uint32_t>(f, entry_of(f, SectionKind::tensors).offset, 1000000);  // record count
  reseal(f);
  REQUIRE(read_code(f) == Errc::bad_tensor_record);

  f = sample_file();
  const auto data = entry_of(f, SectionKind::data);
  f[data.offset + 48] = 1;  // between w's payload and b's
  reseal(f);
  REQUIRE(read_code(f) == Errc::bad_section);
}

TEST_CASE("reject: bad graph section", "[format][reject]") {
  std::string msg;
  auto f = sample_file();
  const size_t gemm = find_string(f, "Gemm", entry_of(f, SectionKind::graph).offset);
  f[gemm + 1] = 'x';
  reseal(f);
  REQUIRE(read_code(f, &msg) == Errc::unsupported_op);
  REQUIRE(msg.find("Gxmm") != std::string::npos);
  REQUIRE(msg.find("'fc'") != std::string::npos);
  REQUIRE(msg.find("byte") != std::string::npos);

  f = sample_file();
  const size_t name = find_string(f, "reshape", entry_of(f, SectionKind::graph).offset);
  poke<uint32_t>(f, name - 4, 0x7FFFFFFF);  // a string length far past the section
  reseal(f);
  REQUIRE(read_code(f, &msg) == Errc::bad_graph);

  f = sample_file();
  // Node "clip": after its name come u32 n_inputs = 3 and the input indices {y, -1, max}.
  const size_t clip = find_string(f, std::string("\x04\0\0\0clip", 8), entry_of(f, SectionKind::graph).offset) + 8;
  REQUIRE(peek<uint32_t>(f, clip) == 3);
  poke<int32_t>(f, clip + 4, 1000);
  reseal(f);
  REQUIRE(read_code(f, &msg) == Errc::bad_graph);
  REQUIRE(msg.find("out of range") != std::string::npos);

  f = sample_file();
  poke<int32_t>(f, clip + 4, 5);  // value 5 is "y_clip", which clip itself produces
  reseal(f);
  REQUIRE(read_code(f) == Errc::bad_graph);

  f = sample_file();
  const size_t alpha = find_string(f, "alpha", entry_of(f, SectionKind::graph).offset) + 5;
  poke<uint8_t>(f, alpha, 9);  // attr kind
  reseal(f);
  REQUIRE(read_code(f) == Errc::bad_graph);

  f = sample_file();
  const auto graph = entry_of(f, SectionKind::graph);
  f[graph.offset + graph.size - 1] ^= 0xFF;  // last output index
  reseal(f);
  REQUIRE(read_code(f) == Errc::bad_graph);

  REQUIRE(read_code(sample_file(), &msg, ReadLimits{.max_rank = 1}) == Errc::limit_exceeded);
  REQUIRE(read_code(sample_file(), &msg, ReadLimits{.max_nodes = 2}) == Errc::limit_exceeded);
}

TEST_CASE("reject: bad metadata", "[format][reject]") {
  std::string msg;
  auto f = sample_file();
  const auto meta = entry_of(f, SectionKind::meta);
  f[meta.offset + meta.size - 1] = ',';  // the closing brace
  reseal(f);
  REQUIRE(read_code(f, &msg) == Errc::bad_metadata);
  REQUIRE(msg.find("byte " + std::to_string(meta.offset + meta.size)) != std::string::npos);

  REQUIRE(read_code(sample_file(), &msg, ReadLimits{.max_metadata_bytes = 10}) == Errc::limit_exceeded);
}

TEST_CASE("reject: random patches with valid checksums never crash", "[format][reject]") {
  // Whatever the reader accepts, the writer must accept too (one set of rules).
  const auto& base = sample_file();
  const uint64_t first_section = entry_of(base, SectionKind::meta).offset;
  const uint64_t integrity = entry_of(base, SectionKind::integrity).offset;
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int accepted = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    auto f = base;
    const int patches = 1 + static_cast<int>(next() % 4);
    for (int p = 0; p < patches; ++p) {
      const size_t at = first_section + next() % (integrity - first_section);
      const uint64_t r = next();
      f[at] = (r & 3) == 0 ? 0 : (r & 3) == 1 ? 0xFF : static_cast<uint8_t>(r >> 8);
    }
    reseal(f);
    AlignedBuffer copy{std::span<const uint8_t>(f)};
    try {
      const Bundle b = read_bundle(copy.span());
      ++accepted;
      INFO("iteration " << iter);
      REQUIRE_NOTHROW(write_bundle(b.graph, b.metadata_json));
    } catch (const Error&) {
    }
  }
  REQUIRE(accepted > 0);  // some patches (e.g. weight values) are legitimately fine
}

TEST_CASE("reject: a digest computed by the caller is compared, not trusted", "[format][reject]") {
  const auto& f = sample_file();
  const auto digest = sha256(std::span<const uint8_t>(f.data(), f.size() - bundle::kDigestSize));
  REQUIRE(read_code(f, nullptr, ReadLimits{.file_sha256 = &digest}) == Errc::ok);

  auto wrong = digest;
  wrong[0] ^= 1;
  std::string msg;
  REQUIRE(read_code(f, &msg, ReadLimits{.file_sha256 = &wrong}) == Errc::hash_mismatch);
  REQUIRE(msg.find("SHA-256") != std::string::npos);

  // A byte changed after the caller hashed the file: the CRCs still catch it.
  auto g = f;
  g[entry_of(g, SectionKind::data).offset + 5] ^= 1;
  REQUIRE(read_code(g, nullptr, ReadLimits{.file_sha256 = &digest}) == Errc::checksum_mismatch);
}
