// The embedded database: a catalog, a worker pool, the transaction manager and settings, shared by its
// connections (one per thread). In-memory for now (the storage issue puts it in a directory).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "catalog/catalog.hpp"
#include "common/task_scheduler.hpp"
#include "main/query_result.hpp"
#include "parser/ast.hpp"
#include "storage/transaction.hpp"

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
    TransactionManager& transactions() { return transactions_; }
    // Schema changes hold this exclusively, every other statement shares it: a running query never sees the
    // catalog or a table's columns change under it. Data changes are isolated by MVCC, not by this lock.
    std::shared_mutex& statement_lock() { return statement_lock_; }

private:
    Catalog catalog_;
    std::unique_ptr<TaskScheduler> scheduler_;
    StatementExtensions extensions_;
    TransactionManager transactions_;
    std::shared_mutex statement_lock_;
};

}  // namespace basalt
