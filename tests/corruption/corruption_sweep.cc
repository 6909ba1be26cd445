// qcomp_corruption_sweep: every truncation and random byte flips of bundles.
//
//   qcomp_corruption_sweep [--flips N] [--seed S] BUNDLE...
//
// For each bundle: read and run it once (inputs: a fixed pattern, free dims = 1) to
// get reference outputs; then read_bundle on every proper prefix (every truncation
// length 0 .. size-1) and on N copies with one random byte XORed with a random
// non-zero mask. Each corrupted bundle must be rejected with a format (100-199) or
// integrity (200-299) error; one that is accepted is run and counted as an
// undetected corruption (a wrong answer if its outputs differ). Exit 0 only when
// every corruption was rejected that way; prints one summary line per bundle and
// a final "N passed, N failed" line.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "common/aligned_buffer.h"
#include "common/error.h"
#include "format/bundle.h"
#include "runtime/session.h"
#include "tools/file_io.h"

namespace {

using Outputs = std::vector<std::vector<uint8_t>>;

// Runs the bundle on deterministic inputs; returns every output's bytes.
Outputs run_bundle(const qc::Bundle& b) {
  qc::Session session(b.graph);
  std::vector<std::vector<uint8_t>> storage;
  std::vector<qc::TensorRef> inputs;
  for (int id : b.graph.inputs) {
    const qc::Value& v = b.graph.values[id];
    qc::TensorRef t;
    t.dtype = v.dtype;
    t.dims = v.dims;
    for (auto& d : t.dims)
      if (d < 0) d = 1;
    std::vector<uint8_t> bytes(static_cast<size_t>(t.numel()) * qc::dtype_size(t.dtype));
    if (t.dtype == qc::DType::f32)
      for (size_t i = 0; i + 4 <= bytes.size(); i += 4) {
        const float f = static_cast<float>((i / 4) % 17) / 16.0f - 0.3f;
        std::memcpy(&bytes[i], &f, 4);
      }
    storage.push_back(std::move(bytes));
    t.data = storage.back().data();
    inputs.push_back(t);
  }
  Outputs out;
  for (const auto& t : session.run(inputs)) {
    const auto* p = static_cast<const uint8_t*>(t.data);
    out.emplace_back(p, p + t.bytes());
  }
  return out;
}

struct Tally {
  uint64_t truncations = 0, flips = 0, rejected = 0, undetected = 0, wrong_answers = 0, bad_code = 0;
};

// Reads `bytes`; a rejection with a format/integrity code is the only good outcome.
void check_corrupted(std::span<const uint8_t> bytes, const Outputs& reference, const std::string& what, Tally& t) {
  try {
    const qc::Bundle b = qc::read_bundle(bytes);
    ++t.undetected;
    std::string verdict = "accepted";
    try {
      if (run_bundle(b) != reference) {
        ++t.wrong_answers;
        verdict = "accepted, and it gives a WRONG ANSWER";
      }
    } catch (const qc::Error& e) {
      verdict = std::string("accepted, then failed to run: ") + e.what();
    }
    std::printf("  UNDETECTED: %s: %s\n", what.c_str(), verdict.c_str());
  } catch (const qc::Error& e) {
    const int code = static_cast<int>(e.code());
    if (code >= 100 && code < 300) {
      ++t.rejected;
    } else {
      ++t.bad_code;
      std::printf("  WRONG ERROR: %s: %s (%d): %s\n", what.c_str(), qc::errc_name(e.code()), code, e.what());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t flips = 10000, seed = 20240606;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--flips" && i + 1 < argc) flips = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--seed" && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
    else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "usage: qcomp_corruption_sweep [--flips N] [--seed S] BUNDLE...\n");
      return 2;
    } else files.push_back(a);
  }
  if (files.empty()) {
    std::fprintf(stderr, "qcomp_corruption_sweep: no bundles given\n");
    return 2;
  }
  int passed = 0, failed = 0;
  Tally total;
  for (const auto& file : files) {
    Tally t;
    try {
      const qc::AlignedBuffer good = qc::read_file_aligned(file);
      const Outputs reference = run_bundle(qc::read_bundle(good.span()));
      for (size_t len = 0; len < good.size(); ++len, ++t.truncations)
        check_corrupted(good.span().first(len), reference, "truncated to " + std::to_string(len) + " bytes", t);
      std::mt19937_64 rng(seed ^ std::hash<std::string>{}(file));
      qc::AlignedBuffer copy(good.span());
      for (uint64_t k = 0; k < flips; ++k, ++t.flips) {
        const size_t at = rng() % good.size();
        const uint8_t mask = static_cast<uint8_t>(1 + rng() % 255);
        copy.mutable_span()[at] ^= mask;
        check_corrupted(copy.span(), reference, "byte " + std::to_string(at) + " ^= " + std::to_string(mask), t);
        copy.mutable_span()[at] ^= mask;
      }
      // The untouched bundle still reads and gives the same answer.
      if (run_bundle(qc::read_bundle(copy.span())) != reference) {
        std::printf("  %s: the restored bundle gives a different answer\n", file.c_str());
        ++t.wrong_answers;
      }
    } catch (const qc::Error& e) {
      std::printf("  %s: the good bundle failed: %s\n", file.c_str(), e.what());
      ++t.bad_code;
    }
    const bool ok = t.undetected == 0 && t.bad_code == 0 && t.wrong_answers == 0;
    std::printf("%s %s: %llu truncations, %llu flips, %llu rejected, %llu undetected, %llu wrong answers, %llu wrong error codes\n",
                ok ? "ok  " : "FAIL", file.c_str(), (unsigned long long)t.truncations, (unsigned long long)t.flips,
                (unsigned long long)t.rejected, (unsigned long long)t.undetected, (unsigned long long)t.wrong_answers,
                (unsigned long long)t.bad_code);
    (ok ? passed : failed)++;
    total.truncations += t.truncations;
    total.flips += t.flips;
    total.undetected += t.undetected;
  }
  std::printf("corruption sweep: %llu truncations, %llu flips, %llu undetected\n",
              (unsigned long long)total.truncations, (unsigned long long)total.flips, (unsigned long long)total.undetected);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
