// Scalar and aggregate functions, registered by name and signature in the FunctionRegistry; the binder
// resolves a call to one overload (casting arguments implicitly where PostgreSQL would) and the executor
// calls its kernel once per vector.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "types/logical_type.hpp"
#include "vector/data_chunk.hpp"

namespace basalt {

// Per-call data computed at bind time (a compiled regular expression, a date field, ...).
struct FunctionData {
    virtual ~FunctionData() = default;
};

// args: the evaluated argument vectors (flat or constant); result: a vector of the bound return type with
// room for count rows. With NullHandling::kDefault the framework sets the result NULL wherever an argument is
// NULL (kernels then need not look at validity); with kSpecial the kernel handles NULLs itself.
using ScalarKernel = std::function<void(const std::vector<Vector*>& args, idx_t count, Vector& result,
                                        const FunctionData* data)>;

enum class NullHandling { kDefault, kSpecial };

struct BoundScalarFunction;
// Given the argument types after implicit casts, returns the return type and may replace the kernel or attach
// data. Called once per call site.
using ScalarBind = std::function<void(BoundScalarFunction& bound, const std::vector<LogicalType>& arg_types)>;

struct ScalarFunction {
    std::string name;
    std::vector<LogicalType> arguments;  // TypeId::kDecimal matches every DECIMAL; kVarchar every string
    LogicalType varargs;                 // kInvalid unless the last argument repeats
    LogicalType return_type;
    ScalarKernel kernel;
    ScalarBind bind;
    NullHandling null_handling = NullHandling::kDefault;
    bool is_volatile = false;  // now(), random(): never folded to a constant
    // Considered only when an argument is already DECIMAL (PostgreSQL prefers double precision for integers).
    bool requires_decimal_argument = false;
    std::string doc;
};

struct BoundScalarFunction {
    const ScalarFunction* function = nullptr;
    std::string name;
    std::vector<LogicalType> arg_types;  // what the arguments are cast to
    std::vector<std::optional<Value>> constant_args;  // arguments known at bind time (literals)
    LogicalType return_type;
    ScalarKernel kernel;
    std::shared_ptr<FunctionData> data;
    NullHandling null_handling = NullHandling::kDefault;
    // now(): the session's transaction start, given to bind callbacks (0: no session; use the current time).
    int64_t transaction_time = 0;
};

// ---- aggregates -------------------------------------------------------------------------------------------
// States are fixed-size byte blocks owned by the operator; update/combine/finalize work on arrays of state
// pointers so one call covers a whole vector of rows with different groups.
struct AggregateFunction;
struct BoundAggregate;

using AggregateInit = std::function<void(uint8_t* state)>;
using AggregateUpdate = std::function<void(const std::vector<Vector*>& args, uint8_t** states, idx_t count,
                                           const BoundAggregate& agg)>;
using AggregateCombine = std::function<void(uint8_t** sources, uint8_t** targets, idx_t count,
                                            const BoundAggregate& agg)>;
using AggregateFinalize = std::function<void(uint8_t** states, idx_t count, Vector& result, idx_t offset,
                                             const BoundAggregate& agg)>;
using AggregateDestroy = std::function<void(uint8_t* state)>;
// Spilling a state that owns memory elsewhere (strings, value lists): serialize appends its contents to out;
// deserialize fills an initialized state from them. Not set when the state's bytes are the whole state.
using AggregateSerialize = std::function<void(const uint8_t* state, std::string& out)>;
using AggregateDeserialize = std::function<void(std::string_view in, uint8_t* state)>;
using AggregateBind = std::function<void(BoundAggregate& bound, const std::vector<LogicalType>& arg_types)>;

struct BoundAggregate {
    const AggregateFunction* function = nullptr;
    std::string name;
    std::vector<LogicalType> arg_types;
    std::vector<std::optional<Value>> constant_args;  // arguments known at bind time (literals)
    LogicalType return_type;
    size_t state_size = 0;
    AggregateInit initialize;
    AggregateUpdate update;
    AggregateCombine combine;
    AggregateFinalize finalize;
    AggregateDestroy destroy;  // may be empty
    AggregateSerialize serialize;      // set by aggregates with a destroy whose states can spill
    AggregateDeserialize deserialize;
    std::shared_ptr<FunctionData> data;
    bool ignores_nulls = true;  // rows with a NULL argument are skipped by the operator
    bool order_descending = false;  // ordered-set aggregates: WITHIN GROUP (ORDER BY x DESC)
};

struct AggregateFunction {
    std::string name;
    std::vector<LogicalType> arguments;
    LogicalType return_type;
    AggregateBind bind;  // fills state_size, callbacks and return type
    bool ignores_nulls = true;
    bool needs_order = false;  // ordered-set aggregates (percentile_cont ... WITHIN GROUP)
    std::string doc;
};

class FunctionRegistry {
public:
    static const FunctionRegistry& instance();

    void add_scalar(ScalarFunction function);
    void add_aggregate(AggregateFunction function);

    const std::vector<ScalarFunction>* find_scalar(const std::string& name) const;
    const std::vector<AggregateFunction>* find_aggregate(const std::string& name) const;
    bool is_aggregate(const std::string& name) const { return aggregates_.count(name) > 0; }
    const std::map<std::string, std::vector<ScalarFunction>>& scalars() const { return scalars_; }
    const std::map<std::string, std::vector<AggregateFunction>>& aggregates() const { return aggregates_; }

private:
    std::map<std::string, std::vector<ScalarFunction>> scalars_;
    std::map<std::string, std::vector<AggregateFunction>> aggregates_;
};

void register_builtin_functions(FunctionRegistry& registry);

// Runs a bound scalar function, applying the default NULL handling.
void execute_scalar(const BoundScalarFunction& function, const std::vector<Vector*>& args, idx_t count,
                    Vector& result);

}  // namespace basalt
