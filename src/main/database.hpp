// The embedded database: a catalog, a worker pool and settings, shared by its connections. In-memory for now
// (the storage issue puts it in a directory).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "catalog/catalog.hpp"
#include "common/task_scheduler.hpp"
#include "main/query_result.hpp"
#include "parser/ast.hpp"

namespace basalt {

class Connection;

// Statements implemented by layers above main (io: COPY, CALL dbgen); installed by whoever opens the database.
struct StatementExtensions {
    std::function<QueryResult(Connection&, const Statement&)> copy;
    std::function<QueryResult(Connection&, const Statement&)> call;
};

class Database {
public:
    explicit Database(int threads = 0);
    ~Database();

    Catalog& catalog() { return catalog_; }
    TaskScheduler& scheduler() { return *scheduler_; }
    StatementExtensions& extensions() { return extensions_; }
    // DDL and writes take this lock; reads of table data happen under it too until MVCC arrives.
    std::recursive_mutex& write_lock() { return write_lock_; }

private:
    Catalog catalog_;
    std::unique_ptr<TaskScheduler> scheduler_;
    StatementExtensions extensions_;
    std::recursive_mutex write_lock_;
};

}  // namespace basalt
