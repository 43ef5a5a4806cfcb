#include "daemon/watches/stocks/stock_item.hpp"

#include "daemon/engine/item_json.hpp"

namespace ozw::daemon::stocks {

using nlohmann::json;
using namespace item_json;

namespace {

json opt_int(const std::optional<long long>& v) { return v ? json(*v) : json(nullptr); }
json opt_num(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::optional<long long> int_opt(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? std::optional(it->get<long long>()) : std::nullopt;
}

std::optional<double> num_opt(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? std::optional(it->get<double>()) : std::nullopt;
}

}  // namespace

json ArticleStock::to_json() const {
    return {{"offer_id", offer_id}, {"sku", sku},           {"on_ozon", on_ozon},
            {"present", present},   {"reserved", reserved}, {"insales", opt_int(insales)},
            {"onec", opt_num(onec)}, {"jumped_from", opt_int(jumped_from)}};
}

ArticleStock ArticleStock::from_json(const json& j) {
    ArticleStock a;
    if (!j.is_object()) return a;
    a.offer_id = str_of(j, "offer_id");
    a.sku = int_of(j, "sku");
    a.on_ozon = flag_of(j, "on_ozon");
    a.present = int_of(j, "present");
    a.reserved = int_of(j, "reserved");
    a.insales = int_opt(j, "insales");
    a.onec = num_opt(j, "onec");
    a.jumped_from = int_opt(j, "jumped_from");
    return a;
}

std::string ArticleStock::fingerprint() const {
    // Built by hand, not through JSON: 100,000 articles are compared on every poll.
    auto opt = [](std::string& out, const auto& v) {
        if (v) out += std::to_string(*v);
        out += '|';
    };
    std::string f = offer_id;
    f += '|';
    f += std::to_string(sku);
    f += on_ozon ? "|o|" : "|-|";
    f += std::to_string(present);
    f += '|';
    f += std::to_string(reserved);
    f += '|';
    opt(f, insales);
    opt(f, onec);
    opt(f, jumped_from);
    return f;
}

json StockGroup::to_json() const {
    json entries_json = json::array();
    for (const auto& e : entries) {
        json x = {{"offer_id", e.offer_id},
                  {"ozon", e.ozon},
                  {"insales", opt_int(e.insales)},
                  {"onec", opt_num(e.onec)},
                  {"jumped_from", opt_int(e.jumped_from)},
                  {"since", format_iso8601(e.since)}};
        if (!e.warehouses.empty()) {
            x["warehouses"] = json::array();
            for (const auto& w : e.warehouses)
                x["warehouses"].push_back({{"name", w.name}, {"present", w.present}, {"reserved", w.reserved}});
        }
        entries_json.push_back(std::move(x));
    }
    return {{"kind", kind},
            {"link", link},
            {"entries", entries_json},
            {"insales_read_at", time_or_null(insales_read_at)},
            {"onec_written_at", time_or_null(onec_written_at)}};
}

StockGroup StockGroup::from_json(const json& j) {
    StockGroup g;
    if (!j.is_object()) return g;
    g.kind = str_of(j, "kind");
    g.link = str_of(j, "link");
    if (auto it = j.find("entries"); it != j.end() && it->is_array())
        for (const auto& x : *it) {
            if (!x.is_object()) continue;
            GroupEntry e;
            e.offer_id = str_of(x, "offer_id");
            e.ozon = int_of(x, "ozon");
            e.insales = int_opt(x, "insales");
            e.onec = num_opt(x, "onec");
            e.jumped_from = int_opt(x, "jumped_from");
            e.since = time_of(x, "since").value_or(TimePoint{});
            if (auto w = x.find("warehouses"); w != x.end() && w->is_array())
                for (const auto& y : *w)
                    if (y.is_object()) e.warehouses.push_back({str_of(y, "name"), int_of(y, "present"), int_of(y, "reserved")});
            g.entries.push_back(std::move(e));
        }
    g.insales_read_at = time_of(j, "insales_read_at");
    g.onec_written_at = time_of(j, "onec_written_at");
    return g;
}

json SourceState::to_json() const {
    return {{"kind", "source"},
            {"source", source},
            {"read_at", time_or_null(read_at)},
            {"written_at", time_or_null(written_at)},
            {"path", path},
            {"failing_since", time_or_null(failing_since)},
            {"error", error},
            {"stale", stale}};
}

SourceState SourceState::from_json(const json& j) {
    SourceState s;
    if (!j.is_object()) return s;
    s.source = str_of(j, "source");
    s.read_at = time_of(j, "read_at");
    s.written_at = time_of(j, "written_at");
    s.path = str_of(j, "path");
    s.failing_since = time_of(j, "failing_since");
    s.error = str_of(j, "error");
    s.stale = flag_of(j, "stale");
    return s;
}

std::string StocksItem::key() const {
    if (const auto* g = group()) return g->key();
    if (const auto* s = source()) return "source:" + s->source;
    return article()->offer_id;
}

json StocksItem::to_json() const {
    if (const auto* g = group()) return g->to_json();
    if (const auto* s = source()) return s->to_json();
    return article()->to_json();
}

StocksItem StocksItem::from_json(const json& j) {
    const std::string kind = j.is_object() ? str_of(j, "kind") : std::string{};
    if (kind == "source") return SourceState::from_json(j);
    if (kind == "suspicious" || kind == "mismatch") return StockGroup::from_json(j);
    return ArticleStock::from_json(j);
}

std::string StocksItem::fingerprint() const {
    if (const auto* g = group()) return g->fingerprint();
    if (const auto* s = source()) return s->fingerprint();
    return article()->fingerprint();
}

}  // namespace ozw::daemon::stocks
