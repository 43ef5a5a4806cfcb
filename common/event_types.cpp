#include "common/event_types.hpp"

#include <cstdio>

namespace ozw {

namespace {
const nlohmann::json& null_json() {
    static const nlohmann::json n;
    return n;
}
}  // namespace

const nlohmann::json& DetailsView::at(std::string_view key) const {
    used_.emplace(key);
    if (!d_.is_object()) return null_json();
    auto it = d_.find(key);
    return it == d_.end() ? null_json() : *it;
}

bool DetailsView::has(std::string_view key) const {
    return d_.is_object() && d_.find(key) != d_.end() && !d_.find(key)->is_null();
}

std::string DetailsView::str(std::string_view key) const {
    const nlohmann::json& v = at(key);
    if (v.is_null()) return {};
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number()) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.2f", v.get<double>());
        return buf;
    }
    return v.dump();
}

bool DetailsView::flag(std::string_view key) const {
    const nlohmann::json& v = at(key);
    return (v.is_boolean() && v.get<bool>()) || (v.is_string() && v.get<std::string>() == "true");
}

bool EventTypeRegistry::add(EventType t) {
    std::lock_guard lk(mu_);
    if (types_.count(t.type)) return false;
    std::string name = t.type;
    types_.emplace(std::move(name), std::move(t));
    return true;
}

const EventType* EventTypeRegistry::find(std::string_view type) const {
    std::lock_guard lk(mu_);
    auto it = types_.find(type);
    return it == types_.end() ? nullptr : &it->second;
}

std::vector<const EventType*> EventTypeRegistry::all() const {
    std::lock_guard lk(mu_);
    std::vector<const EventType*> out;
    out.reserve(types_.size());
    for (const auto& [_, t] : types_) out.push_back(&t);
    return out;
}

EventTypeRegistry& event_types() {
    static EventTypeRegistry registry;
    return registry;
}

std::string fill_placeholders(std::string_view text, const DetailsView& details) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '{') {
            auto close = text.find('}', i + 1);
            if (close != std::string_view::npos) {
                std::string_view name = text.substr(i + 1, close - i - 1);
                if (!name.empty() && details.has(name)) {
                    out += details.str(name);
                    i = close + 1;
                    continue;
                }
            }
        }
        out += text[i++];
    }
    return out;
}

EventType declare_event_type(std::string type, EventKind kind, Severity severity, std::string source,
                             std::string fixed_url) {
    EventType t;
    t.type = std::move(type);
    t.kind = kind;
    t.severity = severity;
    t.source = std::move(source);
    if (!fixed_url.empty()) t.url = [url = std::move(fixed_url)](const Event&) { return url; };
    return t;
}

}  // namespace ozw
