#pragma once
// Metrics: a small registry of counters and gauges with labels, rendered in the Prometheus text
// exposition format 0.0.4 (served by daemon/metrics_endpoint.cpp at metrics.listen).
//
// Hot path: Family::with() finds a child by its label values under the family's mutex without
// allocating (a transparent lookup); the first use of a label set allocates it once. A caller
// that increments the same series often may keep the returned reference: children are never
// destroyed while the registry lives. Values are atomics: inc()/set() from any thread.
//
// Naming: every metric name starts with "ozonwatch_"; a counter's name ends in "_total" (the
// 0.0.4 family name carries the suffix); timestamps are seconds since the epoch.
// The families the hooks increment are listed once below (ozw::metrics::families).
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ozw::http {
enum class ErrorKind;  // common/http/client.hpp
}

namespace ozw::metrics {

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class Type { counter, gauge };
const char* to_string(Type t);

class Counter {
public:
    void inc(std::uint64_t n = 1) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> v_{0};
};

class Gauge {
public:
    void set(double v) noexcept { v_.store(v, std::memory_order_relaxed); }
    void add(double d) noexcept {
        double cur = v_.load(std::memory_order_relaxed);
        while (!v_.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
        }
    }
    double value() const noexcept { return v_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> v_{0};
};

// One series of a family at scrape time.
struct Sample {
    std::vector<std::string> label_values;  // in the family's label_names order
    double value = 0;
};

// One family as rendered: made from the registry or by a scrape-time collector.
struct FamilySnapshot {
    std::string name;
    std::string help;
    Type type = Type::gauge;
    std::vector<std::string> label_names;
    std::vector<Sample> samples;
};

namespace detail {
// Orders label-value vectors; also compares them with a span of string_views (no allocation).
struct LabelsLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
        return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                            [](std::string_view x, std::string_view y) { return x < y; });
    }
};
}  // namespace detail

template <class Child>
class Family {
public:
    Family(std::string name, std::string help, std::vector<std::string> label_names)
        : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}
    Family(const Family&) = delete;
    Family& operator=(const Family&) = delete;

    // The series of these label values (as many as label_names, same order), created at its
    // first use. Throws std::invalid_argument on a wrong number of values.
    Child& with(std::span<const std::string_view> values) {
        check_arity(values.size());
        std::lock_guard lk(mu_);
        auto it = children_.find(values);
        if (it == children_.end()) {
            std::vector<std::string> key(values.begin(), values.end());
            it = children_.emplace(std::move(key), std::make_unique<Child>()).first;
        }
        return *it->second;
    }
    Child& with(std::initializer_list<std::string_view> values) {
        return with(std::span<const std::string_view>(values.begin(), values.size()));
    }

    const std::string& name() const { return name_; }
    const std::string& help() const { return help_; }
    const std::vector<std::string>& label_names() const { return label_names_; }

    // Every series now (sorted by label values).
    std::vector<Sample> samples() const {
        std::lock_guard lk(mu_);
        std::vector<Sample> out;
        out.reserve(children_.size());
        for (const auto& [labels, child] : children_)
            out.push_back(Sample{labels, static_cast<double>(child->value())});
        return out;
    }

private:
    void check_arity(std::size_t n) const;

    const std::string name_;
    const std::string help_;
    const std::vector<std::string> label_names_;
    mutable std::mutex mu_;
    std::map<std::vector<std::string>, std::unique_ptr<Child>, detail::LabelsLess> children_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;

class Registry {
public:
    Registry() = default;
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    // The family of that name, created at the first call; a later call with the same name must
    // give the same type and label names (else std::invalid_argument). Names are checked: a
    // valid metric name, "_total" at the end of a counter's and nowhere else, valid label names.
    CounterFamily& counter(std::string_view name, std::string_view help, std::vector<std::string> label_names);
    GaugeFamily& gauge(std::string_view name, std::string_view help, std::vector<std::string> label_names);

    // Every family with its series, sorted by name.
    std::vector<FamilySnapshot> collect() const;
    // collect() rendered.
    std::string render() const;

private:
    mutable std::mutex mu_;
    std::map<std::string, std::unique_ptr<CounterFamily>, std::less<>> counters_;
    std::map<std::string, std::unique_ptr<GaugeFamily>, std::less<>> gauges_;
};

// The process-wide registry the hooks (Ozon client, scheduler) write to.
Registry& registry();

// The text exposition format 0.0.4: per family "# HELP", "# TYPE", then its samples; families
// sorted by name, samples by label values; a family named twice is merged when its type and
// labels agree (a series present in both: the first wins), else the later one is left out
// (logged). A family with no samples keeps its HELP and TYPE lines. Throws
// std::invalid_argument on an invalid metric or label name or a sample with the wrong number
// of label values (a bug, not data).
std::string render(std::vector<FamilySnapshot> families);

// Pieces of the format, public for the tests.
bool valid_metric_name(std::string_view name);  // [a-zA-Z_:][a-zA-Z0-9_:]*
bool valid_label_name(std::string_view name);   // [a-zA-Z_][a-zA-Z0-9_]*, not "__" first
std::string escape_label_value(std::string_view v);  // \ " newline
std::string escape_help(std::string_view v);         // \ newline
std::string format_value(double v);                  // shortest round trip; +Inf -Inf NaN

// The "status" label of an API request: the HTTP status code ("200", "429"), or for a request
// that got no response the class of the failure: "timeout", "network", "tls", "protocol",
// "bad_url".
std::string_view transport_status(http::ErrorKind kind);

// ---- the families the hooks write (names and labels in one place; README "Metrics")
namespace families {
// ozonwatch_api_requests_total{source,account,method,status}: every HTTP request to a source
// (retries included); method = the API path ("/v4/posting/fbs/list").
CounterFamily& api_requests();
// ozonwatch_polls_total{account,watch}: every poll a watch started (success or failure).
CounterFamily& polls();
// ozonwatch_poll_failures_total{account,watch,kind}: failed polls by kind (transient, auth,
// not_available).
CounterFamily& poll_failures();
// ozonwatch_events_total{account,type,state}: events recorded (state firing | resolved).
CounterFamily& events();
// ozonwatch_pushes_total{type,status}: Ozon push requests answered by the receiver, by message
// type ("-" when the body could not be read) and HTTP status; a retry of a stored push is
// status "200_duplicate".
CounterFamily& pushes();
}  // namespace families

// One API request answered with `http_status` / failed without a response (`transport_status`).
void count_api_request(std::string_view source, std::string_view account, std::string_view method,
                       int http_status);
void count_api_request(std::string_view source, std::string_view account, std::string_view method,
                       std::string_view status);

}  // namespace ozw::metrics
