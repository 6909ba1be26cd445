#include "format/tensor_section.h"

#include <algorithm>

#include "common/checked_math.h"
#include "format/bundle_checks.h"
#include "format/byte_reader.h"
#include "schemes/scheme_table.h"

namespace qc::bundle {

namespace {

struct DataRange {
  uint64_t begin, end;
  size_t record;
  const char* part;
};

// A payload or side-data range: 64-aligned, offset 0 when empty, inside DATA.
void check_range(const ByteReader& r, uint64_t field_at, const char* part, uint64_t offset, uint64_t size,
                 uint64_t data_size) {
  if (size == 0) {
    if (offset != 0) r.fail_at(field_at, std::string("empty ") + part + " must have offset 0", Errc::bad_tensor_record);
    return;
  }
  if (offset % kAlignment != 0)
    r.fail_at(field_at, std::string(part) + " offset " + std::to_string(offset) + " is not a multiple of " +
                            std::to_string(kAlignment),
              Errc::bad_tensor_record);
  uint64_t end = 0;
  if (add_overflows(offset, size, &end) || end > data_size)
    r.fail_at(field_at, std::string(part) + " [" + std::to_string(offset) + ", +" + std::to_string(size) +
                            ") lies outside the " + std::to_string(data_size) + "-byte data section",
              Errc::offset_out_of_range);
}

TensorRecord read_record(ByteReader& r, size_t index, const SectionView& data, const ReadLimits& limits) {
  TensorRecord rec;
  rec.file_offset = r.file_offset();
  r.set_context("tensor record " + std::to_string(index));
  const auto h = r.read<TensorRecordHeader>("tensor record header");
  if (h.reserved0 != 0 || h.reserved1 != 0)
    r.fail_at(rec.file_offset + offsetof(TensorRecordHeader, reserved0), "reserved fields must be zero",
              Errc::bad_tensor_record);
  if (h.rank > limits.max_rank)
    r.fail_at(rec.file_offset + offsetof(TensorRecordHeader, rank),
              "rank " + std::to_string(h.rank) + " exceeds the limit " + std::to_string(limits.max_rank),
              Errc::limit_exceeded);
  if (uint64_t{h.rank} * 8 > r.remaining()) r.fail_here("dims need " + std::to_string(h.rank * 8) + " bytes");
  rec.dims.resize(h.rank);
  for (auto& d : rec.dims) d = r.i64("dim");

  uint64_t elements = 0;
  if (auto p = check_shape(h.dtype, rec.dims, false, limits, Errc::bad_tensor_record, &elements))
    r.fail_at(rec.file_offset, p.what, p.code);
  rec.value_index = h.value_index;
  rec.scheme = h.scheme;
  rec.scheme_version = h.scheme_version;
  rec.dtype = static_cast<DType>(h.dtype);
  rec.payload_offset = h.payload_offset;
  rec.payload_size = h.payload_size;
  rec.side_offset = h.side_offset;
  rec.side_size = h.side_size;

  const uint64_t data_size = data.bytes.size();
  check_range(r, rec.file_offset + offsetof(TensorRecordHeader, payload_offset), "payload", h.payload_offset,
              h.payload_size, data_size);
  check_range(r, rec.file_offset + offsetof(TensorRecordHeader, side_offset), "side data", h.side_offset, h.side_size,
              data_size);

  const std::string where = "tensors section, tensor record " + std::to_string(index) + ", byte " +
                            std::to_string(rec.file_offset);
  const SchemeLayout want = scheme_layout(h.scheme, h.scheme_version, rec.dtype, rec.dims, elements,
                                          data.bytes.subspan(h.side_offset, h.side_size), where);
  if (want.payload_bytes != h.payload_size || want.side_bytes != h.side_size)
    r.fail_at(rec.file_offset + offsetof(TensorRecordHeader, payload_size),
              std::string("scheme '") + scheme_name(h.scheme) + "' needs " + std::to_string(want.payload_bytes) +
                  " payload + " + std::to_string(want.side_bytes) + " side bytes for " + dtype_name(rec.dtype) +
                  " x " + std::to_string(elements) + " elements, the record has " + std::to_string(h.payload_size) +
                  " + " + std::to_string(h.side_size),
              Errc::bad_tensor_record);
  return rec;
}

void check_data_coverage(const ByteReader& r, const std::vector<TensorRecord>& records, const SectionView& data) {
  std::vector<DataRange> ranges;
  ranges.reserve(records.size() * 2);
  for (size_t i = 0; i < records.size(); ++i) {
    const TensorRecord& t = records[i];
    if (t.payload_size) ranges.push_back({t.payload_offset, t.payload_offset + t.payload_size, i, "payload"});
    if (t.side_size) ranges.push_back({t.side_offset, t.side_offset + t.side_size, i, "side data"});
  }
  std::sort(ranges.begin(), ranges.end(), [](const DataRange& a, const DataRange& b) { return a.begin < b.begin; });
  uint64_t cursor = 0;
  const DataRange* prev = nullptr;
  for (const DataRange& d : ranges) {
    if (d.begin < cursor)
      r.fail_at(records[d.record].file_offset,
                std::string(d.part) + " of tensor record " + std::to_string(d.record) + " overlaps the " + prev->part +
                    " of tensor record " + std::to_string(prev->record) + " at data offset " + std::to_string(d.begin),
                Errc::bad_tensor_record);
    for (uint64_t i = cursor; i < d.begin; ++i)
      if (data.bytes[i] != 0)
        fail(Errc::bad_section, "data section, byte " + std::to_string(data.entry.offset + i) +
                                    ": nonzero byte outside every tensor payload");
    cursor = d.end;
    prev = &d;
  }
  for (uint64_t i = cursor; i < data.bytes.size(); ++i)
    if (data.bytes[i] != 0)
      fail(Errc::bad_section, "data section, byte " + std::to_string(data.entry.offset + i) +
                                  ": nonzero byte outside every tensor payload");
}

}  // namespace

std::vector<TensorRecord> read_tensor_section(const FileLayout& layout, const ReadLimits& limits) {
  ByteReader r(layout.tensors.bytes, layout.tensors.entry.offset, "tensors", Errc::bad_tensor_record);
  const uint32_t n = r.count("record count", sizeof(TensorRecordHeader), limits.max_values);
  r.reserved_zero(4, "reserved field after the record count");
  std::vector<TensorRecord> records;
  records.reserve(n);
  for (uint32_t i = 0; i < n; ++i) records.push_back(read_record(r, i, layout.data, limits));
  r.set_context("");
  r.expect_end();
  check_data_coverage(r, records, layout.data);
  return records;
}

}  // namespace qc::bundle
