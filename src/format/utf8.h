// UTF-8 validation for strings read from untrusted bytes.
#pragma once
#include <cstddef>
#include <string_view>

namespace qc {

// Returns the byte offset of the first invalid sequence (overlong forms, surrogates
// and code points above U+10FFFF are invalid), or npos when `s` is valid UTF-8.
size_t find_invalid_utf8(std::string_view s);

inline bool valid_utf8(std::string_view s) { return find_invalid_utf8(s) == std::string_view::npos; }

}  // namespace qc
