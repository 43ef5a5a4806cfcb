#pragma once
// What the stocks watch remembers:
// - one ArticleStock per article (Ozon offer_id = InSales variant sku = 1C Артикул): the three
//   figures as last read;
// - one StockGroup per kind of trouble: "suspicious" (figures that look like a broken sync) and
//   "mismatch:<link>" (a broken link of the sync chain 1C -> InSales -> Ozon), each listing its
//   articles with since when: one alert per sync failure, not one per article;
// - one SourceState per compared source ("insales", "onec"): when it was read, how old its
//   figures are, and since when it fails.
// One snapshot holds all three kinds (keys: offer_id, "group:...", "source:...").
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/boxed.hpp"
#include "common/clock.hpp"

namespace ozw::daemon::stocks {

struct ArticleStock {
    std::string offer_id;
    long long sku = 0;
    bool on_ozon = false;
    long long present = 0;   // Ozon FBS + rFBS, as the cabinet shows it
    long long reserved = 0;  // of which in orders not shipped yet
    std::optional<long long> insales;  // the variant's quantity (none: not in InSales / not tracked)
    std::optional<double> onec;        // 1C's Количество
    // The Ozon figure before the last change, when that change was a jump (stock.suspicious).
    std::optional<long long> jumped_from;

    // What InSales and 1C are compared with: what Ozon can still sell.
    long long free() const { return present - reserved; }
    nlohmann::json to_json() const;
    static ArticleStock from_json(const nlohmann::json& j);
    std::string fingerprint() const;
    bool operator==(const ArticleStock&) const = default;
};

// One FBS warehouse's figures of an article (/v2/product/info/stocks-by-warehouse/fbs).
struct WarehouseFigure {
    std::string name;
    long long present = 0;
    long long reserved = 0;
    bool operator==(const WarehouseFigure&) const = default;
};

struct GroupEntry {
    std::string offer_id;
    long long ozon = 0;  // free (mismatch) or present (suspicious)
    std::optional<long long> insales;
    std::optional<double> onec;
    std::optional<long long> jumped_from;  // suspicious: a jump from this figure
    TimePoint since{};
    std::vector<WarehouseFigure> warehouses;  // suspicious: where the figure is
    bool operator==(const GroupEntry&) const = default;
};

struct StockGroup {
    std::string kind;  // "suspicious" | "mismatch"
    std::string link;  // mismatch: "insales_ozon" | "onec_insales" | "onec_ozon"
    std::vector<GroupEntry> entries;  // by offer_id
    // How old the compared figures were (mismatch): InSales read at, 1C file written at.
    std::optional<TimePoint> insales_read_at;
    std::optional<TimePoint> onec_written_at;

    std::string key() const { return kind == "mismatch" ? "group:mismatch:" + link : "group:" + kind; }
    nlohmann::json to_json() const;
    static StockGroup from_json(const nlohmann::json& j);
    std::string fingerprint() const { return to_json().dump(); }
    bool operator==(const StockGroup&) const = default;
};

struct SourceState {
    std::string source;  // "insales" | "onec"
    std::optional<TimePoint> read_at;        // the last good read
    std::optional<TimePoint> written_at;     // 1C: the file's modification time
    std::string path;                        // 1C: the file read
    std::optional<TimePoint> failing_since;  // the reads fail since then
    std::string error;                       // the last failure
    bool stale = false;                      // 1C: older than max_age

    nlohmann::json to_json() const;
    static SourceState from_json(const nlohmann::json& j);
    std::string fingerprint() const { return to_json().dump(); }
    bool operator==(const SourceState&) const = default;
};

struct StocksItem {
    // The groups and sources (a few items) are boxed, so that each of the 100,000 articles
    // takes the size of an article, not of the largest alternative.
    std::variant<ArticleStock, Boxed<StockGroup>, Boxed<SourceState>> value;

    StocksItem() = default;
    StocksItem(ArticleStock a) : value(std::move(a)) {}                     // NOLINT: an item is one of them
    StocksItem(StockGroup g) : value(Boxed<StockGroup>(std::move(g))) {}    // NOLINT
    StocksItem(SourceState s) : value(Boxed<SourceState>(std::move(s))) {}  // NOLINT

    const ArticleStock* article() const { return std::get_if<ArticleStock>(&value); }
    const StockGroup* group() const {
        const auto* g = std::get_if<Boxed<StockGroup>>(&value);
        return g ? &**g : nullptr;
    }
    const SourceState* source() const {
        const auto* s = std::get_if<Boxed<SourceState>>(&value);
        return s ? &**s : nullptr;
    }
    std::string key() const;

    nlohmann::json to_json() const;
    static StocksItem from_json(const nlohmann::json& j);  // tolerant
    std::string fingerprint() const;
    // Equal fields, hence equal fingerprints (the engine compares 100,000 articles a poll
    // without building a string; a time equal to the second but not below it counts as a
    // change, which only writes the row again).
    bool same_as(const StocksItem& other) const { return value == other.value; }
};

}  // namespace ozw::daemon::stocks
