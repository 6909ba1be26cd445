// A bundle holding a weight in every scheme: read back with the same bytes and
// decoded values, and rewritten byte for byte.
#include <catch2/catch.hpp>

#include "scheme_test_util.h"
#include "schemes/scheme_table.h"
#include "schemes/weight_encoders.h"

using namespace qc;
using namespace qc::test;

TEST_CASE("schemes: bundle round trip of every scheme is byte-identical", "[schemes][format]") {
  const std::vector<int64_t> dims{12, 70};
  const auto w = random_weights(12 * 70, 17);
  std::vector<std::pair<ConstData, std::vector<int64_t>>> weights = {
      {ConstData::owned(raw_bytes(w)), dims},
      {encode_f16(w.data(), dims), dims},
      {encode_i8_channel(w.data(), dims), dims},
      {encode_q4_block(w.data(), dims, false), dims},
      {encode_q4_block(w.data(), dims, true), dims},
      {encode_codebook(w.data(), dims, 4, false, CodebookInit::kmeans_pp, 20, 7), dims},
      {encode_codebook(w.data(), dims, 3, true, CodebookInit::linear, 20, 7), dims},
  };
  const Graph g = gemm_graph(weights);
  const auto first = write_bundle(g, "{}");
  AlignedBuffer buf{std::span<const uint8_t>(first)};
  const Bundle b = read_bundle(buf.span());
  REQUIRE(write_bundle(b.graph, b.metadata_json) == first);

  const uint16_t want[] = {0, 1, 2, 3, 4, 5, 5};
  REQUIRE(b.tensors.size() == weights.size());
  for (size_t i = 0; i < weights.size(); ++i) {
    INFO("weight " << i);
    REQUIRE(b.tensors[i].scheme == want[i]);
    const Value& v = b.graph.values[static_cast<size_t>(b.graph.find_value("w" + std::to_string(i)))];
    REQUIRE(v.constant.has_value());
    REQUIRE(v.constant->scheme == want[i]);
    REQUIRE(v.constant->bytes >= buf.data());  // a view into the bundle, not a copy
    REQUIRE(v.constant->bytes < buf.data() + buf.size());
    REQUIRE(decode(*v.constant, v.dims) == decode(weights[i].first, dims));
  }
  REQUIRE(decode(weights[0].first, dims) == w);
}
