// qcomp_conformance: runs the ONNX node tests through import -> passes -> bundle
// -> Session and reports per-op results. See tests/conformance/README.md.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "conformance_report.h"
#include "isolated_run.h"
#include "onnx_test_case.h"
#include "run_one_test.h"

namespace {

struct Options {
  std::string data = "/usr/share/libonnx-testdata/data/node";
  std::string out = "build/conformance";
  std::string expect;
  std::string expect_pass;
  std::string filter;
  int jobs = 2;
  int timeout = 60;
  bool isolate = true;
  bool verbose = false;
};

void usage(std::FILE* f) {
  std::fprintf(f,
               "usage: qcomp_conformance [--data DIR] [--out DIR] [--expect FILE] [--expect-pass FILE] [--filter SUBSTR]\n"
               "                         [--jobs N] [--timeout SECONDS] [--no-isolate] [--verbose]\n"
               "  --data     ONNX node test root (default /usr/share/libonnx-testdata/data/node)\n"
               "  --out      where model.qcb/npy files and summary.json go (default build/conformance)\n"
               "  --expect   expected-failures list; exit 1 on unlisted failures or stale entries\n"
               "  --expect-pass  expected-pass list; exit 1 when a listed test does not pass (a regression)\n"
               "  --filter   run only tests whose name contains SUBSTR\n"
               "  --jobs     tests run in parallel, each in its own child process (default 2)\n"
               "  --no-isolate  run tests in this process (debugging; a crash ends the run)\n");
}

bool parse_args(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string* dst) {
      if (i + 1 >= argc) return false;
      *dst = argv[++i];
      return true;
    };
    std::string num;
    if (a == "--data") { if (!value(&o->data)) return false; }
    else if (a == "--out") { if (!value(&o->out)) return false; }
    else if (a == "--expect") { if (!value(&o->expect)) return false; }
    else if (a == "--expect-pass") { if (!value(&o->expect_pass)) return false; }
    else if (a == "--filter") { if (!value(&o->filter)) return false; }
    else if (a == "--jobs") { if (!value(&num)) return false; o->jobs = std::max(1, std::atoi(num.c_str())); }
    else if (a == "--timeout") { if (!value(&num)) return false; o->timeout = std::max(1, std::atoi(num.c_str())); }
    else if (a == "--no-isolate") o->isolate = false;
    else if (a == "--verbose") o->verbose = true;
    else if (a == "--help" || a == "-h") { usage(stdout); std::exit(0); }
    else return false;
  }
  return true;
}

std::vector<qc::conformance::TestResult> run_all(const std::vector<std::string>& dirs, const Options& o) {
  using namespace qc::conformance;
  std::vector<TestResult> results(dirs.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < dirs.size();) {
      results[i] = o.isolate ? run_isolated(dirs[i], o.out, o.timeout) : run_one_test(dirs[i], o.out, nullptr);
      if (o.verbose) std::fprintf(stderr, "%-60s %s\n", results[i].name.c_str(), status_name(results[i].status));
    }
  };
  const int jobs = o.isolate ? o.jobs : 1;
  std::vector<std::thread> pool;
  for (int j = 1; j < jobs; ++j) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return results;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace qc::conformance;
  Options o;
  if (!parse_args(argc, argv, &o)) {
    usage(stderr);
    return 2;
  }
  try {
    std::map<std::string, std::string> expected, expected_pass;
    if (!o.expect.empty()) expected = read_expected_failures(o.expect);
    if (!o.expect_pass.empty()) expected_pass = read_expected_failures(o.expect_pass);
    std::vector<std::string> dirs;
    for (const auto& d : list_test_dirs(o.data))
      if (o.filter.empty() || std::filesystem::path(d).filename().string().find(o.filter) != std::string::npos)
        dirs.push_back(d);
    if (dirs.empty()) {
      std::fprintf(stderr, "no tests found under %s%s\n", o.data.c_str(), o.filter.empty() ? "" : " matching the filter");
      return 2;
    }
    std::filesystem::create_directories(o.out);
    const std::vector<TestResult> results = run_all(dirs, o);
    print_op_table(stdout, results);
    print_failures(stdout, results, expected);
    write_summary_json((std::filesystem::path(o.out) / "summary.json").string(), results);
    std::printf("\nsummary: %s\n", (std::filesystem::path(o.out) / "summary.json").c_str());
    int status = 0;
    if (!o.expect_pass.empty()) {
      const int regressions = check_expected_passes(stdout, results, expected_pass, o.filter.empty());
      if (regressions) {
        std::printf("%d regression(s) against %s\n", regressions, o.expect_pass.c_str());
        status = 1;
      } else {
        std::printf("all %zu tests of %s pass\n", expected_pass.size(), o.expect_pass.c_str());
      }
    }
    if (o.expect.empty()) return status;
    const int problems = check_expected_failures(stdout, results, expected);
    if (problems) {
      std::printf("%d problem(s) against %s\n", problems, o.expect.c_str());
      return 1;
    }
    std::printf("all failures are listed in %s\n", o.expect.c_str());
    return status;
  } catch (const qc::Error& e) {
    std::fprintf(stderr, "qcomp_conformance: %s: %s\n", qc::errc_name(e.code()), e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qcomp_conformance: %s\n", e.what());
  }
  return 2;
}
