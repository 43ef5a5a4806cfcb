#pragma once
#include <cstdint>
#include <string_view>
// The finance watch (issue 12): every delivered posting paid, every payout period summed up.
// Each poll:
// - the delivered postings come from the postings watch's snapshot in the store (status
//   delivered; status_since is the delivery time as that watch knows it), never from its code;
//   the watch waits while that watch has no baseline yet;
// - those delivered more than grace_days ago (and less than give_up_after), not known as paid,
//   are asked about with /v1/finance/accrual/postings (batches of 200); which accrual types are
//   the sale comes from /v1/finance/accrual/types (once a day);
// - the payout period just ended is summed up once (its cash-flow statement, with details, and
//   the count of its delivered postings: finance.period_closed); periods whose payment is
//   expected are read again until it appears (finance.payout_missing after payout_days);
// - the current period's days are read with /v1/finance/accrual/by-day (each once, recent ones
//   every by_day_refresh) for the morning report.
// A posting once paid is not asked about again; one never paid is asked every poll for a week
// after it was due, then daily until give_up_after, and its alert stays. A cash-flow call is made only when a summary or a payment is awaited.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "common/ozon/client.hpp"
#include "daemon/engine/module.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "daemon/watches/finance/current_period.hpp"
#include "daemon/watches/finance/evaluate.hpp"
#include "daemon/watches/finance/finance_item.hpp"
#include "daemon/watches/finance/periods.hpp"

namespace ozw::daemon::finance {

class FinanceWatch : public SnapshotWatch<FinanceItem> {
public:
    FinanceWatch(std::string account, std::shared_ptr<ozon::Client> client, FinanceSettings settings,
                 SnapshotReader read_snapshot, const std::string& timezone = "Europe/Moscow");

    Millis interval() const override { return ctx_.settings.interval; }
    std::vector<std::string> report_lines(const ReportOptions& o) const override;
    std::string report_title(const ReportOptions& o) const override;

    std::vector<Event> transitions(const FinanceItem* previous, const FinanceItem& current,
                                   TimePoint now) const override;
    ItemConditions conditions(const FinanceItem& current, TimePoint now) const override;

    // The remembered posting / period (tests, benchmarks); null when not remembered.
    const AccrualItem* accrual(const std::string& posting_number) const;
    const PeriodItem* period(const std::string& id) const;
    // The current period so far (committed).
    CurrentPeriod current_period() const;

protected:
    awaitable<Fetched<FinanceItem>> fetch(TimePoint now, bool baseline) override;
    std::string key_of(const FinanceItem& item) const override { return item.key(); }
    bool expired(const FinanceItem& item, TimePoint now) const override;
    bool announced_on_baseline(const FinanceItem& item, TimePoint now) const override;

    // The postings watch's rows as last parsed: the row's version (its fingerprint and when it
    // was written, hashed), its delivery time if delivered, and the read that last met it (rows
    // no read meets are gone from the snapshot).
    struct ParsedPosting {
        std::size_t version = 0;
        std::optional<TimePoint> delivered_at;
        std::uint64_t read = 0;
    };
    // Looked up by the row's key as SQLite holds it (a string_view): no string per row per read.
    struct KeyHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    using PostingsRead = std::unordered_map<std::string, ParsedPosting, KeyHash, std::equal_to<>>;
    // Reads what the postings watch wrote since the last call and returns every posting of its
    // snapshot (a delivered one with delivered_at); null while that watch has no baseline. Kept
    // between polls, valid until the next call: most reads change a few hundred of 50,000.
    // (Protected for its unit test.)
    const PostingsRead* read_postings();

private:
    awaitable<void> fetch_accruals(const PostingsRead& postings_read, TimePoint now,
                                   Fetched<FinanceItem>& out);
    awaitable<void> fetch_periods(const PostingsRead* postings_read, TimePoint now,
                                  Fetched<FinanceItem>& out);
    awaitable<void> fetch_current_period(TimePoint now, Fetched<FinanceItem>& out);
    // When this watch first polled (its cursor), or `now` before that.
    TimePoint watching_since_or(TimePoint now) const;

    std::shared_ptr<ozon::Client> client_;
    EvalContext ctx_;
    SnapshotReader read_snapshot_;
    std::set<int> sale_types_;
    std::optional<TimePoint> types_read_at_;
    bool logged_no_postings_ = false;
    std::optional<TimePoint> last_fetch_;
    PostingsRead postings_read_;
    std::uint64_t postings_reads_ = 0;
};

}  // namespace ozw::daemon::finance
