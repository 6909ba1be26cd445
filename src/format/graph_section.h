// The GRAPH section (layout in bundle_layout.h): reader and writer halves.
#pragma once
#include <cstdint>
#include <vector>

#include "format/bundle.h"
#include "format/section_table.h"
#include "format/tensor_section.h"

namespace qc::bundle {

// Decodes the graph, links each constant value to its tensor record (a zero-copy
// view into DATA) and runs Graph::validate().
Graph read_graph_section(const FileLayout& layout, const std::vector<TensorRecord>& records, const ReadLimits& limits);

// record_of_value[v] is the tensor record index of value v, or -1. (Writer library.)
std::vector<uint8_t> encode_graph_section(const Graph& graph, const std::vector<int32_t>& record_of_value);

}  // namespace qc::bundle
