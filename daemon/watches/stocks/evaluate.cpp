#include "daemon/watches/stocks/evaluate.hpp"

#include <algorithm>
#include <cmath>

#include "common/time.hpp"

namespace ozw::daemon::stocks {

using nlohmann::json;

namespace {

bool differs(double a, double b, long long tolerance) { return std::fabs(a - b) > static_cast<double>(tolerance); }

double worst_difference(const GroupEntry& e) {
    double worst = 0;
    const double ozon = static_cast<double>(e.ozon);
    if (e.insales) worst = std::max(worst, std::fabs(ozon - static_cast<double>(*e.insales)));
    if (e.onec) worst = std::max(worst, std::fabs(ozon - *e.onec));
    if (e.insales && e.onec) worst = std::max(worst, std::fabs(static_cast<double>(*e.insales) - *e.onec));
    if (e.jumped_from) worst = std::max(worst, std::fabs(ozon - static_cast<double>(*e.jumped_from)));
    return worst;
}

json entry_json(const GroupEntry& e) {
    json j = {{"offer_id", e.offer_id}, {"ozon", e.ozon}};
    if (e.insales) j["insales"] = *e.insales;
    if (e.onec) j["onec"] = *e.onec;
    if (e.jumped_from) j["jumped_from"] = *e.jumped_from;
    if (!e.warehouses.empty()) {
        j["warehouses"] = json::array();
        for (const auto& w : e.warehouses)
            j["warehouses"].push_back({{"name", w.name}, {"present", w.present}, {"reserved", w.reserved}});
    }
    return j;
}

Event base_event(const char* type, Severity severity, EventKind kind, const EvalContext& ctx, TimePoint now) {
    Event e;
    e.type = type;
    e.severity = severity;
    e.kind = kind;
    e.state = EventState::firing;
    e.account = ctx.account;
    e.detected_at = now;
    e.occurred_at = now;
    e.url = kStocksUrl;
    return e;
}

}  // namespace

bool is_suspicious_value(long long present, const StocksSettings& s) {
    return std::find(s.suspicious_values.begin(), s.suspicious_values.end(), present) != s.suspicious_values.end();
}

bool is_jump(long long from, long long to, const StocksSettings& s) {
    const long long lo = std::min(from, to), hi = std::max(from, to);
    return lo >= s.jump_from && static_cast<double>(hi) > s.jump_factor * static_cast<double>(lo);
}

std::vector<std::string> broken_links(const ArticleStock& a, Compared c, long long tolerance) {
    std::vector<std::string> out;
    const bool insales = c.insales && a.insales;
    const bool onec = c.onec && a.onec;
    if (insales && onec && differs(static_cast<double>(*a.insales), *a.onec, tolerance)) out.push_back("onec_insales");
    if (!a.on_ozon) return out;
    const double ozon = static_cast<double>(a.free());
    if (insales && differs(ozon, static_cast<double>(*a.insales), tolerance)) out.push_back("insales_ozon");
    else if (!c.insales && onec && differs(ozon, *a.onec, tolerance)) out.push_back("onec_ozon");
    return out;
}

std::vector<std::string> links_of(Compared configured) {
    std::vector<std::string> out;
    if (configured.insales && configured.onec) out.push_back("onec_insales");
    if (configured.insales) out.push_back("insales_ozon");
    else if (configured.onec) out.push_back("onec_ozon");
    return out;
}

std::vector<StockGroup> build_groups(const std::map<std::string, ArticleStock>& articles,
                                     const std::map<std::string, const StockGroup*>& previous, const GroupInputs& in,
                                     TimePoint now, const StocksSettings& s) {
    return build_groups(
        [&articles](const ArticleVisit& visit) {
            for (const auto& [offer_id, a] : articles) visit(offer_id, a);
        },
        previous, in, now, s);
}

std::vector<StockGroup> build_groups(const std::function<void(const ArticleVisit&)>& each,
                                     const std::map<std::string, const StockGroup*>& previous, const GroupInputs& in,
                                     TimePoint now, const StocksSettings& s) {
    std::map<std::string, StockGroup> groups;
    StockGroup suspicious;
    suspicious.kind = "suspicious";
    groups.emplace(suspicious.key(), suspicious);
    // The configured links, and those compared now (1C against Ozon while InSales fails).
    std::vector<std::string> links = links_of(in.configured);
    for (const auto& link : links_of(in.compared))
        if (std::find(links.begin(), links.end(), link) == links.end()) links.push_back(link);
    for (const auto& link : links) {
        StockGroup g;
        g.kind = "mismatch";
        g.link = link;
        g.insales_read_at = in.insales_read_at;
        g.onec_written_at = in.onec_written_at;
        groups.emplace(g.key(), g);
    }
    // The since of an entry the group already had.
    auto since_of = [&](const std::string& key, const std::string& offer_id) {
        auto it = previous.find(key);
        if (it == previous.end() || !it->second) return now;
        const auto& entries = it->second->entries;
        auto e = std::lower_bound(entries.begin(), entries.end(), offer_id,
                                  [](const GroupEntry& x, const std::string& id) { return x.offer_id < id; });
        return e != entries.end() && e->offer_id == offer_id ? e->since : now;
    };
    each([&](const std::string& offer_id, const ArticleStock& a) {  // by offer_id: every entries list stays sorted
        if (a.on_ozon && (is_suspicious_value(a.present, s) || a.jumped_from)) {
            auto& g = groups.at("group:suspicious");
            GroupEntry e{offer_id, a.present, a.insales, a.onec, a.jumped_from, since_of(g.key(), offer_id)};
            g.entries.push_back(std::move(e));
        }
        for (const auto& link : broken_links(a, in.compared, s.tolerance)) {
            auto& g = groups.at("group:mismatch:" + link);
            GroupEntry e{offer_id, a.free(), a.insales, a.onec, std::nullopt, since_of(g.key(), offer_id)};
            g.entries.push_back(std::move(e));
        }
    });
    std::vector<StockGroup> out;
    out.reserve(groups.size());
    for (auto& [_, g] : groups) out.push_back(std::move(g));
    return out;
}

std::vector<Event> article_transitions(const ArticleStock* previous, const ArticleStock& a, TimePoint now,
                                       const EvalContext& ctx) {
    if (!previous || !previous->on_ozon || previous->present <= 0 || !a.on_ozon || a.present != 0) return {};
    Event e = base_event("stock.out", Severity::info, EventKind::transition, ctx, now);
    e.key = "stock.out:" + a.offer_id + ":" + format_iso8601(now);
    e.title = e.type + " " + a.offer_id;  // fallback only: alerts renders the real text
    e.details = {{"offer_id", a.offer_id}, {"was", previous->present}};
    if (a.insales) e.details["insales"] = *a.insales;
    if (a.onec) e.details["onec"] = *a.onec;
    return {std::move(e)};
}

ItemConditions group_conditions(const StockGroup& g, TimePoint now, const EvalContext& ctx) {
    ItemConditions c;
    std::vector<const GroupEntry*> due;
    for (const auto& e : g.entries) {
        if (g.kind == "mismatch" && e.since + ctx.settings.mismatch_grace > now) {
            const TimePoint at = e.since + ctx.settings.mismatch_grace;
            if (!c.next_change || at < *c.next_change) c.next_change = at;
            continue;
        }
        due.push_back(&e);
    }
    if (due.empty()) return c;
    // The worst first: the largest difference between the figures.
    std::stable_sort(due.begin(), due.end(),
                     [](const GroupEntry* x, const GroupEntry* y) { return worst_difference(*x) > worst_difference(*y); });
    json listed = json::array();
    for (std::size_t i = 0; i < due.size() && i < kListed; ++i) listed.push_back(entry_json(*due[i]));
    TimePoint oldest = due.front()->since;
    for (const auto* e : due) oldest = std::min(oldest, e->since);
    if (g.kind == "suspicious") {
        Event e = base_event("stock.suspicious", Severity::warning, EventKind::condition, ctx, now);
        e.key = "stock.suspicious";
        e.title = e.type;
        e.occurred_at = oldest;
        e.details = {{"count", static_cast<long long>(due.size())}, {"articles", listed}};
        c.holding.push_back(std::move(e));
        return c;
    }
    Event e = base_event("stock.mismatch", Severity::warning, EventKind::condition, ctx, now);
    e.key = "stock.mismatch:" + g.link;
    e.title = e.type + " " + g.link;
    e.occurred_at = oldest + ctx.settings.mismatch_grace;
    e.details = {{"link", g.link},
                 {"count", static_cast<long long>(due.size())},
                 {"articles", listed},
                 {"since", format_iso8601(oldest)}};
    if (g.insales_read_at) e.details["insales_read_at"] = format_iso8601(*g.insales_read_at);
    if (g.onec_written_at) e.details["onec_written_at"] = format_iso8601(*g.onec_written_at);
    c.holding.push_back(std::move(e));
    return c;
}

ItemConditions source_conditions(const SourceState& s, TimePoint now, const EvalContext& ctx) {
    ItemConditions c;
    const bool failing = s.failing_since && now - *s.failing_since >= ctx.settings.mismatch_grace;
    if (s.failing_since && !failing) c.next_change = *s.failing_since + ctx.settings.mismatch_grace;
    if (!failing && !s.stale) return c;
    Event e = base_event("stock.source_stale", Severity::warning, EventKind::condition, ctx, now);
    e.key = "stock.source_stale:" + s.source;
    e.title = e.type + " " + s.source;
    e.occurred_at = failing ? *s.failing_since : now;
    e.details = {{"source", s.source == "onec" ? "1С" : "InSales"}};
    if (failing) {
        e.details["failing_since"] = format_iso8601(*s.failing_since);
        e.details["error"] = s.error;
    }
    if (s.read_at) e.details["read_at"] = format_iso8601(*s.read_at);
    if (s.written_at) e.details["written_at"] = format_iso8601(*s.written_at);
    if (s.stale)
        e.details["max_age_hours"] = std::chrono::duration_cast<std::chrono::hours>(ctx.onec_max_age).count();
    c.holding.push_back(std::move(e));
    return c;
}

}  // namespace ozw::daemon::stocks
