#include "format/json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/error.h"
#include "format/json_number.h"
#include "format/utf8.h"

namespace qc {

const char* json_type_name(Json::Type t) {
  switch (t) {
    case Json::Type::null: return "null";
    case Json::Type::boolean: return "boolean";
    case Json::Type::number: return "number";
    case Json::Type::string: return "string";
    case Json::Type::array: return "array";
    case Json::Type::object: return "object";
  }
  return "?";
}

Json Json::array(Array items) {
  Json j;
  j.type_ = Type::array;
  j.array_ = std::move(items);
  return j;
}

Json Json::object() {
  Json j;
  j.type_ = Type::object;
  return j;
}

void Json::expect(Type t) const {
  if (type_ != t)
    fail(Errc::bad_metadata, std::string("JSON value is a ") + json_type_name(type_) + ", expected " + json_type_name(t));
}

bool Json::as_bool() const {
  expect(Type::boolean);
  return bool_;
}

double Json::as_number() const {
  expect(Type::number);
  return number_;
}

int64_t Json::as_int() const {
  expect(Type::number);
  constexpr double kExact = 9007199254740992.0;  // 2^53
  if (number_ != std::floor(number_) || std::fabs(number_) > kExact)
    fail(Errc::bad_metadata, "JSON number " + dump() + " is not an integer within +-2^53");
  return static_cast<int64_t>(number_);
}

const std::string& Json::as_string() const {
  expect(Type::string);
  return string_;
}

const Json::Array& Json::items() const {
  expect(Type::array);
  return array_;
}

Json::Array& Json::items() {
  expect(Type::array);
  return array_;
}

const Json::Object& Json::members() const {
  expect(Type::object);
  return object_;
}

Json::Object& Json::members() {
  expect(Type::object);
  return object_;
}

const Json* Json::find(std::string_view key) const {
  if (type_ != Type::object) return nullptr;
  for (const auto& [k, v] : object_)
    if (k == key) return &v;
  return nullptr;
}

Json& Json::set(std::string key, Json value) {
  expect(Type::object);
  for (auto& [k, v] : object_)
    if (k == key) return v = std::move(value);
  object_.emplace_back(std::move(key), std::move(value));
  return object_.back().second;
}

Json& Json::push(Json value) {
  expect(Type::array);
  array_.push_back(std::move(value));
  return array_.back();
}

size_t Json::size() const {
  if (type_ == Type::array) return array_.size();
  if (type_ == Type::object) return object_.size();
  return 0;
}

bool Json::operator==(const Json& o) const {
  if (type_ != o.type_) return false;
  switch (type_) {
    case Type::null: return true;
    case Type::boolean: return bool_ == o.bool_;
    case Type::number: return number_ == o.number_;
    case Type::string: return string_ == o.string_;
    case Type::array: return array_ == o.array_;
    case Type::object: return object_ == o.object_;
  }
  return false;
}

namespace {

// Integers print without exponent (digit by digit: most numbers of a bundle's JSON
// are, and snprintf costs milliseconds on a cold wasm start); other numbers use the
// shortest %.Ng that reads back exactly. %g drops trailing zeros, so when some
// N <= 15 reads back, %.15g prints that same shortest form: three tries at most.
void dump_number(std::string& out, double x) {
  if (!std::isfinite(x)) {
    out += "null";
    return;
  }
  char buf[32];
  if (x == std::floor(x) && std::fabs(x) < 9007199254740992.0) {
    auto v = static_cast<long long>(x);
    const bool negative = v < 0;
    unsigned long long u = negative ? 0ull - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
    char* p = buf + sizeof buf;
    do {
      *--p = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u);
    if (negative) *--p = '-';
    out.append(p, buf + sizeof buf);
    return;
  }
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, x);
    if (json_number_value(buf) == x) break;
  }
  out += buf;
}

void dump_escaped_run(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
}

// Invalid UTF-8 bytes become U+FFFD so the output is always valid JSON.
void dump_string(std::string& out, std::string_view s) {
  out += '"';
  while (!s.empty()) {
    const size_t bad = find_invalid_utf8(s);
    if (bad == std::string_view::npos) {
      dump_escaped_run(out, s);
      break;
    }
    dump_escaped_run(out, s.substr(0, bad));
    out += "\\ufffd";
    s.remove_prefix(bad + 1);
  }
  out += '"';
}

void newline(std::string& out, int indent, int level) {
  if (indent < 0) return;
  out += '\n';
  out.append(static_cast<size_t>(indent) * static_cast<size_t>(level), ' ');
}

}  // namespace

void Json::dump_to(std::string& out, int indent, int level) const {
  switch (type_) {
    case Type::null: out += "null"; return;
    case Type::boolean: out += bool_ ? "true" : "false"; return;
    case Type::number: dump_number(out, number_); return;
    case Type::string: dump_string(out, string_); return;
    case Type::array:
      if (array_.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (size_t i = 0; i < array_.size(); ++i) {
        if (i) out += ',';
        newline(out, indent, level + 1);
        array_[i].dump_to(out, indent, level + 1);
      }
      newline(out, indent, level);
      out += ']';
      return;
    case Type::object:
      if (object_.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      for (size_t i = 0; i < object_.size(); ++i) {
        if (i) out += ',';
        newline(out, indent, level + 1);
        dump_string(out, object_[i].first);
        out += indent < 0 ? ":" : ": ";
        object_[i].second.dump_to(out, indent, level + 1);
      }
      newline(out, indent, level);
      out += '}';
      return;
  }
}

std::string Json::dump(int indent) const {
  std::string out;
  dump_to(out, indent, 0);
  return out;
}

}  // namespace qc
