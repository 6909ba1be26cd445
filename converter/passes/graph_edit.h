// Small queries and edits shared by the passes.
#pragma once
#include <string>
#include <vector>

#include "graph/ir.h"

namespace qc {

// How many node inputs read each value (graph outputs are not counted).
std::vector<int> count_consumers(const Graph& g);
bool is_graph_output(const Graph& g, int value);
bool is_graph_input(const Graph& g, int value);
// The value feeds exactly one node input and is not a graph output.
bool has_single_consumer(const Graph& g, const std::vector<int>& consumers, int value);

// Makes every node input reading `from` read `to` instead (graph outputs untouched).
void replace_node_uses(Graph& g, int from, int to);

// Erases the nodes flagged in `dead` (one flag per node), keeping the order.
void erase_nodes(Graph& g, const std::vector<char>& dead);

// A value name not yet used in `g`, derived from `base`.
std::string unique_value_name(const Graph& g, const std::string& base);

// Dense constants (scheme 0).
bool is_dense_constant(const Value& v);
bool is_dense_f32_constant(const Value& v);
// Elements of a dense f32 constant (throws Errc::internal otherwise).
std::vector<float> read_f32_constant(const Value& v);
// A scalar constant of any numeric dtype, as float; false when not a dense one-element constant.
bool read_scalar_constant(const Value& v, float* out);
int add_f32_constant(Graph& g, const std::string& base_name, std::vector<int64_t> dims, const std::vector<float>& data);

}  // namespace qc
