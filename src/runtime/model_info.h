// The JSON description of a loaded bundle that the JS API exposes as model.info.
#pragma once
#include <string>

#include "format/bundle.h"

namespace qc {

std::string model_info_json(const Bundle& bundle, size_t arena_bytes);

}  // namespace qc
