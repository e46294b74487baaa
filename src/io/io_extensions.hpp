// Installs the statements implemented in io/ into a Database: COPY (CSV) and CALL dbgen(sf => N).
#pragma once

#include "main/database.hpp"

namespace basalt {

void install_io_extensions(Database& database);

}  // namespace basalt
