#include "io/io_extensions.hpp"

#include "io/copy_statement.hpp"
#include "io/tpch/tpch_dbgen_call.hpp"

namespace basalt {

void install_io_extensions(Database& database) {
    database.extensions().copy = execute_copy;
    database.extensions().call = execute_call;
}

}  // namespace basalt
