#include "daemon/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "alerts/notifiers.hpp"
#include "alerts/router.hpp"
#include "common/logging.hpp"
#include "common/ratelimit.hpp"

namespace ozw::daemon {

namespace asio = boost::asio;

Pipeline::Pipeline(const Config& cfg, Store& store, const Clock& clock, asio::any_io_executor ex,
                   PipelineOptions opt)
    : cfg_(cfg), store_(store), clock_(clock), opt_(opt) {
    router_ = opt_.notify ? alerts::make_router(cfg_, store_, clock_, opt_.with_console) : null_router();
    scheduler_ = std::make_unique<Scheduler>(store_, router_, clock_, cfg_.watches.unavailable_after,
                                             opt_.jitter_fraction);
    for (const auto& acc : cfg_.accounts) {
        AccountRuntime rt;
        rt.config = acc;
        // One limiter per account, shared by all its watches (Ozon counts per Client-Id).
        auto limiter = std::make_shared<RateLimiter>(acc.rate_limit);
        rt.client = std::make_shared<ozon::Client>(ex, acc, limiter, opt_.retry.value_or(ozon::RetryPolicy{}));
        if (cfg_.watches.postings.enabled) {
            rt.postings = std::make_shared<PostingsWatch>(acc.name, rt.client, cfg_.watches.postings,
                                                          cfg_.timezone);
            scheduler_->add(rt.postings);
        }
        accounts_.push_back(std::move(rt));
    }
    // Say plainly which configured watches do nothing yet, so nobody relies on silence.
    const std::pair<const char*, bool> not_yet[] = {
        {"returns", cfg_.watches.returns.enabled}, {"finance", cfg_.watches.finance.enabled},
        {"stocks", cfg_.watches.stocks.enabled},   {"reviews", cfg_.watches.reviews.enabled},
        {"chats", cfg_.watches.chats.enabled}};
    for (const auto& [name, enabled] : not_yet)
        if (enabled)
            spdlog::warn("watches.{}: this watch is not implemented yet in this release; "
                         "check that section of the seller cabinet by hand", name);
    if (opt_.notify) {
        dispatcher_ = std::make_unique<alerts::Dispatcher>(
            cfg_, store_, clock_, alerts::make_notifiers(cfg_, ex, clock_, opt_.with_console));
    }
}

Pipeline::~Pipeline() = default;

ReportOptions Pipeline::report_options() const {
    ReportOptions o;
    o.language = cfg_.notify.language;
    o.timezone = cfg_.timezone;
    o.lookback = cfg_.watches.postings.lookback;
    return o;
}

std::vector<AccountReport> Pipeline::reports() {
    std::vector<AccountReport> out;
    for (std::size_t a = 0; a < accounts_.size(); ++a) {
        AccountReport r;
        r.account = accounts_[a].config.name;
        if (accounts_[a].postings) r.counts = count_statuses(accounts_[a].postings->postings());
        for (std::size_t i = 0; i < scheduler_->size(); ++i) {
            auto& sw = scheduler_->at(i);
            if (sw.runner->watch().account() != r.account) continue;
            if (sw.health.consecutive_failures > 0 && !sw.last_result) {
                r.postings_checked = false;
                r.source_error = sw.health.last_error;
            }
        }
        for (const auto& c : store_.active_conditions(r.account)) r.firing.push_back(c.event);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<Event> Pipeline::record_daily_report(TimePoint now) {
    ApplyBatch b;
    b.now = now;
    for (const auto& r : reports()) b.transitions.push_back(make_report_event(r, now, report_options()));
    return store_.apply(b, router_).recorded;
}

TimePoint Pipeline::next_report_time(TimePoint after) const {
    TimeZone tz(cfg_.timezone);
    TimePoint t = tz.at_local(after, cfg_.report.at);
    // Step whole local days (26 h then re-anchor) so daylight-saving days work.
    while (t <= after) t = tz.at_local(t + std::chrono::hours(26), cfg_.report.at);
    return t;
}

asio::awaitable<void> Pipeline::report_loop(const std::atomic<bool>& stop) {
    if (!cfg_.report.enabled) co_return;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    TimePoint next = next_report_time(clock_.now());
    while (!stop) {
        if (clock_.now() >= next) {
            try {
                record_daily_report(clock_.now());
            } catch (const std::exception& e) {
                log::get("report")->error("morning report not recorded: {}", e.what());
            }
            next = next_report_time(clock_.now());
        }
        timer.expires_after(std::chrono::seconds(1));
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

}  // namespace ozw::daemon
