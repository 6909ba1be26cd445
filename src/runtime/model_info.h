// The JSON description of a loaded bundle that the JS API exposes as model.info.
#pragma once
#include <string>

#include "format/bundle.h"
#include "format/json.h"

namespace qc {

std::string model_info_json(const Bundle& bundle, size_t arena_bytes);

// Shared by the runtime's info and the converter's metadata/inspect output.
Json dims_json(const std::vector<int64_t>& dims);
// [{name, dtype, dims}] for the given graph values (inputs or outputs).
Json graph_io_json(const Graph& g, const std::vector<int>& ids);

}  // namespace qc
