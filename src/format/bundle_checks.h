// Validity rules shared by the bundle reader and writer, so a bundle the writer
// accepts is one the reader accepts (one place per rule). Each check returns a
// Problem instead of throwing so the caller can add its context (byte offset, tensor).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "format/bundle.h"

namespace qc::bundle {

struct Problem {
  Errc code = Errc::ok;
  std::string what;
  explicit operator bool() const { return code != Errc::ok; }
};

// Names and string attrs: valid UTF-8 without NUL bytes.
Problem check_string(std::string_view s, std::string_view what, Errc code);

// dtype defined, every dim >= 0 (or -1 where `allow_unknown`), product of the known
// dims without overflow (Errc::shape_overflow); rank <= limits.max_rank and product
// <= limits.max_elements (else Errc::limit_exceeded). `*elements` gets that product.
// A bad dtype or dim is reported with `code`.
Problem check_shape(uint8_t dtype, std::span<const int64_t> dims, bool allow_unknown, const ReadLimits& limits,
                    Errc code, uint64_t* elements);

// Attr names valid and unique within the node, kinds known.
Problem check_attrs(const std::vector<Attr>& attrs);

bool attr_kind_valid(uint8_t kind);

}  // namespace qc::bundle
