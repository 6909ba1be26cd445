// A small JSON value for bundle metadata: strict parsing (RFC 8259, UTF-8,
// depth-limited, errors name the byte offset) and deterministic serialization.
// Objects keep their members in insertion order; numbers are doubles.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace qc {

struct JsonParseOptions {
  int max_depth = 64;        // nesting of arrays/objects
  uint64_t base_offset = 0;  // added to byte offsets in error messages
};

class Json {
 public:
  enum class Type : uint8_t { null, boolean, number, string, array, object };
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : type_(Type::boolean), bool_(b) {}
  template <class T, std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Json(T n) : type_(Type::number), number_(static_cast<double>(n)) {}
  Json(const char* s) : type_(Type::string), string_(s) {}
  Json(std::string s) : type_(Type::string), string_(std::move(s)) {}
  Json(std::string_view s) : type_(Type::string), string_(s) {}

  static Json array(Array items = {});
  static Json object();

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::null; }
  bool is_bool() const { return type_ == Type::boolean; }
  bool is_number() const { return type_ == Type::number; }
  bool is_string() const { return type_ == Type::string; }
  bool is_array() const { return type_ == Type::array; }
  bool is_object() const { return type_ == Type::object; }

  // Typed access; a type mismatch throws Errc::bad_metadata.
  bool as_bool() const;
  double as_number() const;
  int64_t as_int() const;  // the number must be integral and within +-2^53
  const std::string& as_string() const;
  const Array& items() const;
  Array& items();
  const Object& members() const;
  Object& members();

  const Json* find(std::string_view key) const;  // nullptr when absent or not an object
  Json& set(std::string key, Json value);        // replaces an existing member or appends
  Json& push(Json value);                        // appends to an array
  size_t size() const;                           // elements of an array/object, else 0

  // Throws Errc::bad_metadata naming the byte offset of the first error.
  static Json parse(std::string_view text, const JsonParseOptions& options = {});
  // indent < 0: compact; otherwise pretty with `indent` spaces per level.
  std::string dump(int indent = -1) const;

  bool operator==(const Json& other) const;

 private:
  void expect(Type t) const;
  void dump_to(std::string& out, int indent, int level) const;

  Type type_ = Type::null;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  Array array_;
  Object object_;
};

const char* json_type_name(Json::Type t);

}  // namespace qc
