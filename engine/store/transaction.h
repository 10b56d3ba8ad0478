#pragma once

#include "engine/store/webstore.h"

namespace syncline::store {

/// A write transaction on the webstore; rolled back on destruction unless committed.
/// On SQLite it is BEGIN IMMEDIATE: it takes the write lock up front (waiting up to the busy
/// timeout), so two writers never deadlock on a read-to-write upgrade.
class Transaction {
  public:
    explicit Transaction(Webstore& store);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    /// Throws the database's exception when the commit fails; the transaction is then rolled back.
    void commit();

  private:
    Webstore& store_;
    bool open_ = true;
};

}  // namespace syncline::store
