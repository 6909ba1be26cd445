// Strict JSON parser: RFC 8259 grammar only (no comments, no trailing commas,
// no leading zeros, no NaN), UTF-8 input, duplicate object keys rejected.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "common/error.h"
#include "format/json.h"
#include "format/json_number.h"
#include "format/utf8.h"

namespace qc {

namespace {

class JsonParser {
 public:
  JsonParser(std::string_view text, const JsonParseOptions& options) : text_(text), options_(options) {}

  Json parse_document() {
    const size_t bad = find_invalid_utf8(text_);
    if (bad != std::string_view::npos) fail_at(bad, "invalid UTF-8");
    skip_space();
    Json v = parse_value(0);
    skip_space();
    if (pos_ != text_.size()) fail_at(pos_, "unexpected data after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail_at(size_t pos, const std::string& what) const {
    fail(Errc::bad_metadata, "JSON at byte " + std::to_string(options_.base_offset + pos) + ": " + what);
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  void skip_space() {
    while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }

  void expect_literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) fail_at(pos_, "invalid literal");
    pos_ += word.size();
  }

  Json parse_value(int depth) {
    if (at_end()) fail_at(pos_, "unexpected end of input");
    switch (peek()) {
      case '{': return parse_object(depth + 1);
      case '[': return parse_array(depth + 1);
      case '"': return Json(parse_string());
      case 't': expect_literal("true"); return Json(true);
      case 'f': expect_literal("false"); return Json(false);
      case 'n': expect_literal("null"); return Json();
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number();
        fail_at(pos_, std::string("unexpected character '") + peek() + "'");
    }
  }

  void enter(int depth) const {
    if (depth > options_.max_depth)
      fail_at(pos_, "nesting deeper than " + std::to_string(options_.max_depth) + " levels");
  }

  Json parse_array(int depth) {
    enter(depth);
    ++pos_;  // '['
    Json arr = Json::array();
    skip_space();
    if (peek() == ']') {
      ++pos_;
      return arr;
    }
    for (;;) {
      skip_space();
      arr.push(parse_value(depth));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return arr;
      }
      fail_at(pos_, "expected ',' or ']' in array");
    }
  }

  Json parse_object(int depth) {
    enter(depth);
    const size_t start = pos_;
    ++pos_;  // '{'
    Json obj = Json::object();
    skip_space();
    if (peek() == '}') {
      ++pos_;
      return obj;
    }
    for (;;) {
      skip_space();
      if (peek() != '"') fail_at(pos_, "expected a string key in object");
      std::string key = parse_string();
      skip_space();
      if (peek() != ':') fail_at(pos_, "expected ':' after object key");
      ++pos_;
      skip_space();
      Json value = parse_value(depth);
      obj.members().emplace_back(std::move(key), std::move(value));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        break;
      }
      fail_at(pos_, "expected ',' or '}' in object");
    }
    check_unique_keys(obj, start);
    return obj;
  }

  void check_unique_keys(const Json& obj, size_t start) const {
    std::vector<std::string_view> keys;
    keys.reserve(obj.size());
    for (const auto& m : obj.members()) keys.push_back(m.first);
    std::sort(keys.begin(), keys.end());
    const auto dup = std::adjacent_find(keys.begin(), keys.end());
    if (dup != keys.end()) fail_at(start, "duplicate key \"" + std::string(*dup) + "\" in object");
  }

  unsigned parse_hex4() {
    if (text_.size() - pos_ < 4) fail_at(pos_, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= unsigned(c - '0');
      else if (c >= 'a' && c <= 'f') v |= unsigned(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= unsigned(c - 'A' + 10);
      else fail_at(pos_ - 1, "invalid hex digit in \\u escape");
    }
    return v;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }

  uint32_t parse_escaped_code_point() {
    const size_t at = pos_ - 2;
    uint32_t cp = parse_hex4();
    if (cp >= 0xDC00 && cp <= 0xDFFF) fail_at(at, "unpaired low surrogate in \\u escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (text_.substr(pos_, 2) != "\\u") fail_at(at, "unpaired high surrogate in \\u escape");
      pos_ += 2;
      const uint32_t lo = parse_hex4();
      if (lo < 0xDC00 || lo > 0xDFFF) fail_at(at, "unpaired high surrogate in \\u escape");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    return cp;
  }

  std::string parse_string() {
    const size_t start = pos_;
    ++pos_;  // opening quote
    std::string out;
    for (;;) {
      if (at_end()) fail_at(start, "unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail_at(pos_ - 1, "control character in string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_end()) fail_at(start, "unterminated string");
      const char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': append_utf8(out, parse_escaped_code_point()); break;
        default: fail_at(pos_ - 2, std::string("invalid escape '\\") + e + "'");
      }
    }
  }

  bool digit() const { return !at_end() && text_[pos_] >= '0' && text_[pos_] <= '9'; }

  Json parse_number() {
    const size_t start = pos_;
    if (peek() == '-') ++pos_;
    if (!digit()) fail_at(pos_, "expected a digit");
    if (peek() == '0') {
      ++pos_;
      if (digit()) fail_at(start, "leading zero in number");
    } else {
      while (digit()) ++pos_;
    }
    if (peek() == '.') {
      ++pos_;
      if (!digit()) fail_at(pos_, "expected a digit after '.'");
      while (digit()) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!digit()) fail_at(pos_, "expected a digit in exponent");
      while (digit()) ++pos_;
    }
    const double v = json_number_value(text_.substr(start, pos_ - start));
    if (!std::isfinite(v)) fail_at(start, "number out of range");
    return Json(v);
  }

  std::string_view text_;
  JsonParseOptions options_;
  size_t pos_ = 0;
};

}  // namespace

Json Json::parse(std::string_view text, const JsonParseOptions& options) {
  return JsonParser(text, options).parse_document();
}

}  // namespace qc
