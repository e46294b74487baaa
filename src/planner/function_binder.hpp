// Chooses the overload of a function for the given argument expressions (PostgreSQL's rules, simplified:
// the candidate needing the cheapest implicit casts wins; an untyped literal prefers the type of the other
// arguments), casts the arguments and runs the overload's bind callback.
#pragma once

#include "planner/binder.hpp"

namespace basalt {

ExprPtr bind_scalar_function(Binder& binder, const std::string& name, std::vector<ExprPtr> args, int position,
                             const std::string& display_name);
BoundAggregate bind_aggregate_function(Binder& binder, const std::string& name, std::vector<ExprPtr>& args,
                                       int position);

}  // namespace basalt
