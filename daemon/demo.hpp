#pragma once
// `ozonwatch demo` as a library function (tests run it with a short span and no pauses).
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/config.hpp"
#include "sandbox/scenario.hpp"

namespace ozw::daemon {

struct DemoRunOptions {
    std::string scenario;  // empty = find sandbox/scenarios/demo.yaml
    std::string language = "ru";
    std::string log_level;
    Millis step = std::chrono::minutes(10);  // virtual time per step
    Millis pause{150};                       // real time per step (~25 s for a day)
    std::optional<Millis> max_span;          // cap on the virtual span
    bool keep_dir = false;
};

// Where demo.yaml is: $OZW_DEMO_SCENARIO, the source tree, next to the binary, /usr/share.
std::string find_demo_scenario();
// The configuration the demo runs with (postings watch, console + event log + sandbox Telegram).
Config demo_config(const sandbox::Scenario& sc, const std::string& base_url,
                   const std::string& state_dir, const std::string& language);
int run_demo(const DemoRunOptions& o);

}  // namespace ozw::daemon
