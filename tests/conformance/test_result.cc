#include "test_result.h"

namespace qc::conformance {

namespace {

std::string escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '\\') o += "\\\\";
    else if (c == '\n') o += "\\n";
    else if (c == '\t') o += "\\t";
    else if (c == '|') o += "\\p";
    else o += c;
  }
  return o;
}

std::string unescape(const std::string& s) {
  std::string o;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) { o += s[i]; continue; }
    const char c = s[++i];
    o += c == 'n' ? '\n' : c == 't' ? '\t' : c == 'p' ? '|' : c;
  }
  return o;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t p = s.find(sep, start);
    parts.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) return parts;
    start = p + 1;
  }
}

std::string join_names(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? "|" : "") + escape(names[i]);
  return s;
}

std::vector<std::string> split_names(const std::string& s) {
  if (s.empty()) return {};
  std::vector<std::string> out;
  for (const auto& p : split(s, '|')) out.push_back(unescape(p));
  return out;
}

}  // namespace

const char* status_name(Status s) {
  switch (s) {
    case Status::pass: return "pass";
    case Status::fail: return "fail";
    case Status::unsupported: return "unsupported";
    case Status::unsupported_io: return "unsupported-io";
  }
  return "?";
}

std::string serialize_result(const TestResult& r) {
  return "RESULT\t" + escape(r.name) + "\t" + escape(r.op) + "\t" + std::to_string(static_cast<int>(r.status)) + "\t" +
         escape(r.stage) + "\t" + (r.artifacts ? "1" : "0") + "\t" + join_names(r.input_names) + "\t" +
         join_names(r.output_names) + "\t" + escape(r.message) + "\n";
}

bool parse_result(const std::string& line, TestResult* r) {
  const auto f = split(line, '\t');
  if (f.size() != 9 || f[0] != "RESULT") return false;
  const int st = f[3].empty() ? -1 : f[3][0] - '0';
  if (f[3].size() != 1 || st < 0 || st > 3) return false;
  r->name = unescape(f[1]);
  r->op = unescape(f[2]);
  r->status = static_cast<Status>(st);
  r->stage = unescape(f[4]);
  r->artifacts = f[5] == "1";
  r->input_names = split_names(f[6]);
  r->output_names = split_names(f[7]);
  r->message = unescape(f[8]);
  return true;
}

}  // namespace qc::conformance
