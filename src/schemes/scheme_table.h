// Lookup into the scheme table generated from schemes.def.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "graph/dtype.h"

namespace qc {

enum class SchemeId : uint16_t {
#define SCHEME(id, name, version, bits, layout_fn) name = id,
#include "schemes/schemes.def"
#undef SCHEME
};

// Exact byte sizes of a constant encoded with a scheme.
struct SchemeLayout {
  uint64_t payload_bytes = 0;
  uint64_t side_bytes = 0;
};

// `elements` is the (already overflow-checked) product of `dims`. `side` is the
// tensor's side data as stored, for schemes whose parameters (e.g. a codebook's
// size) live in a fixed header at its start; it may be shorter than expected, and
// a layout_fn must check its length before reading it.
// Returns false when the scheme cannot encode this dtype/shape; must not throw and
// must use overflow-checked arithmetic (common/checked_math.h).
using SchemeLayoutFn = bool (*)(uint16_t version, DType dtype, std::span<const int64_t> dims, uint64_t elements,
                                std::span<const uint8_t> side, SchemeLayout* out);

struct SchemeInfo {
  uint16_t id;
  const char* name;
  uint16_t latest_version;
  uint32_t bits_per_weight;  // 0 = 8 * dtype size
  SchemeLayoutFn layout;
};

const SchemeInfo* find_scheme(uint16_t id);            // nullptr when unknown
const SchemeInfo* find_scheme(std::string_view name);  // nullptr when unknown
const SchemeInfo& scheme_info(uint16_t id);            // throws Errc::unknown_scheme
const char* scheme_name(uint16_t id);                  // "?" when unknown

// Nominal bits per element of `dtype` under the scheme.
uint32_t scheme_bits_per_weight(uint16_t id, DType dtype);

// The exact sizes a constant must have. Throws Errc::unknown_scheme for an unknown id
// or version, Errc::bad_tensor_record when the scheme cannot encode this dtype/shape
// (or the side-data header is malformed); `where` names the tensor in messages.
SchemeLayout scheme_layout(uint16_t id, uint16_t version, DType dtype, std::span<const int64_t> dims,
                           uint64_t elements, std::span<const uint8_t> side, const std::string& where);
uint64_t expected_payload_size(uint16_t id, uint16_t version, DType dtype, std::span<const int64_t> dims,
                               uint64_t elements);
uint64_t expected_side_size(uint16_t id, uint16_t version, DType dtype, std::span<const int64_t> dims,
                            uint64_t elements, std::span<const uint8_t> side = {});

// Every scheme name, comma-separated, for error messages and `--help`.
std::string scheme_name_list();

#define SCHEME(id, name, version, bits, layout_fn)                                                         \
  bool layout_fn(uint16_t, DType, std::span<const int64_t>, uint64_t, std::span<const uint8_t>, SchemeLayout*);
#include "schemes/schemes.def"
#undef SCHEME

}  // namespace qc
