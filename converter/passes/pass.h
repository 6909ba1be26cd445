// Graph rewrite passes and the manager that runs a named list of them.
// Every pass keeps the graph valid and leaves graph input and output names as they were.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "graph/ir.h"

namespace qc {

class Pass {
 public:
  virtual ~Pass() = default;
  virtual std::string name() const = 0;
  // Rewrites `g` in place; returns true when anything changed.
  virtual bool run(Graph& g) = 0;
};

// A pass with no options, backed by a plain function.
class FunctionPass : public Pass {
 public:
  using Fn = bool (*)(Graph&);
  FunctionPass(std::string name, Fn fn) : name_(std::move(name)), fn_(fn) {}
  std::string name() const override { return name_; }
  bool run(Graph& g) override { return fn_(g); }

 private:
  std::string name_;
  Fn fn_;
};

struct PassRun {
  std::string name;
  bool changed = false;
  size_t nodes_before = 0, nodes_after = 0;
};

class PassManager {
 public:
  void add(std::unique_ptr<Pass> pass);
  size_t size() const { return passes_.size(); }
  // Runs the passes in order and validates the graph after each one; an error
  // names the pass that broke it (Errc::internal).
  std::vector<PassRun> run(Graph& g) const;

 private:
  std::vector<std::unique_ptr<Pass>> passes_;
};

}  // namespace qc
