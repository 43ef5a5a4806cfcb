#pragma once
// The API key's health: /v1/roles once a day (ProbeWatch: no items, the conditions of one state).
#include <memory>

#include "common/ozon/client.hpp"
#include "daemon/engine/probe_watch.hpp"
#include "daemon/watches/api_key/evaluate.hpp"

namespace ozw::daemon::api_key {

class ApiKeyWatch final : public ProbeWatch<KeyState> {
public:
    ApiKeyWatch(std::string account, std::shared_ptr<ozon::Client> client, EvalContext ctx);

    Millis interval() const override { return ctx_.settings.interval; }
    std::vector<Event> evaluate(const KeyState& s, TimePoint now) const override { return evaluate_key(s, now, ctx_); }
    std::vector<std::string> health_lines(const ReportOptions& o) const override;
    std::string report_title(const ReportOptions& o) const override;

protected:
    awaitable<KeyState> fetch(TimePoint now) override;

private:
    std::shared_ptr<ozon::Client> client_;
    EvalContext ctx_;
};

}  // namespace ozw::daemon::api_key
