// .qcb bundle format v1.0: the normative byte layout (docs/FORMAT.md explains the
// rules and how versions evolve).
//
// All integers are little-endian; f32 values are stored as their IEEE-754 bits.
// Offsets are absolute file offsets unless stated otherwise. Strings ("str") are a
// u32 byte length followed by that many bytes of UTF-8 with no NUL and no terminator.
//
// File
//   [FileHeader, 64 B at offset 0][SectionEntry x section_count at section_table_offset]
//   [sections, each at a 64-byte-aligned offset]. Every byte outside the header, the
//   table and the sections' [offset, offset+size) ranges is zero padding. INTEGRITY is
//   the last section and its end is the end of the file.
//   The writer emits: header @0, table @64, then META, GRAPH, TENSORS, DATA, INTEGRITY
//   in this order, each at the next 64-byte boundary after the previous one.
//
// FileHeader (64 B)
//   0   u8[8]   magic "QCOMPBND"
//   8   u16     version_major (1; a reader rejects any other major)
//   10  u16     version_minor (0)
//   12  u32     flags: bits 0-15 optional (ignored when unknown), bits 16-31 required
//               (a reader rejects an unknown one). v1.0 defines none; writer emits 0.
//   16  u32     section_count (5..kMaxSections)
//   20  u32     reserved, 0
//   24  u64     file_size: the exact length of the file
//   32  u64     section_table_offset: multiple of 8, >= 64
//   40  u8[24]  reserved, 0
//
// SectionEntry (32 B)
//   0   u32     kind: 1 META, 2 GRAPH, 3 TENSORS, 4 DATA, 5 INTEGRITY
//   4   u32     flags, 0
//   8   u64     offset, multiple of 64
//   16  u64     size: exact content bytes (the padding after them is not counted)
//   24  u32     crc32 (IEEE, zlib's) of the section's bytes; 0 for INTEGRITY, whose
//               content is itself a hash over the table (a CRC there would be circular)
//   28  u32     reserved, 0
//
// META: the model metadata, one JSON object as UTF-8 text (RFC 8259, no BOM).
//
// GRAPH: a stream, consumed exactly:
//   str graph_name
//   u32 value_count, then per value:
//       str name; u8 dtype (graph/dtype.h codes); u8 rank; u16 reserved 0;
//       i32 tensor_record (index into TENSORS, or -1 for a non-constant value);
//       i64 dims[rank] (-1 = fixed at run time; only for non-constant values)
//   u32 node_count, then per node (in execution order):
//       str op (the op name from graph/ops.def); str name;
//       u32 n_inputs;  i32 inputs[n_inputs]   (value index, -1 = omitted optional input)
//       u32 n_outputs; i32 outputs[n_outputs] (value index)
//       u32 n_attrs, then per attr:
//           str name; u8 kind (1 i, 2 f, 3 s, 4 ints, 5 floats); u8[3] reserved 0;
//           i: i64 | f: f32 | s: str | ints: u32 n, i64[n] | floats: u32 n, f32[n]
//   u32 n_graph_inputs;  i32 graph_inputs[n]   (value index)
//   u32 n_graph_outputs; i32 graph_outputs[n]  (value index)
//
// TENSORS: u32 record_count; u32 reserved 0; then per record a TensorRecordHeader
//   (48 B) followed by i64 dims[rank]. The writer emits one record per constant value,
//   in value order. Offsets in a record are relative to the start of DATA.
//
// DATA: payloads and side data, each at an offset that is a multiple of 64 (relative
//   to DATA, which is itself 64-aligned in the file); a zero-size range has offset 0.
//   Ranges never overlap; bytes between them are zero. The writer stores, per record
//   in order, the payload then the side data.
//
// INTEGRITY: 32 B, the SHA-256 of file bytes [0, INTEGRITY.offset).
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace qc::bundle {

static_assert(std::endian::native == std::endian::little, "the bundle reader maps little-endian structs directly");

inline constexpr char kMagic[8] = {'Q', 'C', 'O', 'M', 'P', 'B', 'N', 'D'};
inline constexpr uint16_t kVersionMajor = 1;
inline constexpr uint16_t kVersionMinor = 0;
inline constexpr uint64_t kAlignment = 64;
inline constexpr uint32_t kMaxSections = 16;
inline constexpr uint32_t kRequiredFlagsMask = 0xFFFF0000u;
inline constexpr uint32_t kKnownRequiredFlags = 0;
inline constexpr uint64_t kDigestSize = 32;

enum class SectionKind : uint32_t { meta = 1, graph = 2, tensors = 3, data = 4, integrity = 5 };
inline constexpr uint32_t kSectionKindCount = 5;  // kinds 1..5 are defined in v1.0

struct FileHeader {
  char magic[8];
  uint16_t version_major;
  uint16_t version_minor;
  uint32_t flags;
  uint32_t section_count;
  uint32_t reserved0;
  uint64_t file_size;
  uint64_t section_table_offset;
  uint8_t reserved[24];
};
static_assert(sizeof(FileHeader) == 64);
static_assert(offsetof(FileHeader, version_major) == 8 && offsetof(FileHeader, flags) == 12);
static_assert(offsetof(FileHeader, section_count) == 16 && offsetof(FileHeader, file_size) == 24);
static_assert(offsetof(FileHeader, section_table_offset) == 32 && offsetof(FileHeader, reserved) == 40);
static_assert(std::is_trivially_copyable_v<FileHeader>);

struct SectionEntry {
  uint32_t kind;
  uint32_t flags;
  uint64_t offset;
  uint64_t size;
  uint32_t crc32;
  uint32_t reserved;
};
static_assert(sizeof(SectionEntry) == 32);
static_assert(offsetof(SectionEntry, offset) == 8 && offsetof(SectionEntry, size) == 16);
static_assert(offsetof(SectionEntry, crc32) == 24 && offsetof(SectionEntry, reserved) == 28);
static_assert(std::is_trivially_copyable_v<SectionEntry>);

struct TensorRecordHeader {
  uint32_t value_index;     // the GRAPH value this record encodes
  uint16_t scheme;          // schemes/schemes.def id
  uint16_t scheme_version;  // 1..the scheme's latest_version
  uint8_t dtype;            // the value's logical dtype
  uint8_t rank;
  uint16_t reserved0;       // 0
  uint32_t reserved1;       // 0
  uint64_t payload_offset;  // relative to DATA
  uint64_t payload_size;    // == the scheme's expected size for dtype/dims
  uint64_t side_offset;     // relative to DATA
  uint64_t side_size;       // == the scheme's expected side-data size
};
static_assert(sizeof(TensorRecordHeader) == 48);
static_assert(offsetof(TensorRecordHeader, dtype) == 8 && offsetof(TensorRecordHeader, reserved1) == 12);
static_assert(offsetof(TensorRecordHeader, payload_offset) == 16 && offsetof(TensorRecordHeader, side_size) == 40);
static_assert(std::is_trivially_copyable_v<TensorRecordHeader>);

inline constexpr uint64_t kTensorSectionHeaderSize = 8;  // u32 record_count, u32 reserved

const char* section_kind_name(uint32_t kind);  // "meta", ..., or "unknown"

constexpr uint64_t align_up(uint64_t x) { return (x + kAlignment - 1) & ~(kAlignment - 1); }

}  // namespace qc::bundle
