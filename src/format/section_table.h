// Reader, step 1: the file header and section table. Validates magic, version,
// sizes, every section's range and alignment, overlaps, full coverage (gaps are
// zero padding), the required sections, per-section CRC-32s and the file hash.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "format/bundle.h"
#include "format/bundle_layout.h"

namespace qc::bundle {

struct SectionView {
  SectionEntry entry{};
  std::span<const uint8_t> bytes;
};

struct FileLayout {
  FileHeader header{};
  std::vector<SectionEntry> entries;  // table order, including skipped unknown kinds
  SectionView meta, graph, tensors, data, integrity;
};

FileLayout read_file_layout(std::span<const uint8_t> file, const ReadLimits& limits);

// Throws Errc::hash_mismatch when the SHA-256 of the bytes before INTEGRITY differs.
// `computed`: the SHA-256 of the bytes before the integrity section when the
// caller already has it (ReadLimits::file_sha256); null: hashed here.
void verify_file_hash(std::span<const uint8_t> file, const FileLayout& layout,
                      const std::array<uint8_t, 32>* computed = nullptr);

std::array<uint8_t, 32> stored_digest(const FileLayout& layout);

}  // namespace qc::bundle
