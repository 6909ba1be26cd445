// Progress on a non-TTY stderr: at most one line per 10%, nothing when quiet.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tools/progress.h"

using namespace qc;

namespace {

// Captures what is written to stderr (fd 2) while `f` runs.
template <class F> std::string capture_stderr(F&& f) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("qcomp_progress_" + std::to_string(::getpid()))).string();
  std::fflush(stderr);
  const int saved = ::dup(2);
  FILE* tmp = std::fopen(path.c_str(), "w");
  ::dup2(fileno(tmp), 2);
  f();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::fclose(tmp);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::filesystem::remove(path);
  return ss.str();
}

int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("Progress prints at most every 10% when stderr is not a TTY", "[progress]") {
  const std::string out = capture_stderr([] {
    Progress p("working", 1000);
    for (int i = 1; i <= 1000; ++i) p.update(i);
    p.finish();
    p.finish();
  });
  CHECK(count_lines(out) == 11);
  CHECK(out.find("working: 0%") != std::string::npos);
  CHECK(out.find("working: 100% (1000/1000") != std::string::npos);

  const std::string partial = capture_stderr([] {
    Progress p("partial", 7);
    p.update(3);
  });  // the destructor finishes the bar
  CHECK(partial.find("partial: 40% (3/7") != std::string::npos);
  CHECK(partial.find("partial: 100% (7/7") != std::string::npos);
}

TEST_CASE("Progress stays quiet when asked to, or with nothing to count", "[progress]") {
  CHECK(capture_stderr([] {
          Progress p("quiet", 10, true);
          p.update(5);
        }).empty());
  CHECK(capture_stderr([] { Progress p("none", 0); }).empty());
  Progress::set_quiet_default(true);
  CHECK(capture_stderr([] {
          Progress p("default", 10);
          p.update(10);
        }).empty());
  Progress::set_quiet_default(false);
}
