// NPY (numpy's .npy, versions 1-3): "\x93NUMPY", u8 major, u8 minor, header length
// (u16 LE for v1, u32 LE for v2/3), then an ASCII Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (N, ...), }, then the data.
#include <cctype>
#include <cstring>

#include "common/error.h"
#include "data/numeric_array.h"

namespace qc {

namespace {

constexpr char kNpyMagic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

// A cursor over the header dict; errors report absolute byte offsets.
class HeaderParser {
 public:
  HeaderParser(const std::string& text, size_t base, const std::string& path) : s_(text), base_(base), path_(path) {}

  [[noreturn]] void error(const std::string& what) const {
    fail(Errc::invalid_argument, path_ + ": malformed NPY header at byte offset " + std::to_string(base_ + pos_) +
                                     ": " + what);
  }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool accept(char c) {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!accept(c)) error(std::string("expected '") + c + "'");
  }
  std::string string_literal() {
    skip_space();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) error("expected a quoted string");
    const char q = s_[pos_++];
    const size_t end = s_.find(q, pos_);
    if (end == std::string::npos) error("unterminated string");
    std::string out = s_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return out;
  }
  bool boolean() {
    skip_space();
    for (const char* word : {"True", "False"}) {
      if (s_.compare(pos_, std::strlen(word), word) == 0) {
        pos_ += std::strlen(word);
        return word[0] == 'T';
      }
    }
    error("expected True or False");
  }
  std::vector<int64_t> shape_tuple() {
    expect('(');
    std::vector<int64_t> dims;
    while (!accept(')')) {
      skip_space();
      if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_]))) error("expected a dimension");
      int64_t v = 0;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
        if (v > (INT64_MAX - 9) / 10) error("dimension overflows");
        v = v * 10 + (s_[pos_++] - '0');
      }
      // Python accepts a trailing 'L' on v1 files written by Python 2.
      if (pos_ < s_.size() && s_[pos_] == 'L') ++pos_;
      dims.push_back(v);
      if (!accept(',')) {
        expect(')');
        break;
      }
    }
    return dims;
  }
  bool at_end() {
    skip_space();
    return pos_ == s_.size();
  }

 private:
  const std::string& s_;
  size_t pos_ = 0;
  size_t base_;
  const std::string& path_;
};

void parse_descr(const std::string& d, NumericArray* a, const HeaderParser& hp) {
  if (d.size() < 3) hp.error("unsupported dtype '" + d + "'");
  const char order = d[0];
  if (order != '<' && order != '>' && order != '|' && order != '=') hp.error("unsupported dtype '" + d + "'");
  a->big_endian = order == '>';
  const std::string t = d.substr(1);
  static const struct { const char* code; ElemKind kind; } kTypes[] = {
      {"u1", ElemKind::u8},  {"i1", ElemKind::i8},  {"b1", ElemKind::boolean}, {"u2", ElemKind::u16},
      {"i2", ElemKind::i16}, {"u4", ElemKind::u32}, {"i4", ElemKind::i32},     {"u8", ElemKind::u64},
      {"i8", ElemKind::i64}, {"f2", ElemKind::f16}, {"f4", ElemKind::f32},     {"f8", ElemKind::f64},
  };
  for (const auto& e : kTypes) {
    if (t == e.code) {
      a->kind = e.kind;
      a->elem_bytes = elem_kind_size(e.kind);
      return;
    }
  }
  hp.error("unsupported dtype '" + d + "' (numeric types only: u1..u8, i1..i8, b1, f2, f4, f8)");
}

}  // namespace

bool looks_like_npy(const std::vector<uint8_t>& bytes) {
  return bytes.size() >= sizeof(kNpyMagic) && std::memcmp(bytes.data(), kNpyMagic, sizeof(kNpyMagic)) == 0;
}

NumericArray parse_npy(const std::vector<uint8_t>& bytes, const std::string& path) {
  if (!looks_like_npy(bytes)) fail(Errc::invalid_argument, path + ": bad NPY magic at byte offset 0");
  if (bytes.size() < 10) fail(Errc::invalid_argument, path + ": truncated NPY header at byte offset 6");
  const uint8_t major = bytes[6];
  if (major < 1 || major > 3)
    fail(Errc::invalid_argument, path + ": unsupported NPY version " + std::to_string(major) + " at byte offset 6");
  size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = bytes[8] | (size_t{bytes[9]} << 8);
    header_start = 10;
  } else {
    if (bytes.size() < 12) fail(Errc::invalid_argument, path + ": truncated NPY header at byte offset 8");
    header_len = bytes[8] | (size_t{bytes[9]} << 8) | (size_t{bytes[10]} << 16) | (size_t{bytes[11]} << 24);
    header_start = 12;
  }
  if (header_len > bytes.size() - header_start)
    fail(Errc::invalid_argument, path + ": truncated NPY header: " + std::to_string(header_len) +
                                     " header bytes declared at byte offset 8, the file has " +
                                     std::to_string(bytes.size() - header_start));
  const std::string text(reinterpret_cast<const char*>(bytes.data() + header_start), header_len);
  HeaderParser hp(text, header_start, path);

  NumericArray a;
  bool have_descr = false, have_order = false, have_shape = false, fortran = false;
  hp.expect('{');
  while (!hp.accept('}')) {
    const std::string key = hp.string_literal();
    hp.expect(':');
    if (key == "descr") {
      parse_descr(hp.string_literal(), &a, hp);
      have_descr = true;
    } else if (key == "fortran_order") {
      fortran = hp.boolean();
      have_order = true;
    } else if (key == "shape") {
      a.dims = hp.shape_tuple();
      have_shape = true;
    } else {
      hp.error("unexpected key '" + key + "'");
    }
    if (!hp.accept(',')) {
      hp.expect('}');
      break;
    }
  }
  if (!hp.at_end()) hp.error("unexpected text after the header dict");
  if (!have_descr || !have_order || !have_shape) hp.error("the header needs 'descr', 'fortran_order' and 'shape'");
  if (fortran && a.dims.size() > 1) hp.error("fortran_order arrays are not supported (save with C order)");
  if (a.dims.empty()) a.dims = {1};
  a.data_offset = header_start + header_len;
  a.data = bytes.data() + a.data_offset;
  check_array_extent(a, bytes.size(), path);
  return a;
}

}  // namespace qc
