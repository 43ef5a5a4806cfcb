#include "daemon/engine/module.hpp"

#include <algorithm>
#include <stdexcept>

#include "alerts/templates.hpp"
#include "daemon/engine/push_health.hpp"
#include "daemon/engine/report.hpp"
#include "daemon/engine/settings_schema.hpp"
#include "daemon/engine/source_health.hpp"

namespace ozw::daemon {

void WatchModuleRegistry::add(const WatchModule* module) {
    std::lock_guard lk(mu_);
    for (const auto* m : modules_)
        if (m->name() == module->name()) return;
    modules_.push_back(module);
}

std::vector<const WatchModule*> WatchModuleRegistry::all() const {
    std::lock_guard lk(mu_);
    return modules_;
}

const WatchModule* WatchModuleRegistry::find(std::string_view name) const {
    std::lock_guard lk(mu_);
    for (const auto* m : modules_)
        if (m->name() == name) return m;
    return nullptr;
}

WatchModuleRegistry& watch_modules() {
    static WatchModuleRegistry registry;
    return registry;
}

void install_watch_modules() {
    static std::once_flag once;
    std::call_once(once, [] {
        for (const auto* m : all_watch_modules()) watch_modules().add(m);
        for (auto& t : engine_event_types()) event_types().add(std::move(t));
        for (auto& t : push_event_types()) event_types().add(std::move(t));
        for (auto& t : report_event_types()) event_types().add(std::move(t));
        alerts::register_event_types(event_types());
    });
    // Again every time: a test may have added a module since.
    for (const auto* m : watch_modules().all()) {
        watch_schemas().add(&m->schema());
        if (m->implemented())
            for (auto& t : m->event_types()) event_types().add(std::move(t));
    }
}

std::shared_ptr<const WatchSettings> settings_of(const Config& cfg, const WatchModule& module) {
    auto it = cfg.watches.sections.find(module.name());
    if (it != cfg.watches.sections.end() && it->second) return it->second;
    return module.schema().defaults();
}

WatchSettings& edit_settings_base(Config& cfg, std::string_view module_name) {
    const WatchModule* m = watch_modules().find(module_name);
    if (!m) throw std::invalid_argument("no watch module named " + std::string(module_name));
    auto& slot = cfg.watches.sections[std::string(module_name)];
    if (!slot) slot = m->schema().defaults();
    return *slot;
}

namespace {

struct PlannedSettings : WatchSettings {};

class PlannedWatch final : public WatchModule {
public:
    PlannedWatch(std::string name, std::string title_ru, std::string title_en, Millis interval,
                 std::vector<std::pair<std::string, ValueCheck>> keys)
        : schema_(std::move(name), [interval](PlannedSettings& s) { s.interval = interval; }),
          title_ru_(std::move(title_ru)), title_en_(std::move(title_en)) {
        for (auto& [key, check] : keys)
            schema_.field(key, [check](ConfigReader& r, const YAML::Node& n, const std::string& p,
                                       PlannedSettings&) { check(r, n, p); });
    }
    bool implemented() const override { return false; }
    std::string title(const std::string& language) const override {
        return language == "en" ? title_en_ : title_ru_;
    }
    const WatchSchema& schema() const override { return schema_; }
    std::shared_ptr<Watch> create(const WatchContext&) const override {
        throw std::logic_error("watch " + name() + " is not implemented yet");
    }

private:
    SettingsSchema<PlannedSettings> schema_;
    std::string title_ru_, title_en_;
};

}  // namespace

ValueCheck whole_number(long long lo, long long hi) {
    return [=](ConfigReader& r, const YAML::Node& n, const std::string& p) { r.integer(n, p, lo, hi); };
}

ValueCheck whole_numbers(long long lo, long long hi) {
    return [=](ConfigReader& r, const YAML::Node& n, const std::string& p) {
        if (n.IsNull()) return;
        if (!n.IsSequence()) r.fail(n, p, "expected a list like [100, 1000]");
        for (std::size_t i = 0; i < n.size(); ++i) r.integer(n[i], p + "[" + std::to_string(i) + "]", lo, hi);
    };
}

ValueCheck number_above(long long lo) {
    return [=](ConfigReader& r, const YAML::Node& n, const std::string& p) {
        if (r.number(n, p) <= lo) r.fail(n, p, "must be greater than " + std::to_string(lo));
    };
}

ValueCheck duration_value(bool allow_zero) {
    return [=](ConfigReader& r, const YAML::Node& n, const std::string& p) { r.duration(n, p, allow_zero); };
}

ValueCheck each_one_of(std::vector<std::string> allowed) {
    return [allowed = std::move(allowed)](ConfigReader& r, const YAML::Node& n, const std::string& p) {
        if (n.IsNull()) return;
        if (!n.IsSequence()) r.fail(n, p, "expected a list like [" + allowed.front() + "]");
        for (std::size_t i = 0; i < n.size(); ++i) {
            const std::string item = p + "[" + std::to_string(i) + "]";
            const std::string v = r.str(n[i], item);
            if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
                std::string list;
                for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
                r.fail(n[i], item, "expected one of " + list + ", got \"" + v + "\"");
            }
        }
    };
}

const WatchModule& planned_watch(std::string name, std::string title_ru, std::string title_en,
                                 Millis default_interval,
                                 std::vector<std::pair<std::string, ValueCheck>> other_keys) {
    // Lives as long as the process, like every module in the list.
    return *new PlannedWatch(std::move(name), std::move(title_ru), std::move(title_en),
                             default_interval, std::move(other_keys));
}

}  // namespace ozw::daemon
