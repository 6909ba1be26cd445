#include "tools/compressed_size.h"

#include <brotli/encode.h>
#include <zlib.h>

#include <vector>

#include "common/error.h"

namespace qc {

uint64_t gzip_size(std::span<const uint8_t> bytes) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer, as `gzip -9` writes.
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    fail(Errc::internal, "gzip: deflateInit2 failed");
  std::vector<uint8_t> out(deflateBound(&z, static_cast<uLong>(bytes.size())) + 32);
  z.next_in = const_cast<Bytef*>(bytes.data());
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  const uint64_t size = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) fail(Errc::internal, "gzip: deflate did not finish (" + std::to_string(rc) + ")");
  return size;
}

uint64_t brotli_size(std::span<const uint8_t> bytes) {
  size_t size = BrotliEncoderMaxCompressedSize(bytes.size());
  if (size == 0) size = bytes.size() + 1024;
  std::vector<uint8_t> out(size);
  if (!BrotliEncoderCompress(BROTLI_MAX_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, bytes.size(),
                             bytes.data(), &size, out.data()))
    fail(Errc::internal, "brotli: compression failed");
  return size;
}

}  // namespace qc
