#include "engine/store/transaction.h"

#include <Poco/Exception.h>

namespace syncline::store {

using Poco::Data::Keywords::now;

Transaction::Transaction(Webstore& store) : store_(store) {
    if (store_.backend() == Backend::SQLite) {
        store_.session() << "BEGIN IMMEDIATE", now;
    } else {
        store_.session().begin();
    }
}

Transaction::~Transaction() {
    if (!open_) {
        return;
    }
    try {
        if (store_.backend() == Backend::SQLite) {
            store_.session() << "ROLLBACK", now;
        } else {
            store_.session().rollback();
        }
    } catch (const Poco::Exception&) {
        // The connection is gone or the transaction already ended: nothing was committed either way.
    }
}

void Transaction::commit() {
    if (store_.backend() == Backend::SQLite) {
        store_.session() << "COMMIT", now;
    } else {
        store_.session().commit();
    }
    open_ = false;
}

}  // namespace syncline::store
