#pragma once
// A watch's configuration section from one field table (userver's "a component owns its config
// schema"): the allowed keys are the table's keys plus `enabled` and `interval`, each key is
// read by the function the table gives it, and the defaults live in one place: the settings
// struct's member initialisers (plus an optional `init` for a module that shares a struct).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/config.hpp"
#include "common/config_reader.hpp"

namespace ozw::daemon {

template <class S>
class SettingsSchema final : public WatchSchema {
public:
    using Reader = std::function<void(ConfigReader&, const YAML::Node&, const std::string&, S&)>;

    explicit SettingsSchema(std::string name, std::function<void(S&)> init = {})
        : name_(std::move(name)), init_(std::move(init)) {
        field("enabled", [](ConfigReader& r, const YAML::Node& n, const std::string& p, S& s) {
            s.enabled = r.boolean(n, p);
        });
        field("interval", [](ConfigReader& r, const YAML::Node& n, const std::string& p, S& s) {
            s.interval = r.duration(n, p);
        });
    }

    // Any key with its own reader.
    SettingsSchema& field(std::string key, Reader read) {
        fields_.push_back({std::move(key), std::move(read)});
        return *this;
    }
    SettingsSchema& duration(std::string key, Millis S::*m, bool allow_zero = false,
                             std::optional<Millis> max = std::nullopt, std::string max_why = {}) {
        return field(std::move(key), [=](ConfigReader& r, const YAML::Node& n, const std::string& p, S& s) {
            Millis d = r.duration(n, p, allow_zero);
            if (max && d > *max) r.fail(n, p, "must be at most " + format_duration(*max) + max_why);
            s.*m = d;
        });
    }
    SettingsSchema& time_of_day(std::string key, TimeOfDay S::*m) {
        return field(std::move(key), [=](ConfigReader& r, const YAML::Node& n, const std::string& p, S& s) {
            s.*m = r.time_of_day(n, p);
        });
    }
    SettingsSchema& integer(std::string key, int S::*m, long long lo, long long hi) {
        return field(std::move(key), [=](ConfigReader& r, const YAML::Node& n, const std::string& p, S& s) {
            s.*m = static_cast<int>(r.integer(n, p, lo, hi));
        });
    }

    const std::string& name() const override { return name_; }
    std::vector<std::string> keys() const {
        std::vector<std::string> k;
        for (const auto& f : fields_) k.push_back(f.key);
        return k;
    }
    std::shared_ptr<WatchSettings> defaults() const override { return make(); }
    std::shared_ptr<WatchSettings> parse(ConfigReader& r, const YAML::Node& section,
                                         const std::string& path) const override {
        auto s = make();
        if (section.IsNull()) return s;  // "returns:" alone: all defaults
        r.check_keys(section, path, keys());
        for (const auto& f : fields_) {
            YAML::Node n = ConfigReader::get(section, f.key.c_str());
            if (n.IsDefined()) f.read(r, n, path + "." + f.key, *s);
        }
        return s;
    }

private:
    std::shared_ptr<S> make() const {
        auto s = std::make_shared<S>();
        if (init_) init_(*s);
        return s;
    }
    struct Field {
        std::string key;
        Reader read;
    };
    std::string name_;
    std::function<void(S&)> init_;
    std::vector<Field> fields_;
};

}  // namespace ozw::daemon
