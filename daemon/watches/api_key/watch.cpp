#include "daemon/watches/api_key/watch.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // GCC 12 on coroutine frames
#endif

namespace ozw::daemon::api_key {

ApiKeyWatch::ApiKeyWatch(std::string account, std::shared_ptr<ozon::Client> client, EvalContext ctx)
    : ProbeWatch("api_key", std::move(account)), client_(std::move(client)), ctx_(std::move(ctx)) {}

awaitable<KeyState> ApiKeyWatch::fetch(TimePoint) {
    const ozon::KeyInfo info = co_await client_->roles();
    KeyState s;
    s.expires_at = info.expires_at;
    for (const auto& r : info.roles) s.roles.push_back(KeyRole{r.name, r.methods});
    co_return s;
}

std::vector<std::string> ApiKeyWatch::health_lines(const ReportOptions& o) const {
    return key_report_lines(state(), o.now, ctx_, o.language != "en", o.timezone);
}

std::string ApiKeyWatch::report_title(const ReportOptions& o) const {
    return o.language == "en" ? "Ozon API key" : "API-ключ Ozon";
}

}  // namespace ozw::daemon::api_key
