#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "engine/connector/connector.h"
#include "engine/connector/stream_config.h"

namespace syncline::connector {

/// The cursor of a config-driven stream: the highest value of one mapped field (its cursor_field), kept by the
/// connector's session and handed to the engine with every batch (RecordBatch::cursor).
///
/// Order: two values that both read as decimal numbers compare as numbers (so a change counter 10 comes after 9);
/// others compare as text, which is time order for the canonical date and timestamp forms. The cursor starts at the
/// request's stored cursor and never moves back. A date or timestamp value beyond the request's cursor_limit is
/// listed in the batch's beyond_limit instead of moving the cursor. Rows with a row error do not move it.
/// Used on the session's thread only.
class FieldCursor {
  public:
    FieldCursor(std::size_t field_index, FieldType type, const OpenRequest& request);

    /// Where an incremental read of a cursor of `type` starts: the stored cursor, minus the request's overlap for a
    /// date or timestamp. nullopt: no stored cursor, read in full.
    static std::optional<std::string> startOf(FieldType type, const OpenRequest& request);

    /// Moves the cursor over `batch`'s rows and sets batch.cursor and batch.beyond_limit.
    void observe(RecordBatch& batch);

    /// Whether `a` comes after `b` in cursor order.
    static bool after(const std::string& a, const std::string& b);

    /// `limit` in the form of a cursor of `type` ("YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS", UTC); none for other types.
    static std::optional<std::string> limitOf(FieldType type, std::chrono::system_clock::time_point limit);

  private:
    std::size_t index_;
    std::optional<std::string> current_;
    std::optional<std::string> limit_;
};

/// "YYYY-MM-DD[ HH:MM:SS[.f]]" minus `seconds`, as "YYYY-MM-DD HH:MM:SS". Text that is no date is returned as is.
std::string minusSeconds(const std::string& timestamp, int seconds);

}  // namespace syncline::connector
