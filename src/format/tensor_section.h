// Reader, step 2: the TENSORS section. Each record is checked against the limits,
// its scheme's exact payload/side sizes and the DATA section (in range, 64-aligned,
// non-overlapping, the bytes between ranges zero).
#pragma once
#include <cstdint>
#include <vector>

#include "format/bundle.h"
#include "format/section_table.h"

namespace qc::bundle {

struct TensorRecord {
  uint32_t value_index = 0;
  uint16_t scheme = 0, scheme_version = 0;
  DType dtype = DType::undefined;
  std::vector<int64_t> dims;
  uint64_t payload_offset = 0, payload_size = 0;  // relative to DATA
  uint64_t side_offset = 0, side_size = 0;        // relative to DATA
  uint64_t file_offset = 0;                       // of the record header, for messages
};

std::vector<TensorRecord> read_tensor_section(const FileLayout& layout, const ReadLimits& limits);

}  // namespace qc::bundle
