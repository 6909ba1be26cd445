// The .qcb model bundle: public API of the format library shared by the
// converter (writer + reader) and the runtime (reader only).
// The byte layout is specified in docs/FORMAT.md and in bundle_layout.h.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "graph/ir.h"

namespace qc {

struct ReadLimits {
  uint64_t max_file_bytes = 1ull << 31;     // 2 GiB
  uint64_t max_values = 1u << 20;
  uint64_t max_nodes = 1u << 20;
  uint64_t max_rank = 8;
  uint64_t max_elements = 1ull << 31;       // per tensor
  uint64_t max_metadata_bytes = 16u << 20;
  bool verify_hash = true;                  // SHA-256 of the whole file
  // The SHA-256 of the file without its last 32 bytes (where a valid bundle keeps
  // its integrity section), when the caller computed it faster (the JS API uses
  // the platform's WebCrypto); it is compared with the stored digest instead of
  // hashing here. Null: hashed here.
  const std::array<uint8_t, 32>* file_sha256 = nullptr;
};

struct SectionInfo {
  uint32_t kind;
  std::string name;   // "meta", "graph", "tensors", "data", "integrity"
  uint64_t offset;
  uint64_t size;
  uint32_t crc32;
};

struct TensorRecordInfo {
  std::string name;
  uint16_t scheme;
  uint16_t scheme_version;
  DType dtype;
  std::vector<int64_t> dims;
  uint64_t payload_offset, payload_size;  // absolute file offsets
  uint64_t side_offset, side_size;
};

// A validated bundle. graph's constant tensors are views into the bytes passed to
// read_bundle (no copy): those bytes must outlive the Bundle.
struct Bundle {
  uint16_t version_major = 0, version_minor = 0;
  uint32_t flags = 0;
  Graph graph;
  std::string metadata_json;
  std::vector<SectionInfo> sections;
  std::vector<TensorRecordInfo> tensors;
  std::array<uint8_t, 32> sha256{};
};

// Validates every length, offset, count, shape product, checksum and the file hash
// before use; throws qc::Error with a distinct Errc and the byte offset at fault.
// `bytes.data()` must be 64-byte aligned for in-place weight views (else Errc::invalid_argument).
Bundle read_bundle(std::span<const uint8_t> bytes, const ReadLimits& limits = {});

// Serializes graph + metadata. Deterministic: the same inputs give the same bytes,
// and read_bundle followed by write_bundle reproduces a bundle byte for byte.
std::vector<uint8_t> write_bundle(const Graph& graph, const std::string& metadata_json);

std::string sha256_hex(const std::array<uint8_t, 32>& digest);

}  // namespace qc
