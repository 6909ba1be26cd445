#include "format/section_table.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/checked_math.h"
#include "common/error.h"
#include "format/crc32.h"
#include "format/sha256.h"

namespace qc::bundle {

const char* section_kind_name(uint32_t kind) {
  switch (static_cast<SectionKind>(kind)) {
    case SectionKind::meta: return "meta";
    case SectionKind::graph: return "graph";
    case SectionKind::tensors: return "tensors";
    case SectionKind::data: return "data";
    case SectionKind::integrity: return "integrity";
  }
  return "unknown";
}

namespace {

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

std::string describe(const SectionEntry& e, size_t index) {
  return "section " + std::to_string(index) + " (" + section_kind_name(e.kind) + ", offset " +
         std::to_string(e.offset) + ", " + std::to_string(e.size) + " bytes)";
}

void check_header(std::span<const uint8_t> file, const FileHeader& h) {
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0)
    fail(Errc::bad_magic, "byte 0: not a .qcb bundle (magic is not \"QCOMPBND\")");
  if (h.version_major != kVersionMajor)
    fail(Errc::bad_version, "byte 8: bundle format version " + std::to_string(h.version_major) + "." +
                                std::to_string(h.version_minor) + " is not supported (this reader reads 1.x)");
  const uint32_t unknown_required = h.flags & kRequiredFlagsMask & ~kKnownRequiredFlags;
  if (unknown_required)
    fail(Errc::bad_version, "byte 12: the bundle requires feature flags " + hex32(unknown_required) +
                                " unknown to this reader (format " + std::to_string(kVersionMajor) + "." +
                                std::to_string(kVersionMinor) + ")");
  if (h.reserved0 != 0) fail(Errc::bad_section, "byte 20: reserved header field must be zero");
  for (size_t i = 0; i < sizeof h.reserved; ++i)
    if (h.reserved[i] != 0)
      fail(Errc::bad_section, "byte " + std::to_string(offsetof(FileHeader, reserved) + i) +
                                  ": reserved header byte must be zero");
  if (h.file_size > file.size())
    fail(Errc::truncated, "byte 24: the header declares " + std::to_string(h.file_size) + " bytes but only " +
                              std::to_string(file.size()) + " are present (truncated file)");
  if (h.file_size < file.size())
    fail(Errc::bad_section, "byte 24: the header declares " + std::to_string(h.file_size) + " bytes but the input has " +
                                std::to_string(file.size()) + " (trailing bytes)");
  if (h.section_count > kMaxSections)
    fail(Errc::limit_exceeded, "byte 16: " + std::to_string(h.section_count) + " sections exceed the limit " +
                                   std::to_string(kMaxSections));
  if (h.section_count < kSectionKindCount)
    fail(Errc::bad_section, "byte 16: " + std::to_string(h.section_count) + " sections, a v1 bundle needs at least " +
                                std::to_string(kSectionKindCount));
}

struct Region {
  uint64_t begin, end;
  std::string name;
};

// Sorted regions must not overlap; the gaps between them (and up to file end) must be zero.
void check_coverage(std::span<const uint8_t> file, std::vector<Region> regions) {
  std::sort(regions.begin(), regions.end(),
            [](const Region& a, const Region& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  uint64_t cursor = 0;
  const Region* last = nullptr;
  for (const Region& r : regions) {
    if (r.begin < cursor)
      fail(Errc::section_overlap, r.name + " overlaps " + last->name + " (byte " + std::to_string(r.begin) +
                                      " < end " + std::to_string(cursor) + ")");
    for (uint64_t i = cursor; i < r.begin; ++i)
      if (file[i] != 0)
        fail(Errc::bad_section, "byte " + std::to_string(i) + ": nonzero padding before " + r.name);
    cursor = r.end;
    last = &r;
  }
  for (uint64_t i = cursor; i < file.size(); ++i)
    if (file[i] != 0) fail(Errc::bad_section, "byte " + std::to_string(i) + ": nonzero padding at the end of the file");
}

}  // namespace

FileLayout read_file_layout(std::span<const uint8_t> file, const ReadLimits& limits) {
  if (file.size() > limits.max_file_bytes)
    fail(Errc::limit_exceeded, "bundle of " + std::to_string(file.size()) + " bytes exceeds the limit " +
                                   std::to_string(limits.max_file_bytes));
  if (file.size() < sizeof(FileHeader))
    fail(Errc::truncated, "bundle of " + std::to_string(file.size()) + " bytes is shorter than the " +
                              std::to_string(sizeof(FileHeader)) + "-byte header (truncated file)");
  FileLayout out;
  std::memcpy(&out.header, file.data(), sizeof(FileHeader));
  const FileHeader& h = out.header;
  check_header(file, h);

  uint64_t table_end = 0;
  if (h.section_table_offset % 8 != 0 || h.section_table_offset < sizeof(FileHeader))
    fail(Errc::bad_section, "byte 32: section table offset " + std::to_string(h.section_table_offset) +
                                " must be a multiple of 8 and at least 64");
  if (add_overflows(h.section_table_offset, uint64_t{h.section_count} * sizeof(SectionEntry), &table_end) ||
      table_end > h.file_size)
    fail(Errc::offset_out_of_range, "byte 32: section table at offset " + std::to_string(h.section_table_offset) +
                                        " with " + std::to_string(h.section_count) + " entries ends past the " +
                                        std::to_string(h.file_size) + "-byte file");

  std::vector<Region> regions{{0, sizeof(FileHeader), "the file header"},
                              {h.section_table_offset, table_end, "the section table"}};
  SectionView* required[kSectionKindCount + 1] = {nullptr, &out.meta, &out.graph, &out.tensors, &out.data, &out.integrity};
  bool seen[kSectionKindCount + 1] = {};
  out.entries.resize(h.section_count);
  for (size_t i = 0; i < h.section_count; ++i) {
    const uint64_t at = h.section_table_offset + i * sizeof(SectionEntry);
    SectionEntry& e = out.entries[i];
    std::memcpy(&e, file.data() + at, sizeof e);
    const std::string name = describe(e, i);
    const std::string where = "byte " + std::to_string(at) + ", " + name + ": ";
    const bool known = e.kind >= 1 && e.kind <= kSectionKindCount;
    if (!known && (e.kind == 0 || h.version_minor <= kVersionMinor))
      fail(Errc::bad_section, where + "unknown section kind " + std::to_string(e.kind));
    if (e.flags != 0 || e.reserved != 0) fail(Errc::bad_section, where + "flags and reserved fields must be zero");
    if (e.offset % kAlignment != 0)
      fail(Errc::bad_section, where + "offset is not a multiple of " + std::to_string(kAlignment));
    uint64_t end = 0;
    if (add_overflows(e.offset, e.size, &end) || end > h.file_size)
      fail(Errc::offset_out_of_range, where + "extends past the end of the " + std::to_string(h.file_size) + "-byte file");
    regions.push_back({e.offset, end, name});
    if (!known) continue;
    if (seen[e.kind]) fail(Errc::bad_section, where + "duplicate " + section_kind_name(e.kind) + " section");
    seen[e.kind] = true;
    *required[e.kind] = SectionView{e, file.subspan(e.offset, e.size)};
  }
  for (uint32_t k = 1; k <= kSectionKindCount; ++k)
    if (!seen[k]) fail(Errc::bad_section, std::string("required section '") + section_kind_name(k) + "' is missing");

  check_coverage(file, regions);

  const SectionEntry& integ = out.integrity.entry;
  if (integ.size != kDigestSize || integ.offset + integ.size != h.file_size)
    fail(Errc::bad_section, "integrity section (offset " + std::to_string(integ.offset) + ") must be the last " +
                                std::to_string(kDigestSize) + " bytes of the file");
  for (const Region& r : regions)
    if (r.end > integ.offset && r.begin != integ.offset)
      fail(Errc::bad_section, r.name + " lies after the integrity section, which must be last");
  if (integ.crc32 != 0) fail(Errc::bad_section, "integrity section: its crc32 table field must be zero");

  for (size_t i = 0; i < out.entries.size(); ++i) {
    const SectionEntry& e = out.entries[i];
    if (e.kind == static_cast<uint32_t>(SectionKind::integrity)) continue;
    const uint32_t actual = crc32(file.subspan(e.offset, e.size));
    if (actual != e.crc32)
      fail(Errc::checksum_mismatch, describe(e, i) + ": CRC-32 is " + hex32(actual) + " but the table records " +
                                        hex32(e.crc32) + " (corrupted section)");
  }
  return out;
}

std::array<uint8_t, 32> stored_digest(const FileLayout& layout) {
  std::array<uint8_t, 32> d{};
  std::memcpy(d.data(), layout.integrity.bytes.data(), d.size());
  return d;
}

void verify_file_hash(std::span<const uint8_t> file, const FileLayout& layout, const std::array<uint8_t, 32>* computed) {
  const auto actual = computed ? *computed : sha256(file.first(layout.integrity.entry.offset));
  const auto expected = stored_digest(layout);
  if (actual != expected)
    fail(Errc::hash_mismatch, "integrity section (byte " + std::to_string(layout.integrity.entry.offset) +
                                  "): SHA-256 of the file is " + sha256_hex(actual) + " but the bundle records " +
                                  sha256_hex(expected));
}

}  // namespace qc::bundle

