#include "reseal.h"

#include <cstring>

#include "format/bundle_layout.h"
#include "format/crc32.h"
#include "format/sha256.h"

namespace qc::fuzz {

bool reseal_bundle(std::span<uint8_t> bytes) {
  using namespace qc::bundle;
  if (bytes.size() < sizeof(FileHeader)) return false;
  FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  if (h.section_count > kMaxSections || h.section_table_offset > bytes.size() ||
      (bytes.size() - h.section_table_offset) / sizeof(SectionEntry) < h.section_count)
    return false;
  bool have_integrity = false;
  uint64_t integrity_at = 0;
  for (uint32_t i = 0; i < h.section_count; ++i) {
    uint8_t* at = bytes.data() + h.section_table_offset + i * sizeof(SectionEntry);
    SectionEntry e;
    std::memcpy(&e, at, sizeof e);
    if (e.offset > bytes.size() || e.size > bytes.size() - e.offset) continue;
    if (e.kind == static_cast<uint32_t>(SectionKind::integrity)) {
      have_integrity = e.size == kDigestSize;
      integrity_at = e.offset;
      continue;
    }
    e.crc32 = qc::crc32(std::span<const uint8_t>(bytes.data() + e.offset, e.size));
    std::memcpy(at, &e, sizeof e);
  }
  if (have_integrity) {
    const auto digest = qc::sha256(std::span<const uint8_t>(bytes.data(), integrity_at));
    std::memcpy(bytes.data() + integrity_at, digest.data(), digest.size());
  }
  return true;
}

}  // namespace qc::fuzz
