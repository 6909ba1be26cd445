#include "data/gzip_file.h"

#include <zlib.h>

#include "common/error.h"
#include "tools/file_io.h"

namespace qc {

namespace {

class Inflater {
 public:
  explicit Inflater(const std::string& path) : path_(path) {
    if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) fail(Errc::internal, path + ": cannot initialize zlib");
  }
  ~Inflater() { inflateEnd(&z_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  z_stream& stream() { return z_; }
  [[noreturn]] void corrupt(size_t total_in, const char* what) const {
    fail(Errc::invalid_argument, path_ + ": corrupt gzip data at compressed byte offset " + std::to_string(total_in) +
                                     ": " + (z_.msg ? z_.msg : what));
  }

 private:
  z_stream z_{};
  std::string path_;
};

}  // namespace

bool is_gzip(const std::vector<uint8_t>& bytes) { return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b; }

std::vector<uint8_t> gunzip(const std::vector<uint8_t>& gz, const std::string& path) {
  if (gz.size() > 0xffffffffu) fail(Errc::invalid_argument, path + ": compressed file larger than 4 GiB");
  Inflater inf(path);
  z_stream& z = inf.stream();
  z.next_in = const_cast<Bytef*>(gz.data());
  z.avail_in = static_cast<uInt>(gz.size());
  std::vector<uint8_t> out;
  std::vector<uint8_t> chunk(1 << 16);
  for (;;) {
    z.next_out = chunk.data();
    z.avail_out = static_cast<uInt>(chunk.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.insert(out.end(), chunk.begin(), chunk.end() - z.avail_out);
    if (out.size() > kMaxInflatedBytes)
      fail(Errc::invalid_argument, path + ": inflates to more than " + std::to_string(kMaxInflatedBytes) + " bytes");
    const size_t offset = gz.size() - z.avail_in;
    if (rc == Z_OK) continue;
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0) return out;
      // Another gzip member may follow; anything else is an error.
      if (z.avail_in < 2 || z.next_in[0] != 0x1f || z.next_in[1] != 0x8b)
        inf.corrupt(offset, "trailing bytes after the gzip stream");
      inflateReset(&z);
      continue;
    }
    if (rc == Z_BUF_ERROR && z.avail_in == 0) inf.corrupt(offset, "truncated gzip data");
    inf.corrupt(offset, "inflate failed");
  }
}

std::vector<uint8_t> read_file_maybe_gzip(const std::string& path) {
  std::vector<uint8_t> bytes = read_file_bytes(path);
  return is_gzip(bytes) ? gunzip(bytes, path) : bytes;
}

}  // namespace qc
