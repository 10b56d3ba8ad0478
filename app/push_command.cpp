// run order_push, run order_status, orders retry.
#include <chrono>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/run_watchdog.h"
#include "engine/audit/audit_log.h"
#include "engine/store/transaction.h"
#include "engine/sync/order_push.h"
#include "engine/sync/order_status.h"

namespace syncline::app {

int commandPush(const GlobalOptions& options, const config::Config& config, const RunOptions& run,
                RunWatchdog& watchdog) {
    if (run.full || run.dry_run) {
        std::cerr << "syncline run order_push: --full and --dry-run are for pull jobs\n";
        return kExitUsage;
    }
    auto webstore = openWebstore(config);
    auto erp = watchErpCalls(makeConnector(config), watchdog, /*answers_are_progress=*/true);
    {
        store::Transaction tx(*webstore);
        audit::ChangeSet request;
        audit::AuditLog(*webstore).append({currentActor(), "job", "order_push", "run", request.json()});
        tx.commit();
    }
    sync::PushOptions push;
    push.node = config.node_name;
    const auto started = std::chrono::steady_clock::now();
    const auto result = sync::OrderPush(*webstore, *erp).run(push);
    watchdog.finished();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto& c = result.counts;
    if (options.json) {
        nlohmann::json out = {{"job", "order_push"},
                              {"run_id", result.run_id},
                              {"status", result.status},
                              {"claimed", c.claimed},
                              {"exported", c.exported},
                              {"already_in_erp", c.already_in_erp},
                              {"retry_later", c.retry_later},
                              {"needs_attention", c.needs_attention},
                              {"seconds", seconds}};
        out["error"] = result.error ? nlohmann::json(result.error->describe()) : nlohmann::json(nullptr);
        std::cout << out.dump(2) << "\n";
    } else {
        std::cout << "order_push: " << result.status << " (run " << result.run_id << ", "
                  << static_cast<long long>(seconds * 1000) << " ms)\n"
                  << "  claimed " << c.claimed << ", exported " << c.exported << ", already in the ERP "
                  << c.already_in_erp << ", retry later " << c.retry_later << ", needs attention " << c.needs_attention
                  << "\n";
        if (c.needs_attention > 0) {
            std::cout << "  see them: syncline orders --status needs_attention; requeue: syncline orders retry ID\n";
        }
        if (result.error) {
            std::cerr << "syncline run order_push: " << result.error->describe() << "\n";
        }
    }
    if (result.error) {
        return exitCodeFor(result.error->kind);
    }
    return c.needs_attention > 0 ? kExitData : kExitOk;
}

int commandOrderStatus(const GlobalOptions& options, const config::Config& config, const RunOptions& run,
                       RunWatchdog& watchdog) {
    if (run.full || run.dry_run) {
        std::cerr << "syncline run order_status: --full and --dry-run are for pull jobs\n";
        return kExitUsage;
    }
    auto webstore = openWebstore(config);
    auto erp = watchErpCalls(makeConnector(config), watchdog, /*answers_are_progress=*/true);
    {
        store::Transaction tx(*webstore);
        audit::AuditLog(*webstore).append({currentActor(), "job", "order_status", "run", "{}"});
        tx.commit();
    }
    const auto result = sync::OrderStatusSync(*webstore, *erp).run(config.node_name);
    watchdog.finished();
    const auto& c = result.counts;
    if (options.json) {
        nlohmann::json out = {{"job", "order_status"}, {"run_id", result.run_id}, {"status", result.status},
                              {"checked", c.checked},  {"updated", c.updated},    {"conflicts", c.conflicts},
                              {"problems", c.problems}};
        out["error"] = result.error ? nlohmann::json(result.error->describe()) : nlohmann::json(nullptr);
        std::cout << out.dump(2) << "\n";
    } else {
        std::cout << "order_status: " << result.status << " (run " << result.run_id << ")\n"
                  << "  checked " << c.checked << ", updated " << c.updated << ", conflicts " << c.conflicts
                  << ", problems " << c.problems << "\n";
        if (c.conflicts > 0) {
            std::cout << "  orders cancelled in the shop but shipped by the ERP: syncline conflicts\n";
        }
        if (result.error) {
            std::cerr << "syncline run order_status: " << result.error->describe() << "\n";
        }
    }
    if (result.error) {
        return exitCodeFor(result.error->kind);
    }
    return c.conflicts + c.problems > 0 ? kExitData : kExitOk;
}

int commandOrdersRetry(const GlobalOptions& options, const std::string& order_id) {
    const auto config = loadConfig(options);
    auto webstore = openWebstore(config);
    if (!sync::OrderPush::retry(*webstore, order_id, currentActor())) {
        std::cerr << "syncline orders retry: order " << order_id
                  << " is not waiting for attention (unknown, or in another status)\n";
        return kExitData;
    }
    std::cout << "order " << order_id << " is queued again; the next order_push run exports it\n";
    return kExitOk;
}

}  // namespace syncline::app
