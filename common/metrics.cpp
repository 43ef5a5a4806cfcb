#include "common/metrics.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "common/http/client.hpp"

namespace ozw::metrics {

const char* to_string(Type t) { return t == Type::counter ? "counter" : "gauge"; }

template <class Child>
void Family<Child>::check_arity(std::size_t n) const {
    if (n != label_names_.size())
        throw std::invalid_argument("metric " + name_ + ": " + std::to_string(n) + " label value(s) for " +
                                    std::to_string(label_names_.size()) + " label(s)");
}
template class Family<Counter>;
template class Family<Gauge>;

namespace {

bool name_char(char c, bool first, bool colon) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
    if (colon && c == ':') return true;
    return !first && c >= '0' && c <= '9';
}

bool ends_with_total(std::string_view n) { return n.size() > 6 && n.ends_with("_total"); }

void check_family(std::string_view name, Type type, const std::vector<std::string>& labels) {
    if (!valid_metric_name(name)) throw std::invalid_argument("invalid metric name '" + std::string(name) + "'");
    if (type == Type::counter && !ends_with_total(name))
        throw std::invalid_argument("counter " + std::string(name) + ": its name must end in _total");
    if (type == Type::gauge && ends_with_total(name))
        throw std::invalid_argument("gauge " + std::string(name) + ": _total is for counters");
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (!valid_label_name(labels[i]))
            throw std::invalid_argument("metric " + std::string(name) + ": invalid label name '" + labels[i] + "'");
        for (std::size_t j = 0; j < i; ++j)
            if (labels[j] == labels[i])
                throw std::invalid_argument("metric " + std::string(name) + ": label '" + labels[i] + "' twice");
    }
}

template <class F>
F& find_or_add(std::map<std::string, std::unique_ptr<F>, std::less<>>& m, std::string_view name,
               std::string_view help, std::vector<std::string> labels, Type type, bool other_has) {
    if (auto it = m.find(name); it != m.end()) {
        if (it->second->label_names() != labels)
            throw std::invalid_argument("metric " + std::string(name) + " registered again with other labels");
        return *it->second;
    }
    if (other_has)
        throw std::invalid_argument("metric " + std::string(name) + " registered again as another type");
    check_family(name, type, labels);
    auto f = std::make_unique<F>(std::string(name), std::string(help), std::move(labels));
    F& ref = *f;
    m.emplace(std::string(name), std::move(f));
    return ref;
}

}  // namespace

CounterFamily& Registry::counter(std::string_view name, std::string_view help, std::vector<std::string> label_names) {
    std::lock_guard lk(mu_);
    return find_or_add(counters_, name, help, std::move(label_names), Type::counter, gauges_.count(name) > 0);
}

GaugeFamily& Registry::gauge(std::string_view name, std::string_view help, std::vector<std::string> label_names) {
    std::lock_guard lk(mu_);
    return find_or_add(gauges_, name, help, std::move(label_names), Type::gauge, counters_.count(name) > 0);
}

std::vector<FamilySnapshot> Registry::collect() const {
    std::lock_guard lk(mu_);
    std::vector<FamilySnapshot> out;
    out.reserve(counters_.size() + gauges_.size());
    for (const auto& [name, f] : counters_)
        out.push_back(FamilySnapshot{f->name(), f->help(), Type::counter, f->label_names(), f->samples()});
    for (const auto& [name, f] : gauges_)
        out.push_back(FamilySnapshot{f->name(), f->help(), Type::gauge, f->label_names(), f->samples()});
    std::sort(out.begin(), out.end(), [](const FamilySnapshot& a, const FamilySnapshot& b) { return a.name < b.name; });
    return out;
}

std::string Registry::render() const { return metrics::render(collect()); }

Registry& registry() {
    static Registry r;  // never destroyed before the hooks: a function-local static
    return r;
}

bool valid_metric_name(std::string_view name) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
        if (!name_char(name[i], i == 0, true)) return false;
    return true;
}

bool valid_label_name(std::string_view name) {
    if (name.empty() || name.starts_with("__")) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
        if (!name_char(name[i], i == 0, false)) return false;
    return true;
}

std::string escape_label_value(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            case '\n': out += "\\n"; break;
            default: out += c;
        }
    }
    return out;
}

std::string escape_help(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            default: out += c;
        }
    }
    return out;
}

std::string format_value(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == 0) return "0";  // also -0
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    if (ec != std::errc()) return "NaN";
    return std::string(buf, end);
}

std::string render(std::vector<FamilySnapshot> families) {
    // By name; a family named twice is merged when compatible.
    std::map<std::string, FamilySnapshot> by_name;
    for (auto& f : families) {
        check_family(f.name, f.type, f.label_names);
        for (const auto& s : f.samples)
            if (s.label_values.size() != f.label_names.size())
                throw std::invalid_argument("metric " + f.name + ": a sample with " +
                                            std::to_string(s.label_values.size()) + " label value(s) for " +
                                            std::to_string(f.label_names.size()) + " label(s)");
        auto it = by_name.find(f.name);
        if (it == by_name.end()) {
            std::string name = f.name;
            by_name.emplace(std::move(name), std::move(f));
            continue;
        }
        if (it->second.type != f.type || it->second.label_names != f.label_names) {
            spdlog::error("metrics: {} given twice as different families; the second is left out", f.name);
            continue;
        }
        for (auto& s : f.samples) it->second.samples.push_back(std::move(s));
    }
    std::string out;
    for (auto& [name, f] : by_name) {
        // Sorted by label values; a series given twice keeps its first value.
        std::stable_sort(f.samples.begin(), f.samples.end(),
                         [](const Sample& a, const Sample& b) { return a.label_values < b.label_values; });
        f.samples.erase(std::unique(f.samples.begin(), f.samples.end(),
                                    [](const Sample& a, const Sample& b) { return a.label_values == b.label_values; }),
                        f.samples.end());
        out += "# HELP ";
        out += name;
        out += ' ';
        out += escape_help(f.help);
        out += "\n# TYPE ";
        out += name;
        out += ' ';
        out += to_string(f.type);
        out += '\n';
        for (const auto& s : f.samples) {
            out += name;
            if (!f.label_names.empty()) {
                out += '{';
                for (std::size_t i = 0; i < f.label_names.size(); ++i) {
                    if (i) out += ',';
                    out += f.label_names[i];
                    out += "=\"";
                    out += escape_label_value(s.label_values[i]);
                    out += '"';
                }
                out += '}';
            }
            out += ' ';
            out += format_value(s.value);
            out += '\n';
        }
    }
    return out;
}

std::string_view transport_status(http::ErrorKind kind) {
    switch (kind) {
        case http::ErrorKind::timeout: return "timeout";
        case http::ErrorKind::connect: return "network";
        case http::ErrorKind::tls: return "tls";
        case http::ErrorKind::protocol: return "protocol";
        case http::ErrorKind::bad_url: return "bad_url";
    }
    return "network";
}

namespace families {

CounterFamily& api_requests() {
    static CounterFamily& f = registry().counter(
        "ozonwatch_api_requests_total",
        "HTTP requests to a source's API (retries included), by method (the API path) and status (the HTTP "
        "status code, or timeout, network, tls, protocol when no response came).",
        {"source", "account", "method", "status"});
    return f;
}

CounterFamily& polls() {
    static CounterFamily& f = registry().counter("ozonwatch_polls_total",
                                                 "Polls a watch started (successful or failed).",
                                                 {"account", "watch"});
    return f;
}

CounterFamily& poll_failures() {
    static CounterFamily& f = registry().counter(
        "ozonwatch_poll_failures_total", "Failed polls of a watch, by kind (transient, auth, not_available).",
        {"account", "watch", "kind"});
    return f;
}

CounterFamily& events() {
    static CounterFamily& f = registry().counter(
        "ozonwatch_events_total",
        "Events recorded (transitions and condition changes), by type and state (firing, resolved).",
        {"account", "type", "state"});
    return f;
}

CounterFamily& pushes() {
    static CounterFamily& f = registry().counter(
        "ozonwatch_pushes_total", "Ozon push notifications answered, by message type and HTTP status.",
        {"type", "status"});
    return f;
}

}  // namespace families

void count_api_request(std::string_view source, std::string_view account, std::string_view method,
                       int http_status) {
    char buf[16];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, http_status);
    count_api_request(source, account, method, std::string_view(buf, ec == std::errc() ? end - buf : 0));
}

void count_api_request(std::string_view source, std::string_view account, std::string_view method,
                       std::string_view status) {
    families::api_requests().with({source, account, method, status}).inc();
}

}  // namespace ozw::metrics
