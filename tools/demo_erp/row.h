#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace syncline::demo_erp {

/// One row on its way to a Sink: typed fields whose text lives in one reusable buffer, so that writing a row
/// allocates nothing once the buffers have grown. Decimals are passed as integer millionths and written with exactly
/// six places ("12.500000"), the text form that NUMERIC(19,6) columns return.
class Row {
  public:
    enum class Kind : uint8_t { kNull, kInteger, kText };
    struct Field {
        Kind kind;
        int64_t integer;
        uint32_t offset;
        uint32_t size;
    };

    static constexpr int64_t kMicrosPerUnit = 1'000'000;

    void clear() {
        fields_.clear();
        text_.clear();
    }

    Row& null();
    Row& integer(int64_t value);
    Row& text(std::string_view value);
    /// A CHAR(width) code, padded with spaces on the right as the ERP stores it.
    Row& code(std::string_view value, size_t width);
    Row& decimal(int64_t micros);
    Row& date(int64_t day);
    Row& timestamp(int64_t seconds);
    Row& flag(bool yes) { return text(yes ? "Y" : "N"); }

    size_t size() const { return fields_.size(); }
    const Field& field(size_t i) const { return fields_[i]; }
    std::string_view textOf(const Field& f) const { return std::string_view(text_).substr(f.offset, f.size); }

  private:
    char* appendText(size_t size);

    std::vector<Field> fields_;
    std::string text_;
};

}  // namespace syncline::demo_erp
