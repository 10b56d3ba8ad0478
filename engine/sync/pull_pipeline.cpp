#include "engine/sync/pull_pipeline.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <unordered_set>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "engine/audit/audit_log.h"
#include "engine/connector/streams.h"
#include "engine/model/decimal.h"
#include "engine/store/deferred_indexes.h"
#include "engine/store/transaction.h"
#include "engine/sync/batch_writer.h"
#include "engine/sync/pull_run.h"
#include "engine/sync/read_ahead.h"
#include "engine/sync/run_log.h"

namespace syncline::sync {

namespace {

std::string formatTime(std::chrono::system_clock::time_point time) {
    const std::time_t t = std::chrono::system_clock::to_time_t(time);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

// A watermark of a date or timestamp cursor ("YYYY-MM-DD..."), not a number or a code.
bool looksLikeTime(const std::string& value) {
    return value.size() >= 10 && value[4] == '-' && value[7] == '-' &&
           std::all_of(value.begin(), value.begin() + 4, [](char c) { return c >= '0' && c <= '9'; });
}

// The fields of the entity the ERP does not own under the run's ownership, sorted, comma-separated.
std::string baseFieldsOf(const EntityTable& entity, const PullOptions& options) {
    const auto ownership = options.ownership ? *options.ownership : conflict::Ownership::defaults();
    auto fields = conflict::ownableFields(entity.entity);
    std::sort(fields.begin(), fields.end());
    std::string out;
    for (const auto& field : fields) {
        if (ownership.policy(entity.entity, field) != conflict::Policy::Erp) {
            out += (out.empty() ? "" : ",") + field;
        }
    }
    return out;
}

// The fields of the comma-separated `now` that are not in `before`, comma-separated.
std::string addedFields(const std::string& before, const std::string& now) {
    const auto has = [](const std::string& list, const std::string& field) {
        return ("," + list + ",").find("," + field + ",") != std::string::npos;
    };
    std::string out;
    std::size_t start = 0;
    while (start < now.size()) {
        const auto end = std::min(now.find(',', start), now.size());
        const std::string field = now.substr(start, end - start);
        if (!has(before, field)) {
            out += (out.empty() ? "" : ", ") + field;
        }
        start = end + 1;
    }
    return out;
}

}  // namespace

std::optional<connector::Error> PullPipeline::checkFields(const std::vector<std::string>& fields) const {
    // The field names become the webstore's column names in SQL, whoever wrote the connector (a plug-in, a service):
    // only the stream's canonical fields, each once, with its key fields, are taken.
    const auto& known = connector::streamFields(entity_.stream);
    std::unordered_set<std::string> seen;
    for (const auto& field : fields) {
        const bool canonical =
            std::any_of(known.begin(), known.end(), [&](const connector::StreamField& f) { return f.name == field; });
        if (!canonical || !seen.insert(field).second) {
            std::string printable;
            for (const unsigned char c : field.substr(0, 64)) {
                printable += std::isprint(c) ? static_cast<char>(c) : '?';
            }
            return connector::Error{
                connector::ErrorKind::Config, "bad-field",
                "the " + connector_.kind() + " connector delivers the field '" + printable + "'" +
                    (canonical ? " twice" : ", which is no field of stream '" + entity_.stream + "'") +
                    "; nothing was read"};
        }
    }
    for (const auto& key : entity_.key_columns) {
        if (!seen.count(key)) {
            return connector::Error{connector::ErrorKind::Config, "bad-field",
                                    "the " + connector_.kind() + " connector does not deliver the key field '" + key +
                                        "' of stream '" + entity_.stream + "'; nothing was read"};
        }
    }
    return std::nullopt;
}

PullPipeline::PullPipeline(store::Webstore& store, connector::Connector& connector, const EntityTable& entity)
    : store_(store), connector_(connector), entity_(entity) {}

PullResult PullPipeline::run(const PullOptions& options, const std::function<void(const PullProgress&)>& progress) {
    RunLog log(store_);
    log.abandonStale(options.job, options.node);
    PullResult result;
    PullOptions effective = options;
    BatchWriter probe(store_, entity_, {});
    result.watermark_before = probe.watermark();
    const auto cap = (options.clock ? options.clock() : std::chrono::system_clock::now()) +
                     std::chrono::seconds(options.future_tolerance_s);
    std::vector<std::string> warnings;
    if (result.watermark_before && looksLikeTime(*result.watermark_before) &&
        *result.watermark_before > formatTime(cap)) {
        // Stored before the cap existed, or the clock was set back: an incremental pull from there reads nothing.
        warnings.push_back("the stored watermark " + *result.watermark_before + " lies in the future (more than " +
                           std::to_string(options.future_tolerance_s) +
                           " s ahead of now): this run reads in full and sets it anew");
        result.watermark_before.reset();
    }
    const std::string base_fields = baseFieldsOf(entity_, options);
    if (result.watermark_before && !options.dry_run) {
        const auto before = probe.baseFields();  // unknown (nullopt) before schema 6: recorded by this run
        if (const auto added = before ? addedFields(*before, base_fields) : std::string(); !added.empty()) {
            // Their base is recorded on every record only by a pull that reads every record (the conflict trap).
            warnings.push_back("the ERP no longer owns " + added +
                               " (ownership): this run reads in full to record their current values as the base");
            result.watermark_before.reset();
        }
    }
    if (!connector_.incremental(entity_.stream) || !result.watermark_before) {
        effective.mode = connector::PullMode::Full;  // nothing to be incremental from
    }
    result.full = effective.mode == connector::PullMode::Full;
    const std::string mode = options.dry_run ? "dry_run" : (result.full ? "full" : "incremental");
    result.run_id = log.start(options.job, options.node, mode, options.triggered_by, options.firing);
    if (options.started) {
        options.started(result.run_id);
    }
    spdlog::info("run {} of job {}: {} pull of {} started{}", result.run_id, options.job,
                 result.full ? "full" : "incremental", entity_.stream,
                 result.full ? "" : " from watermark " + *result.watermark_before);
    connector::OpenRequest request;
    request.mode = effective.mode;
    request.cursor = result.watermark_before;
    request.overlap_seconds = options.overlap_seconds;
    request.cursor_limit = cap;
    bool deferred = false;
    auto finish = [&](const std::string& status, std::optional<connector::Error> error) {
        if (deferred) {
            deferred = false;
            try {
                store::Transaction tx(store_);
                store::restoreIndexes(store_, entity_.table);
                tx.commit();
            } catch (const Poco::Exception& e) {
                // The run's end is still recorded below; the next run of the job rebuilds what is missing first.
                spdlog::warn("run {} of job {}: could not rebuild the indexes of {} yet: {}", result.run_id,
                             options.job, entity_.table, e.displayText());
                if (status != "failed") {
                    throw;
                }
            }
        }
        result.status = status;
        result.error = std::move(error);
        for (const auto& w : warnings) {
            spdlog::warn("run {} of job {}: {}", result.run_id, options.job, w);
            result.warning += (result.warning.empty() ? "" : "; ") + w;
        }
        log.finish(result.run_id, status, result.counts, result.error, result.warning);
        spdlog::info("run {} of job {}: {} (read {}, applied {}, unchanged {}, rejected {}, deactivated {}){}",
                     result.run_id, options.job, status, result.counts.read, result.counts.applied,
                     result.counts.unchanged, result.counts.rejected, result.counts.deactivated,
                     result.error ? ": " + result.error->describe() : "");
        return result;
    };
    try {
        auto session = connector_.open(entity_.stream, request);
        if (!session) {
            return finish("failed", session.error());
        }
        if (auto refused = checkFields(session.value()->fields())) {
            return finish("failed", std::move(refused));
        }
        bool first_load = false;
        {
            // A first load builds the table's secondary indexes once at its end (store/deferred_indexes.h);
            // indexes a killed first load left dropped are rebuilt first.
            store::Transaction tx(store_);
            store::restoreIndexes(store_, entity_.table);
            first_load = result.full && store::tableIsEmpty(store_, entity_.table);
            if (first_load && !options.dry_run) {
                deferred = store::deferIndexes(store_, entity_.table) > 0;
            }
            tx.commit();
        }
        const std::vector<std::string> fields = session.value()->fields();
        PullRun run(store_, entity_, effective, fields, cap);
        if (!first_load || options.dry_run) {
            run.trackKeys(result.full && !first_load ? run.writer().activeCount() : 0);
        }
        if (first_load) {
            run.firstLoad();
        }
        // The ERP read and the preparation of the next batches overlap the webstore write of this one (2 batches
        // ahead).
        ReadAhead pull(*session.value(), 2, [&run](connector::RecordBatch& batch) { run.prepare(batch); });
        connector::RecordBatch batch;
        for (;;) {
            auto more = pull.next(batch);
            if (!more) {
                result.counts = run.counts;
                return finish("failed", more.error());
            }
            if (!more.value()) {
                break;
            }
            run.apply(result.run_id, batch);
            result.counts = run.counts;
            if (progress) {
                progress(result.counts);
            }
        }
        // The last transaction: deactivations and the new watermark. job_runs is written after it ends.
        std::optional<connector::Error> refused;
        {
            store::Transaction tx(store_);
            if (result.full && !first_load) {
                const auto missing = run.missingKeys();
                const auto active = missing.empty() ? 0 : run.writer().activeCount();
                if (!missing.empty() && static_cast<std::int64_t>(missing.size()) * 100 >
                                            active * static_cast<std::int64_t>(options.max_deactivate_percent)) {
                    refused = connector::Error{connector::ErrorKind::Data, "deactivate-guard",
                                               "the full pull would deactivate " + std::to_string(missing.size()) +
                                                   " of " + std::to_string(active) + " " + entity_.stream +
                                                   " (more than " + std::to_string(options.max_deactivate_percent) +
                                                   "%); nothing was deactivated. Check the ERP query, or raise "
                                                   "sync.max_deactivate_percent for one run"};
                } else {
                    run.writer().deactivate(missing);
                    run.audit().append(run.deactivationAudit(result.run_id, missing));
                    run.counts.deactivated = static_cast<std::int64_t>(missing.size());
                }
            }
            // The connector's cursor never moves back from the one it was handed; any other value is its new position.
            const bool advanced =
                !refused && run.cursor && (!result.watermark_before || *run.cursor != *result.watermark_before);
            if (advanced) {
                run.writer().setWatermark(*run.cursor);
            }
            run.writer().setBaseFields(base_fields);
            result.watermark_after = advanced ? run.cursor : result.watermark_before;
            if (run.counts.future_dated > 0) {
                warnings.push_back(std::to_string(run.counts.future_dated) + " row(s) dated after " + formatTime(cap) +
                                   " (now plus sync.future_tolerance_s), the first " + run.first_future->first +
                                   " at " + run.first_future->second +
                                   ": applied, but the watermark does not move past the cap");
            }
            if (!result.full && !advanced && run.counts.applied > 0 && result.watermark_before) {
                warnings.push_back(std::to_string(run.counts.applied) +
                                   " change(s) applied but the watermark stayed at " + *result.watermark_before +
                                   ": their change times are not after it. Late commits inside the overlap window "
                                   "do this; if it repeats, the ERP's change times lag (clock behind, backdated rows)");
            }
            if (!options.dry_run && !refused) {
                if (options.before_commit) {
                    options.before_commit(store_);
                }
                tx.commit();
            }
        }
        result.counts = run.counts;
        if (refused) {
            return finish("failed", refused);
        }
        return finish(run.counts.rejected > 0 ? "completed_with_rejects" : "succeeded", std::nullopt);
    } catch (const RunStopped& stopped) {
        if (!store_.connected()) {
            throw store::ConnectionLost("run " + std::to_string(result.run_id) + " of job " + options.job + ": " +
                                        stopped.error().describe() + "; and the webstore connection is gone");
        }
        return finish(stopped.status(), stopped.error());
    } catch (const Poco::Exception& e) {
        if (!store_.connected()) {
            // Nothing of the batch in flight was committed. The run cannot be marked failed on a dead connection:
            // the next run of the job (or the node taking its lease over) marks it abandoned.
            throw store::ConnectionLost("run " + std::to_string(result.run_id) + " of job " + options.job +
                                        ": lost the connection to the webstore " + store_.description() + ": " +
                                        e.displayText());
        }
        try {
            // A full disk or an I/O error passes: the run may be retried (exit 75), unlike a broken statement.
            finish("failed", connector::Error{store::isStorageExhausted(e) ? connector::ErrorKind::Transient
                                                                           : connector::ErrorKind::Fatal,
                                              "webstore", e.displayText()});
        } catch (const Poco::Exception& again) {
            spdlog::error("run {} of job {}: could not record its failure: {}", result.run_id, options.job,
                          again.displayText());
        }
        throw;
    }
}

}  // namespace syncline::sync
