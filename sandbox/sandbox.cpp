// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
// The Sandbox: routing of the single listener to Ozon / InSales / Telegram / admin, fault
// injection, the request log, the virtual clock, timed scenario events and the pushes they
// cause (sandbox/push_sender.hpp delivers them).
#include "sandbox/sandbox.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <list>
#include <mutex>
#include <thread>

#include "common/http/server.hpp"
#include "common/time.hpp"
#include "sandbox/internal.hpp"
#include "sandbox/onec.hpp"
#include "sandbox/push_bodies.hpp"
#include "sandbox/push_sender.hpp"

namespace ozw::sandbox {

namespace asio = boost::asio;
using nlohmann::json;
using http::ServerRequest;
using http::ServerResponse;

std::string to_string(FaultKind k) {
    switch (k) {
        case FaultKind::rate_limit: return "rate_limit";
        case FaultKind::circle_open: return "circle_open";
        case FaultKind::circle_open_text: return "circle_open_text";
        case FaultKind::server_error: return "server_error";
        case FaultKind::delay: return "delay";
        case FaultKind::drop_connection: return "drop_connection";
        case FaultKind::truncated_json: return "truncated_json";
        case FaultKind::invalid_json: return "invalid_json";
        case FaultKind::cut_mid_body: return "cut_mid_body";
        case FaultKind::invalid_key: return "invalid_key";
        case FaultKind::offer_not_signed: return "offer_not_signed";
        case FaultKind::empty_list: return "empty_list";
        case FaultKind::bad_status: return "bad_status";
    }
    return "unknown";
}

std::optional<FaultKind> fault_kind_from_string(const std::string& s) {
    for (auto k : {FaultKind::rate_limit, FaultKind::circle_open, FaultKind::circle_open_text,
                   FaultKind::server_error,
                   FaultKind::delay, FaultKind::drop_connection, FaultKind::truncated_json,
                   FaultKind::invalid_json, FaultKind::cut_mid_body, FaultKind::invalid_key,
                   FaultKind::offer_not_signed, FaultKind::empty_list, FaultKind::bad_status})
        if (to_string(k) == s) return k;
    return std::nullopt;
}

namespace {

ServerResponse json_response(int status, const json& body) {
    return ServerResponse::json(status, body.dump());
}

// The answer's list: the first array of objects found (breadth-first) in the JSON body.
json* answer_list(json& j) {
    std::vector<json*> level{&j};
    while (!level.empty()) {
        std::vector<json*> next;
        for (json* n : level) {
            if (!n->is_object()) continue;
            for (auto& [k, v] : n->items()) {
                if (v.is_array() && !v.empty() && v.front().is_object()) return &v;
                if (v.is_object()) next.push_back(&v);
            }
        }
        level = std::move(next);
    }
    return nullptr;
}

// empty_list / bad_status: a real answer spoiled the way a broken server would.
void spoil_answer(ServerResponse& resp, FaultKind kind) {
    json j = json::parse(resp.body, nullptr, false);
    if (!j.is_object()) return;
    json* list = answer_list(j);
    if (!list) return;
    if (kind == FaultKind::empty_list) {
        *list = json::array();
        std::vector<json*> todo{&j};  // has_next false and no cursor, wherever they are
        while (!todo.empty()) {
            json* n = todo.back();
            todo.pop_back();
            if (!n->is_object()) continue;
            if (n->contains("has_next")) (*n)["has_next"] = false;
            if (n->contains("cursor")) (*n)["cursor"] = "";
            for (auto& [k, v] : n->items())
                if (v.is_object()) todo.push_back(&v);
        }
    } else {
        if (list->size() > 0) (*list)[0]["status"] = nullptr;
        if (list->size() > 1) (*list)[1]["status"] = 5;
        if (list->size() > 2) (*list)[2]["posting_number"] = nullptr;
    }
    resp.body = j.dump();
}

ServerResponse from_api(const detail::ApiResult& r) {
    auto resp = json_response(r.status, r.body);
    for (const auto& h : r.headers) resp.headers.push_back(h);
    return resp;
}

std::string service_of(const std::string& path) {
    if (path.rfind("/__sandbox", 0) == 0) return "admin";
    if (path.rfind("/bot", 0) == 0) return "telegram";
    if (path.rfind("/admin/", 0) == 0) return "insales";
    if (path.size() > 2 && path[0] == '/' && path[1] == 'v') return "ozon";
    return "unknown";
}

std::string mask_token(const std::string& path) {
    if (path.rfind("/bot", 0) != 0) return path;
    auto slash = path.find('/', 4);
    return "/bot<token>" + (slash == std::string::npos ? std::string() : path.substr(slash));
}

std::string chat_id_text(const json& v) {
    if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
    if (v.is_string()) return v.get<std::string>();
    return {};
}

json telegram_error(int code, const std::string& description, json parameters = nullptr) {
    json j = {{"ok", false}, {"error_code", code}, {"description", description}};
    if (!parameters.is_null()) j["parameters"] = parameters;
    return j;
}

// A named "no cancellation": GCC 12 reports a false -Wmaybe-uninitialized on a std::nullopt
// temporary of this type once change_status() is inlined.
const std::optional<Cancellation> kNoCancellation;

// The ordering key of a raw push (Sandbox::send_push): pushes of one posting or chat go one at
// a time, in order, like the ones the scenario causes.
std::string push_key(const json& body) {
    if (!body.is_object()) return {};
    if (auto it = body.find("posting_number"); it != body.end() && it->is_string())
        return "posting:" + it->get<std::string>();
    if (auto it = body.find("chat_id"); it != body.end() && it->is_string()) return "chat:" + it->get<std::string>();
    return {};
}

std::string insales_price(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

}  // namespace

struct Sandbox::Impl {
    mutable std::mutex mu;
    Scenario sc;
    ManualClock clock;
    std::vector<FaultSpec> faults;
    std::vector<RecordedRequest> log;
    std::vector<TelegramMessage> tg;
    std::uint64_t seq = 0;
    std::uint64_t tg_seq = 0;
    std::int64_t next_message_id = 1;
    TimePoint insales_window_start{};
    int insales_window_count = 0;

    // Declared before ioc: coroutine frames the io_context may still hold when it is destroyed
    // refer to the sender.
    detail::PushSender pushes{ioc};
    asio::io_context ioc{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::unique_ptr<http::Server> server;
    std::thread thread;
    std::string base_url;
    bool stopping = false;                     // io thread only
    std::list<asio::steady_timer*> timers;     // io thread only: pending delay faults

    explicit Impl(Scenario s) : sc(std::move(s)), clock(sc.start) {
        insales_window_start = sc.start;
        if (sc.insales) insales_window_count = sc.insales->api_usage;
    }

    // ------------------------------------------------------------------ state (under mu)

    Posting* find_posting(const std::string& number) {
        for (auto& p : sc.postings)
            if (p.posting_number == number) return &p;
        return nullptr;
    }

    // Returns are sorted by id (insert_return); a scenario changed through mutate() may not be.
    Return* find_return(std::int64_t id) {
        auto it = std::lower_bound(sc.returns.begin(), sc.returns.end(), id,
                                   [](const Return& r, std::int64_t v) { return r.id < v; });
        if (it != sc.returns.end() && it->id == id) return &*it;
        for (auto& r : sc.returns)
            if (r.id == id) return &r;
        return nullptr;
    }

    RfbsReturn* find_rfbs_return(std::int64_t id) {
        for (auto& r : sc.rfbs_returns)
            if (r.return_id == id) return &r;
        return nullptr;
    }

    void change_status(Posting& p, const std::string& status, std::string substatus, TimePoint at,
                       const std::optional<Cancellation>& cancellation) {
        if (substatus.empty()) substatus = detail::default_substatus(status);
        const std::string old_status = p.status;
        const std::string old_state = push_state(p.status, p.substatus);
        p.status = status;
        p.substatus = substatus;
        p.status_changed_at = at;
        p.history.push_back({at, status, substatus});
        if ((status == "delivering" || status == "driver_pickup") && !p.delivering_date) p.delivering_date = at;
        if (status == "cancelled") {
            if (cancellation) {
                p.cancellation = cancellation;
            } else if (!p.cancellation) {
                p.cancellation = Cancellation{401, "Покупатель отменил заказ", "Покупатель", "client", false, false};
            }
        }
        const std::string new_state = push_state(p.status, p.substatus);
        if (old_status == p.status && old_state == new_state) return;  // no change Ozon would push
        if (!pushes.has_target()) return;
        if (push_cancelled_status(p.status)) {
            if (!push_cancelled_status(old_status))
                queue_push(push_posting_cancelled(p, old_state, at, seller()), "posting:" + p.posting_number);
        } else {
            queue_push(push_state_changed(p, at, seller()), "posting:" + p.posting_number);
        }
    }

    // ------------------------------------------------------------------ pushes (under mu)

    // The client id pushes carry as seller_id (see PushSettings::account).
    std::string seller() const {
        if (!sc.push.account.empty()) return sc.push.account;
        return sc.accounts.empty() ? std::string("0") : sc.accounts.front().client_id;
    }

    // Queued only while a target is set: a change without one is simply not pushed. Under mu,
    // so the queue order is the order of the changes.
    void queue_push(json body, std::string key) {
        if (!pushes.has_target()) return;
        pushes.enqueue(std::move(body), clock.now(), std::move(key));
    }

    void posting_added(const Posting& p) {
        if (pushes.has_target()) queue_push(push_new_posting(p, seller()), "posting:" + p.posting_number);
    }

    bool set_cutoff_locked(const std::string& number, TimePoint cutoff) {
        auto* p = find_posting(number);
        if (!p) return false;
        const TimePoint old = p->shipment_date;
        if (old == cutoff) return true;
        p->shipment_date = cutoff;
        // The overdue moment keeps its distance; the default one (shipment_date + 24h) follows
        // by itself.
        if (p->shipment_date_without_delay) *p->shipment_date_without_delay += cutoff - old;
        if (pushes.has_target()) queue_push(push_cutoff_changed(*p, old, seller()), "posting:" + number);
        return true;
    }

    // `at`: when the change happened (a timed event's time; now otherwise).
    bool set_chat_unread_locked(const std::string& chat_id, int unread, TimePoint at) {
        for (auto& c : sc.chats) {
            if (c.chat_id != chat_id) continue;
            // New messages move last_message_id (the first unread one stays the same while the
            // earlier ones are still unread); each new message is one push, as in Ozon.
            const int added = unread - c.unread_count;
            if (added > 0) {
                const std::int64_t first = c.last_message_id + 1;
                c.last_message_id += added;
                if (pushes.has_target())
                    for (std::int64_t id = first; id <= c.last_message_id; ++id)
                        queue_push(push_new_message(c, id, at, seller()), "chat:" + c.chat_id);
            }
            c.unread_count = unread;
            return true;
        }
        return false;
    }

    // TYPE_PING for every multiple of push.ping_every in (after, upto].
    void queue_pings(TimePoint after, TimePoint upto) {
        if (!sc.push.ping_every || upto <= after || !pushes.has_target()) return;
        const auto every = sc.push.ping_every->count();
        long long first = after.time_since_epoch().count() / every + 1;
        const long long last = upto.time_since_epoch().count() / every;
        // A clock jump of months must not queue a flood: the latest pings stand for the rest.
        constexpr long long kMaxPings = 1000;
        if (last - first + 1 > kMaxPings) {
            spdlog::warn("sandbox: the clock passed {} ping times at once; sending the last {}",
                         last - first + 1, kMaxPings);
            first = last - kMaxPings + 1;
        }
        for (long long k = first; k <= last; ++k) queue_push(push_ping(TimePoint{Millis{k * every}}), "");
    }

    // `prev`: the clock before it moved (periodic pings between it and now, in time order with
    // the events).
    void apply_due_events(TimePoint prev) {
        const TimePoint now = clock.now();
        TimePoint pinged = prev;
        for (auto& ev : sc.events) {
            if (ev.applied || ev.at > now) continue;
            ev.applied = true;
            if (ev.at - Millis{1} > pinged) {
                queue_pings(pinged, ev.at - Millis{1});
                pinged = ev.at - Millis{1};
            }
            spdlog::info("sandbox: {} event: {}", format_iso8601(ev.at), ev.description);
            if (ev.kind == "posting_status") {
                if (auto* p = find_posting(ev.posting_number))
                    change_status(*p, ev.status, ev.substatus, ev.at, ev.cancellation);
            } else if (ev.kind == "add_posting" && ev.posting) {
                if (!find_posting(ev.posting->posting_number)) {
                    sc.postings.push_back(*ev.posting);
                    posting_added(sc.postings.back());
                }
            } else if (ev.kind == "add_return" && ev.ret) {
                if (!find_return(ev.ret->id)) insert_return(sc, *ev.ret);
            } else if (ev.kind == "return_status" && ev.return_change) {
                if (auto* r = find_return(ev.return_id)) apply_return_status(*r, *ev.return_change, ev.at);
            } else if (ev.kind == "rfbs_state" && ev.rfbs_change) {
                if (auto* r = find_rfbs_return(ev.return_id)) apply_rfbs_state(*r, *ev.rfbs_change);
            } else if (ev.kind == "add_review" && ev.review) {
                sc.reviews.push_back(*ev.review);
            } else if (ev.kind == "set_stock") {
                set_stock_locked(ev.offer_id, ev.warehouse_id, ev.present, 0, ev.at);
            } else if (ev.kind == "chat_unread") {
                set_chat_unread_locked(ev.chat_id, ev.unread, ev.at);
            } else if (ev.kind == "set_cutoff" && ev.cutoff) {
                set_cutoff_locked(ev.posting_number, *ev.cutoff);
            }
        }
        queue_pings(pinged, now);
    }

    // `at`: when the change happened (a timed event's time; now otherwise).
    bool set_stock_locked(const std::string& offer_id, std::int64_t wh, int present, int reserved, TimePoint at) {
        for (auto& p : sc.products) {
            if (p.offer_id != offer_id) continue;
            StockAtWarehouse* row = nullptr;
            for (auto& st : p.fbs)
                if (st.warehouse_id == wh) {
                    row = &st;
                    break;
                }
            if (row && row->present == present && row->reserved == reserved) return true;  // no change
            if (row) {
                row->present = present;
                row->reserved = reserved;
            } else {
                p.fbs.push_back({wh, present, reserved});
                row = &p.fbs.back();
            }
            if (pushes.has_target())
                queue_push(push_stocks_changed(p, *row, at, seller()), "stock:" + std::to_string(p.sku));
            return true;
        }
        return false;
    }

    std::optional<FaultSpec> take_fault(const std::string& path) {
        for (auto it = faults.begin(); it != faults.end(); ++it) {
            if (!detail::glob_match(it->path, path)) continue;
            FaultSpec f = *it;
            if (it->times > 0 && --it->times == 0) faults.erase(it);
            return f;
        }
        return std::nullopt;
    }

    // ------------------------------------------------------------------ Ozon

    const Account* find_account(const std::string& client_id) const {
        for (const auto& a : sc.accounts)
            if (a.client_id == client_id) return &a;
        return nullptr;
    }

    ServerResponse ozon(const ServerRequest& req, std::string& client_id, bool& retired) {
        client_id = req.header("Client-Id").value_or("");
        if (detail::is_retired_method(req.path)) {
            retired = true;
            return from_api(detail::ozon_error(
                404, 5, "Method " + req.path + " is obsolete and has been switched off, use " +
                            detail::retired_replacement(req.path)));
        }
        if (!detail::is_ozon_method(req.path)) return from_api(detail::ozon_error(404, 5, "Not Found"));
        if (req.method != "POST") return from_api(detail::ozon_error(405, 12, "Method Not Allowed"));
        const Account* acc = nullptr;
        auto api_key = req.header("Api-Key");
        if (auto auth = req.header("Authorization"); auth && auth->rfind("Bearer ", 0) == 0) {
            // OAuth applications send a bearer token instead; the scenario's api_key serves as one.
            for (const auto& a : sc.accounts)
                if (a.api_key == auth->substr(7)) acc = &a;
            if (!acc) return from_api(detail::ozon_error(401, 16, "Invalid Api-Key, please check the key and try again"));
        } else {
            if (client_id.empty() || !api_key || api_key->empty())
                return from_api(detail::ozon_error(401, 16, "Client-Id and Api-Key headers are required"));
            acc = find_account(client_id);
            if (!acc || acc->api_key != *api_key)
                return from_api(detail::ozon_error(401, 16, "Invalid Api-Key, please check the key and try again"));
        }
        if (acc->deactivated || clock.now() >= acc->key_expires_at)
            return from_api(detail::ozon_error(401, 16, "Api-key is deactivated, use another one or generate a new one"));
        if (!detail::account_may_call(*acc, req.path))
            return from_api(detail::ozon_error(403, 7, "Api-Key is missing a required role for a method"));
        json body;
        if (!req.body.empty()) {
            body = json::parse(req.body, nullptr, false);
            if (body.is_discarded())
                return from_api(detail::ozon_error(400, 3, "invalid JSON in the request body"));
        }
        return from_api(detail::ozon_call(req.path, body, sc, *acc, clock.now()));
    }

    ServerResponse ozon_fault(const FaultSpec& f) {
        ServerResponse r;
        switch (f.kind) {
            case FaultKind::rate_limit:
                r = from_api(detail::ozon_error(429, 8, "You have reached request rate limit per second"));
                r.headers.emplace_back("Retry-After", std::to_string(f.retry_after_s));
                r.headers.emplace_back("Ratelimit-Remaining", "0");
                return r;
            case FaultKind::circle_open:
                r = from_api(detail::ozon_error(429, 8, "Circle is open"));
                r.headers.emplace_back("Retry-After", std::to_string(f.retry_after_s));
                return r;
            case FaultKind::circle_open_text:
                r = ServerResponse::text(f.status, "Circle is open");
                r.headers.emplace_back("Retry-After", std::to_string(f.retry_after_s));
                return r;
            case FaultKind::invalid_key:
                return from_api(detail::ozon_error(401, 16, "Invalid Api-Key, please check the key and try again"));
            case FaultKind::offer_not_signed:
                return from_api(detail::ozon_error(403, 7, "Offer not signed"));
            default:
                return from_api(detail::ozon_error(f.status, f.status == 503 ? 14 : 13,
                                                   f.status == 503 ? "Service Unavailable" : "Internal Server Error"));
        }
    }

    // ------------------------------------------------------------------ Telegram

    ServerResponse telegram(const ServerRequest& req, const std::optional<FaultSpec>& fault,
                            std::chrono::steady_clock::time_point received_at) {
        TelegramMessage m;
        m.seq = ++tg_seq;
        m.virtual_time = clock.now();
        m.received_at = received_at;
        auto slash = req.path.find('/', 4);
        m.token = req.path.substr(4, slash == std::string::npos ? std::string::npos : slash - 4);
        m.method = slash == std::string::npos ? std::string() : req.path.substr(slash + 1);
        auto finish = [&](int status, const json& body, ServerResponse resp = {}) {
            m.ok = status == 200;
            m.error_code = m.ok ? 0 : status;
            if (!m.ok) m.description = body.value("description", "");
            tg.push_back(m);
            if (resp.status == 200 && resp.body.empty()) resp = json_response(status, body);
            return resp;
        };
        m.body = json::parse(req.body.empty() ? std::string("{}") : req.body, nullptr, false);
        if (m.body.is_discarded()) m.body = json::object();
        if (m.body.is_object()) {
            m.chat_id = chat_id_text(m.body.value("chat_id", json()));
            m.text = m.body.value("text", "");
            m.parse_mode = m.body.value("parse_mode", "");
            if (m.body.contains("message_thread_id") && m.body["message_thread_id"].is_number_integer())
                m.message_thread_id = m.body["message_thread_id"].get<std::int64_t>();
            m.disable_notification = m.body.value("disable_notification", false);
            m.reply_markup = m.body.value("reply_markup", json());
            if (m.method == "sendMediaGroup" && m.body.contains("media") && m.body["media"].is_array() &&
                !m.body["media"].empty() && m.body["media"][0].is_object()) {
                m.text = m.body["media"][0].value("caption", "");
                m.parse_mode = m.body["media"][0].value("parse_mode", "");
                for (const auto& item : m.body["media"])
                    if (item.is_object() && item.contains("media") && item["media"].is_string())
                        m.media.push_back(item["media"].get<std::string>());
            }
            if (m.method == "sendPhoto") {
                if (m.body.contains("caption") && m.body["caption"].is_string())
                    m.text = m.body["caption"].get<std::string>();
                if (m.body.contains("photo") && m.body["photo"].is_string())
                    m.media.push_back(m.body["photo"].get<std::string>());
            }
        }
        if (fault) {
            switch (fault->kind) {
                case FaultKind::rate_limit: {
                    int n = fault->retry_after_s;
                    auto r = json_response(429, telegram_error(429, "Too Many Requests: retry after " + std::to_string(n),
                                                               json{{"retry_after", n}}));
                    r.headers.emplace_back("Retry-After", std::to_string(n));
                    return finish(429, telegram_error(429, "Too Many Requests: retry after " + std::to_string(n)), r);
                }
                case FaultKind::invalid_key:
                    return finish(401, telegram_error(401, "Unauthorized: invalid token specified"));
                case FaultKind::offer_not_signed:
                case FaultKind::circle_open:
                case FaultKind::circle_open_text:
                    return finish(403, telegram_error(403, "Forbidden: bot was blocked by the user"));
                case FaultKind::server_error:
                    return finish(fault->status, telegram_error(fault->status, "Internal Server Error"));
                default: break;
            }
        }
        const TelegramBot* bot = nullptr;
        for (const auto& b : sc.telegram)
            if (b.token == m.token) bot = &b;
        if (!bot) return finish(401, telegram_error(401, "Unauthorized: invalid token specified"));
        if (m.method == "getUpdates") {
            tg.push_back(m);
            tg.back().ok = true;
            return json_response(200, {{"ok", true}, {"result", json::array()}});
        }
        if (m.method == "getMe") {  // the notifier's probe after an outage
            tg.push_back(m);
            tg.back().ok = true;
            return json_response(200, {{"ok", true},
                                       {"result", {{"id", 1}, {"is_bot", true}, {"first_name", "ozonwatch"},
                                                   {"username", "ozonwatch_sandbox_bot"}}}});
        }
        if (m.method != "sendMessage" && m.method != "sendMediaGroup" && m.method != "sendPhoto")
            return finish(404, telegram_error(404, "Not Found"));
        if (!m.body.is_object() || m.chat_id.empty())
            return finish(400, telegram_error(400, "Bad Request: chat_id is empty"));
        const TelegramChat* chat = nullptr;
        for (const auto& c : bot->chats)
            if (c.chat_id == m.chat_id) chat = &c;
        if (!chat) return finish(400, telegram_error(400, "Bad Request: chat not found"));
        if (chat->migrated_to)
            return finish(400, telegram_error(400, "Bad Request: group chat was upgraded to a supergroup chat",
                                              json{{"migrate_to_chat_id", *chat->migrated_to}}),
                          json_response(400, telegram_error(400, "Bad Request: group chat was upgraded to a supergroup chat",
                                                            json{{"migrate_to_chat_id", *chat->migrated_to}})));
        if (chat->blocked) return finish(403, telegram_error(403, "Forbidden: bot was blocked by the user"));

        auto check_text = [&](const std::string& text, const std::string& mode, std::size_t max,
                              bool caption) -> std::optional<json> {
            std::size_t length = detail::utf8_length(text);
            if (mode == "HTML") {
                auto chk = detail::check_telegram_html(text);
                if (!chk.ok) return telegram_error(400, "Bad Request: can't parse entities: " + chk.error);
                length = chk.text_length;
            } else if (!mode.empty() && mode != "MarkdownV2" && mode != "Markdown") {
                return telegram_error(400, "Bad Request: unsupported parse_mode");
            }
            if (text.size() > 32768 || length > max)
                return telegram_error(400, caption ? "Bad Request: message caption is too long"
                                                   : "Bad Request: message is too long");
            if (!caption && length == 0) return telegram_error(400, "Bad Request: message text is empty");
            return std::nullopt;
        };
        const std::int64_t date = std::chrono::duration_cast<std::chrono::seconds>(
                                      m.virtual_time.time_since_epoch()).count();
        json chat_json = {{"id", m.chat_id}, {"type", m.chat_id.rfind("-100", 0) == 0 ? "supergroup" : "private"}};
        if (auto id = json::parse(m.chat_id, nullptr, false); id.is_number_integer()) chat_json["id"] = id;
        if (m.method == "sendMessage") {
            if (auto err = check_text(m.text, m.parse_mode, 4096, false)) return finish(400, *err);
            m.message_id = next_message_id++;
            json result = {{"message_id", m.message_id}, {"date", date}, {"chat", chat_json},
                           {"from", {{"id", 1}, {"is_bot", true}, {"first_name", "ozonwatch"}}}, {"text", m.text}};
            if (m.message_thread_id) result["message_thread_id"] = *m.message_thread_id;
            return finish(200, {{"ok", true}, {"result", result}});
        }
        // A photo Telegram's servers cannot download (the sandbox's rule: its URL says
        // "unreachable"); the Bot API refuses the whole request.
        auto unreachable = [](const json& url) {
            return url.is_string() && url.get<std::string>().find("unreachable") != std::string::npos;
        };
        auto text_field = [](const json& obj, const char* key) {
            auto it = obj.find(key);
            return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        if (m.method == "sendPhoto") {
            const json photo = m.body.value("photo", json());
            if (!photo.is_string() || photo.get<std::string>().empty())
                return finish(400, telegram_error(400, "Bad Request: there is no photo in the request"));
            if (auto err = check_text(text_field(m.body, "caption"), m.parse_mode, 1024, true))
                return finish(400, *err);
            if (unreachable(photo))
                return finish(400, telegram_error(400, "Bad Request: failed to get HTTP URL content"));
            m.message_id = next_message_id++;
            json result = {{"message_id", m.message_id}, {"date", date}, {"chat", chat_json},
                           {"from", {{"id", 1}, {"is_bot", true}, {"first_name", "ozonwatch"}}},
                           {"photo", json::array({{{"file_id", "sandbox-photo-0"}}})}};
            if (!m.text.empty()) result["caption"] = m.text;
            if (m.message_thread_id) result["message_thread_id"] = *m.message_thread_id;
            return finish(200, {{"ok", true}, {"result", result}});
        }
        // sendMediaGroup
        const json media = m.body.value("media", json());
        if (!media.is_array() || media.size() < 2 || media.size() > 10)
            return finish(400, telegram_error(400, "Bad Request: wrong number of media: must be between 2 and 10"));
        json results = json::array();
        for (const auto& item : media) {
            if (!item.is_object() || text_field(item, "media").empty())
                return finish(400, telegram_error(400, "Bad Request: can't parse InputMedia: media not found"));
            if (text_field(item, "type").empty())
                return finish(400, telegram_error(400, "Bad Request: can't parse InputMedia: media type not specified"));
            if (auto err = check_text(text_field(item, "caption"), text_field(item, "parse_mode"), 1024, true))
                return finish(400, *err);
        }
        for (const auto& item : media)
            if (unreachable(item["media"]))
                return finish(400, telegram_error(400, "Bad Request: failed to get HTTP URL content"));
        m.message_id = next_message_id;
        for (std::size_t i = 0; i < media.size(); ++i)
            results.push_back({{"message_id", next_message_id++}, {"date", date}, {"chat", chat_json},
                               {"photo", json::array({{{"file_id", "sandbox-photo-" + std::to_string(i)}}})}});
        return finish(200, {{"ok", true}, {"result", results}});
    }

    // ------------------------------------------------------------------ InSales

    ServerResponse insales(const ServerRequest& req, const std::optional<FaultSpec>& fault) {
        auto with_usage = [&](ServerResponse r) {
            r.headers.emplace_back("API-Usage-Limit", std::to_string(insales_window_count) + "/500");
            return r;
        };
        const TimePoint now = clock.now();
        if (now - insales_window_start >= std::chrono::minutes(5)) {
            insales_window_start = now;
            insales_window_count = 0;
        }
        ++insales_window_count;  // failed logins count too
        if (fault) {
            switch (fault->kind) {
                case FaultKind::rate_limit:
                case FaultKind::circle_open:
                case FaultKind::circle_open_text: {
                    ServerResponse r;
                    r.status = 429;
                    r.headers.emplace_back("Retry-After", std::to_string(fault->retry_after_s));
                    return with_usage(r);
                }
                case FaultKind::invalid_key:
                    return with_usage(json_response(401, {{"status", "error"}, {"message", "Unauthorized"}}));
                case FaultKind::offer_not_signed:
                    return with_usage(json_response(403, {{"status", "error"}, {"message", "Forbidden"}}));
                case FaultKind::server_error:
                    return with_usage(ServerResponse::text(fault->status, "<html><body>Server error</body></html>"));
                default: break;
            }
        }
        if (insales_window_count > 500) {
            ServerResponse r;
            r.status = 429;
            auto left = std::chrono::duration_cast<std::chrono::seconds>(
                insales_window_start + std::chrono::minutes(5) - now).count();
            r.headers.emplace_back("Retry-After", std::to_string(std::max<long long>(1, left)));
            return with_usage(r);
        }
        if (!sc.insales) return ServerResponse::text(404, "<html><body>Not Found</body></html>");
        const auto& shop = *sc.insales;
        auto auth = req.header("Authorization").value_or("");
        std::string expected = "Basic " + detail::base64_encode(shop.login + ":" + shop.password);
        if (auth != expected)
            return with_usage(json_response(401, {{"status", "error"}, {"message", "Unauthorized"}}));
        if (req.method != "GET")
            return with_usage(json_response(405, {{"status", "error"}, {"message", "Method Not Allowed"}}));
        if (req.path == "/admin/products/count.json")
            return with_usage(json_response(200, {{"count", shop.products.size()}}));
        if (req.path != "/admin/products.json") {
            auto r = ServerResponse::text(404, "<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>");
            r.headers = {{"Content-Type", "text/html; charset=utf-8"}};
            return with_usage(r);
        }
        auto num = [&](const char* name, long long def) {
            auto v = req.query_param(name);
            if (!v || v->empty()) return def;
            try {
                return std::stoll(*v);
            } catch (...) {
                return -1LL;
            }
        };
        long long page = num("page", 1), per_page = num("per_page", 100);
        if (page < 1 || per_page < 1 || per_page > 250)
            return with_usage(json_response(400, {{"status", "error"}, {"message", "Invalid page or per_page"}}));
        json out = json::array();
        const std::size_t from = static_cast<std::size_t>((page - 1) * per_page);
        const auto stamp = format_iso8601(sc.start - std::chrono::hours(24));
        for (std::size_t i = from; i < shop.products.size() && i < from + static_cast<std::size_t>(per_page); ++i) {
            const auto& p = shop.products[i];
            json variants = json::array();
            for (const auto& v : p.variants)
                variants.push_back({{"id", v.id}, {"product_id", p.id}, {"sku", v.sku},
                                    {"barcode", v.barcode.empty() ? json(nullptr) : json(v.barcode)},
                                    {"price", insales_price(v.price)}, {"old_price", nullptr},
                                    {"quantity", v.quantity ? json(*v.quantity) : json(nullptr)},
                                    {"quantity_at_warehouse0",
                                     v.quantity ? json(insales_price(*v.quantity)) : json(nullptr)},
                                    {"title", p.title}, {"updated_at", stamp}});
            out.push_back({{"id", p.id}, {"title", p.title}, {"is_hidden", false}, {"archived", false},
                           {"available", true}, {"created_at", stamp}, {"updated_at", stamp},
                           {"variants", variants}});
        }
        return with_usage(json_response(200, out));
    }

    // ------------------------------------------------------------------ admin

    static json request_json(const RecordedRequest& r) {
        return {{"seq", r.seq}, {"virtual_time", format_iso8601_ms(r.virtual_time)}, {"service", r.service},
                {"method", r.method}, {"path", r.path}, {"query", r.query}, {"client_id", r.client_id},
                {"body", r.body}, {"status", r.status}, {"fault", r.fault}};
    }

    ServerResponse admin(const ServerRequest& req) {
        auto ok = [](json extra = json::object()) {
            extra["ok"] = true;
            return json_response(200, extra);
        };
        auto bad = [](const std::string& e) { return json_response(400, {{"ok", false}, {"error", e}}); };
        json body = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
        if (body.is_discarded()) return bad("invalid JSON");
        const auto& p = req.path;
        try {
            if (p == "/__sandbox/clock") return ok({{"now", format_iso8601(clock.now())}});
            if (p == "/__sandbox/clock/advance") {
                Millis d{0};
                if (body.contains("ms")) d = Millis{body["ms"].get<long long>()};
                else if (auto by = parse_duration(body.value("by", ""))) d = *by;
                else return bad("want {\"by\":\"2h\"} or {\"ms\":N}");
                const TimePoint prev = clock.now();
                clock.advance(d);
                apply_due_events(prev);
                return ok({{"now", format_iso8601(clock.now())}});
            }
            if (p == "/__sandbox/clock/set") {
                auto t = parse_iso8601(body.value("time", ""));
                if (!t) return bad("want {\"time\":\"2026-11-26T14:00:00Z\"}");
                const TimePoint prev = clock.now();
                clock.set(*t);
                apply_due_events(prev);
                return ok({{"now", format_iso8601(clock.now())}});
            }
            if (p == "/__sandbox/faults" && req.method == "DELETE") {
                faults.clear();
                return ok();
            }
            if (p == "/__sandbox/faults/clear") {
                faults.clear();
                return ok();
            }
            if (p == "/__sandbox/faults") {
                if (req.method == "GET") {
                    json list = json::array();
                    for (const auto& f : faults)
                        list.push_back({{"path", f.path}, {"kind", to_string(f.kind)}, {"times", f.times}});
                    return ok({{"faults", list}});
                }
                FaultSpec f;
                f.path = body.value("path", "*");
                auto kind = fault_kind_from_string(body.value("kind", ""));
                if (!kind) return bad("unknown fault kind");
                f.kind = *kind;
                f.times = body.value("times", 1);
                f.retry_after_s = body.value("retry_after_s", 1);
                f.status = body.value("status", 500);
                f.delay = Millis{body.value("delay_ms", 60000LL)};
                faults.push_back(f);
                return ok();
            }
            if (p == "/__sandbox/postings/status") {
                auto* post = find_posting(body.value("posting_number", ""));
                if (!post) return bad("unknown posting");
                change_status(*post, body.value("status", ""), body.value("substatus", ""), clock.now(), kNoCancellation);
                return ok();
            }
            if (p == "/__sandbox/postings") {
                auto post = parse_posting_yaml(body.value("yaml", ""), clock.now());
                if (find_posting(post.posting_number)) return bad("posting exists");
                sc.postings.push_back(post);
                posting_added(sc.postings.back());
                return ok();
            }
            if (p == "/__sandbox/postings/cutoff") {
                auto t = parse_iso8601(body.value("cutoff", ""));
                if (!t) return bad("cutoff: want 2026-11-27T10:00:00Z");
                if (!set_cutoff_locked(body.value("posting_number", ""), *t)) return bad("unknown posting");
                return ok();
            }
            if (p == "/__sandbox/returns") {
                auto ret = parse_return_yaml(body.value("yaml", ""), clock.now());
                if (find_return(ret.id)) return bad("return exists");
                insert_return(sc, std::move(ret));
                return ok();
            }
            if (p == "/__sandbox/returns/status") {
                auto* r = find_return(body.value("id", 0LL));
                if (!r) return bad("unknown return");
                ReturnStatusChange c;
                c.status = body.value("status", "");
                if (!return_status_id(c.status)) return bad("unknown return status");
                c.status_display = body.value("status_display", "");
                apply_return_status(*r, c, clock.now());
                return ok();
            }
            if (p == "/__sandbox/rfbs/state") {
                auto* r = find_rfbs_return(body.value("return_id", 0LL));
                if (!r) return bad("unknown rfbs return");
                RfbsStateChange c;
                c.state = body.value("state", "");
                auto info = rfbs_state_info(c.state);
                c.group_state = body.value("group_state", info ? info->group_state : "");
                c.state_name = body.value("state_name", info ? info->state_name : c.state);
                if (c.group_state.empty()) return bad("unknown rfbs state: give group_state");
                apply_rfbs_state(*r, c);
                return ok();
            }
            if (p == "/__sandbox/reviews") {
                sc.reviews.push_back(parse_review_yaml(body.value("yaml", ""), clock.now()));
                return ok();
            }
            if (p == "/__sandbox/stocks") {
                if (!set_stock_locked(body.value("offer_id", ""), body.value("warehouse_id", 0LL),
                                      body.value("present", 0), body.value("reserved", 0), clock.now()))
                    return bad("unknown offer_id");
                return ok();
            }
            if (p == "/__sandbox/onec/write") {
                auto path = body.value("path", std::string());
                if (path.empty()) return bad("path is required");
                if (!sc.onec) return bad("the scenario has no onec section");
                auto mt = body.value("mtime", std::string());
                std::optional<TimePoint> t;
                if (!mt.empty() && !(t = parse_iso8601(mt))) return bad("mtime: want 2026-11-26T04:00:00Z");
                try {
                    ozw::sandbox::write_onec_offers(sc, path, t ? *t : sc.onec->mtime);
                } catch (const std::exception& e) {
                    return bad(e.what());
                }
                return ok();
            }
            if (p == "/__sandbox/telegram/messages") {
                json list = json::array();
                for (const auto& m : tg)
                    list.push_back({{"seq", m.seq}, {"virtual_time", format_iso8601_ms(m.virtual_time)},
                                    {"method", m.method}, {"chat_id", m.chat_id}, {"text", m.text},
                                    {"parse_mode", m.parse_mode},
                                    {"message_thread_id", m.message_thread_id ? json(*m.message_thread_id) : json()},
                                    {"disable_notification", m.disable_notification},
                                    {"reply_markup", m.reply_markup}, {"ok", m.ok}, {"error_code", m.error_code},
                                    {"description", m.description}, {"message_id", m.message_id},
                                    {"media", m.media}});
                return ok({{"messages", list}});
            }
            if (p == "/__sandbox/requests" || p == "/__sandbox/retired") {
                json list = json::array();
                for (const auto& r : log)
                    if (p == "/__sandbox/requests" || r.fault == "retired") list.push_back(request_json(r));
                return ok({{"requests", list}});
            }
            if (p == "/__sandbox/push/target") {
                if (req.method == "DELETE") {
                    pushes.set_target(std::nullopt);
                    return ok();
                }
                if (req.method == "GET") {
                    auto t = pushes.target();
                    if (!t) return ok({{"target", nullptr}});
                    return ok({{"target", {{"url", t->url}, {"timeout_ms", t->timeout.count()},
                                           {"max_attempts", t->max_attempts},
                                           {"retry_delay_ms", t->retry_delay.count()},
                                           {"max_in_flight", t->max_in_flight}}}});
                }
                PushTarget t;
                t.url = body.value("url", "");
                if (t.url.empty()) return bad("url is required");
                t.timeout = Millis{body.value("timeout_ms", t.timeout.count())};
                t.max_attempts = body.value("max_attempts", t.max_attempts);
                t.retry_delay = Millis{body.value("retry_delay_ms", t.retry_delay.count())};
                t.max_in_flight = body.value("max_in_flight", t.max_in_flight);
                try {
                    pushes.set_target(t);
                } catch (const std::invalid_argument& e) {
                    return bad(e.what());
                }
                return ok();
            }
            if (p == "/__sandbox/push/send") {
                if (!body.contains("body") || !body["body"].is_object())
                    return bad("want {\"body\":{...}} (the push to send)");
                return ok({{"seq", pushes.enqueue(body["body"], clock.now(), push_key(body["body"]))}});
            }
            if (p == "/__sandbox/push/ping") return ok({{"seq", pushes.enqueue(push_ping(clock.now()), clock.now(), "")}});
            if (p == "/__sandbox/push/log") {
                json list = json::array();
                auto since = [](auto from, auto to) {
                    return to == decltype(to){} ? json(nullptr)
                                                : json(std::chrono::duration_cast<Millis>(to - from).count());
                };
                for (const auto& e : pushes.log())
                    list.push_back({{"seq", e.seq}, {"message_type", e.message_type},
                                    {"posting_number", e.posting_number}, {"body", e.body},
                                    {"virtual_time", format_iso8601_ms(e.virtual_time)}, {"status", e.status},
                                    {"answer", e.answer}, {"attempts", e.attempts}, {"done", e.done},
                                    {"error", e.error}, {"sent_after_ms", since(e.queued_at, e.sent_at)},
                                    {"answered_after_ms", since(e.queued_at, e.answered_at)}});
                return ok({{"pushes", list}});
            }
            if (p == "/__sandbox/logs/clear") {
                log.clear();
                tg.clear();
                return ok();
            }
        } catch (const ScenarioError& e) {
            return bad(e.what());
        } catch (const json::exception& e) {
            return bad(e.what());
        }
        return json_response(404, {{"ok", false}, {"error", "unknown admin path " + p}});
    }

    // ------------------------------------------------------------------ dispatch

    // POST /__sandbox/push/wait {"timeout_ms": N}: answers once every queued push is answered,
    // given up or dropped ({"done": true}), or after N ms of real time ({"done": false}).
    asio::awaitable<ServerResponse> push_wait(const ServerRequest& req) {
        auto bad = [](const std::string& e) { return json_response(400, {{"ok", false}, {"error", e}}); };
        json body = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
        if (!body.is_object()) co_return bad("want {\"timeout_ms\": N}");
        long long ms = 15000;
        if (auto it = body.find("timeout_ms"); it != body.end()) {
            if (!it->is_number_integer()) co_return bad("timeout_ms must be an integer");
            ms = it->get<long long>();
        }
        if (ms < 0 || ms > 600000) co_return bad("timeout_ms must be 0..600000");
        const bool done = co_await pushes.async_wait_done(Millis{ms});
        co_return json_response(200, {{"ok", true}, {"done", done}});
    }

    asio::awaitable<ServerResponse> handle(const ServerRequest& req) {
        const auto received_at = std::chrono::steady_clock::now();
        const std::string service = service_of(req.path);
        std::optional<FaultSpec> fault;
        if (service != "admin") {
            std::lock_guard lock(mu);
            fault = take_fault(req.path);
        }
        if (fault && fault->kind == FaultKind::delay) {
            asio::steady_timer timer(co_await asio::this_coro::executor, fault->delay);
            auto it = timers.insert(timers.end(), &timer);
            if (!stopping) co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            timers.erase(it);
            if (stopping) {
                ServerResponse r;
                r.wire = ServerResponse::Wire::drop;
                co_return r;
            }
        }
        // The long poll waits on the io thread without the lock (the pushes it waits for are
        // delivered by this thread); it is not recorded.
        if (service == "admin" && req.path == "/__sandbox/push/wait") co_return co_await push_wait(req);
        std::lock_guard lock(mu);
        RecordedRequest rec;
        rec.seq = ++seq;
        rec.virtual_time = clock.now();
        rec.service = service;
        rec.method = req.method;
        rec.path = mask_token(req.path);
        rec.query = req.query;
        rec.received_at = received_at;
        // Kept for the tests up to 64 KiB: the log must not hold every large body a client (or
        // a flood) sent; Ozon and Bot API requests are a few kB.
        constexpr std::size_t kRecordedBodyMax = 64 * 1024;
        rec.body = req.body.size() <= kRecordedBodyMax
                       ? req.body
                       : req.body.substr(0, kRecordedBodyMax) + "...[" + std::to_string(req.body.size()) + " bytes]";
        if (fault) rec.fault = to_string(fault->kind);

        ServerResponse resp;
        if (service == "admin") {
            resp = admin(req);
        } else if (service == "telegram") {
            resp = telegram(req, fault, received_at);
        } else if (service == "insales") {
            resp = insales(req, fault);
        } else if (service == "ozon") {
            bool retired = false;
            const bool fault_replaces = fault && (fault->kind == FaultKind::rate_limit ||
                                                  fault->kind == FaultKind::circle_open ||
                                                  fault->kind == FaultKind::circle_open_text ||
                                                  fault->kind == FaultKind::server_error ||
                                                  fault->kind == FaultKind::invalid_key ||
                                                  fault->kind == FaultKind::offer_not_signed);
            resp = fault_replaces ? ozon_fault(*fault) : ozon(req, rec.client_id, retired);
            if (fault_replaces) rec.client_id = req.header("Client-Id").value_or("");
            if (retired) {
                rec.fault = "retired";
                spdlog::warn("sandbox: retired method called: {}", req.path);
            }
        } else {
            resp = from_api(detail::ozon_error(404, 5, "Not Found"));
        }
        if (fault) {
            switch (fault->kind) {
                case FaultKind::drop_connection: resp.wire = ServerResponse::Wire::drop; break;
                case FaultKind::cut_mid_body: resp.wire = ServerResponse::Wire::cut_mid_body; break;
                case FaultKind::truncated_json: resp.body = resp.body.substr(0, resp.body.size() / 2); break;
                case FaultKind::empty_list:
                case FaultKind::bad_status: spoil_answer(resp, fault->kind); break;
                case FaultKind::invalid_json:
                    resp.status = 200;
                    resp.headers = {{"Content-Type", "application/json"}};
                    resp.body = "<html><body>502 Bad Gateway</body></html>";
                    break;
                default: break;
            }
        }
        rec.status = resp.wire == ServerResponse::Wire::drop ? 0 : resp.status;
        spdlog::debug("sandbox: {} {} -> {}{}", req.method, rec.path, rec.status,
                      rec.fault.empty() ? "" : " (" + rec.fault + ")");
        log.push_back(std::move(rec));
        co_return resp;
    }
};

Sandbox::Sandbox(Scenario scenario) : impl_(std::make_unique<Impl>(std::move(scenario))) {
    std::lock_guard lock(impl_->mu);
    impl_->apply_due_events(impl_->clock.now());
}

Sandbox::~Sandbox() { stop(); }

void Sandbox::start(const std::string& listen, std::optional<TlsFiles> tls) {
    if (impl_->server) throw std::logic_error("sandbox already started");
    http::ServerOptions o;
    o.listen = listen;
    if (tls) {
        o.tls_cert_file = tls->cert_file;
        o.tls_key_file = tls->key_file;
    }
    auto* impl = impl_.get();
    impl_->server = std::make_unique<http::Server>(
        impl_->ioc.get_executor(), o,
        [impl](const ServerRequest& r) -> asio::awaitable<ServerResponse> { co_return co_await impl->handle(r); });
    impl_->server->start();
    impl_->base_url = impl_->server->base_url();
    impl_->work.emplace(impl_->ioc.get_executor());
    impl_->thread = std::thread([impl] { impl->ioc.run(); });
    impl_->pushes.started();
}

void Sandbox::stop() {
    if (!impl_->server || !impl_->thread.joinable()) return;
    impl_->server->stop();
    auto* impl = impl_.get();
    asio::post(impl_->ioc, [impl] {
        impl->stopping = true;
        for (auto* t : impl->timers) t->cancel();
        impl->pushes.stop_on_io_thread();
        impl->work.reset();
    });
    impl_->thread.join();
    // Destroy leftover coroutine frames (and their sockets) while the server still exists.
    impl_->ioc.stop();
    impl_->ioc.restart();
    impl_->ioc.poll();
    impl_->pushes.after_stop();
}

std::string Sandbox::base_url() const { return impl_->base_url; }
unsigned short Sandbox::port() const { return impl_->server ? impl_->server->port() : 0; }

TimePoint Sandbox::now() const { return impl_->clock.now(); }
const Clock& Sandbox::clock() const { return impl_->clock; }

void Sandbox::advance(Millis d) {
    std::lock_guard lock(impl_->mu);
    const TimePoint prev = impl_->clock.now();
    impl_->clock.advance(d);
    impl_->apply_due_events(prev);
}

void Sandbox::set_time(TimePoint t) {
    std::lock_guard lock(impl_->mu);
    const TimePoint prev = impl_->clock.now();
    impl_->clock.set(t);
    impl_->apply_due_events(prev);
}

std::vector<RecordedRequest> Sandbox::request_log() const {
    std::lock_guard lock(impl_->mu);
    return impl_->log;
}

std::vector<RecordedRequest> Sandbox::retired_calls() const {
    std::lock_guard lock(impl_->mu);
    std::vector<RecordedRequest> out;
    for (const auto& r : impl_->log)
        if (r.fault == "retired") out.push_back(r);
    return out;
}

std::vector<TelegramMessage> Sandbox::telegram_messages() const {
    std::lock_guard lock(impl_->mu);
    return impl_->tg;
}

void Sandbox::clear_logs() {
    std::lock_guard lock(impl_->mu);
    impl_->log.clear();
    impl_->tg.clear();
}

void Sandbox::inject_fault(FaultSpec f) {
    std::lock_guard lock(impl_->mu);
    impl_->faults.push_back(std::move(f));
}

void Sandbox::clear_faults() {
    std::lock_guard lock(impl_->mu);
    impl_->faults.clear();
}

bool Sandbox::set_posting_status(const std::string& number, const std::string& status,
                                 const std::string& substatus) {
    std::lock_guard lock(impl_->mu);
    auto* p = impl_->find_posting(number);
    if (!p) return false;
    impl_->change_status(*p, status, substatus, impl_->clock.now(), kNoCancellation);
    return true;
}

void Sandbox::add_posting(Posting p) {
    std::lock_guard lock(impl_->mu);
    impl_->sc.postings.push_back(std::move(p));
    impl_->posting_added(impl_->sc.postings.back());
}

bool Sandbox::set_posting_cutoff(const std::string& posting_number, TimePoint new_cutoff) {
    std::lock_guard lock(impl_->mu);
    return impl_->set_cutoff_locked(posting_number, new_cutoff);
}

void Sandbox::add_return(Return r) {
    std::lock_guard lock(impl_->mu);
    insert_return(impl_->sc, std::move(r));
}

bool Sandbox::set_return_status(std::int64_t id, const ReturnStatusChange& change) {
    std::lock_guard lock(impl_->mu);
    auto* r = impl_->find_return(id);
    if (!r) return false;
    apply_return_status(*r, change, impl_->clock.now());
    return true;
}

bool Sandbox::set_rfbs_state(std::int64_t return_id, const RfbsStateChange& change) {
    std::lock_guard lock(impl_->mu);
    auto* r = impl_->find_rfbs_return(return_id);
    if (!r) return false;
    apply_rfbs_state(*r, change);
    return true;
}

void Sandbox::add_review(Review r) {
    std::lock_guard lock(impl_->mu);
    impl_->sc.reviews.push_back(std::move(r));
}

bool Sandbox::set_stock(const std::string& offer_id, std::int64_t warehouse_id, int present, int reserved) {
    std::lock_guard lock(impl_->mu);
    return impl_->set_stock_locked(offer_id, warehouse_id, present, reserved, impl_->clock.now());
}

bool Sandbox::set_chat_unread(const std::string& chat_id, int unread) {
    std::lock_guard lock(impl_->mu);
    return impl_->set_chat_unread_locked(chat_id, unread, impl_->clock.now());
}

bool Sandbox::set_onec_quantity(const std::string& article, int quantity,
                                std::optional<TimePoint> mtime) {
    std::lock_guard lock(impl_->mu);
    if (!impl_->sc.onec) return false;
    for (auto& o : impl_->sc.onec->offers)
        if (o.article == article) {
            o.quantity = quantity;
            o.by_warehouse.clear();  // all on the first warehouse
            if (mtime) impl_->sc.onec->mtime = *mtime;
            return true;
        }
    return false;
}

void Sandbox::write_onec_offers(const std::filesystem::path& file, std::optional<TimePoint> mtime) const {
    std::lock_guard lock(impl_->mu);
    if (!impl_->sc.onec) throw std::runtime_error("Sandbox::write_onec_offers: the scenario has no 'onec' section");
    ozw::sandbox::write_onec_offers(impl_->sc, file, mtime ? *mtime : impl_->sc.onec->mtime);
}

bool Sandbox::set_insales_quantity(const std::string& sku, std::optional<int> quantity) {
    std::lock_guard lock(impl_->mu);
    if (!impl_->sc.insales) return false;
    for (auto& p : impl_->sc.insales->products)
        for (auto& v : p.variants)
            if (v.sku == sku) {
                v.quantity = quantity;
                return true;
            }
    return false;
}

void Sandbox::mutate(const std::function<void(Scenario&)>& fn) {
    std::lock_guard lock(impl_->mu);
    fn(impl_->sc);
}

Scenario Sandbox::snapshot() const {
    std::lock_guard lock(impl_->mu);
    return impl_->sc;
}

void Sandbox::set_push_target(std::optional<PushTarget> t) {
    // Under the scenario lock: a change being made now is queued either before the switch or
    // after it, never half.
    std::lock_guard lock(impl_->mu);
    impl_->pushes.set_target(std::move(t));
}

std::optional<PushTarget> Sandbox::push_target() const { return impl_->pushes.target(); }

std::uint64_t Sandbox::send_push(nlohmann::json body) {
    std::lock_guard lock(impl_->mu);
    std::string key = push_key(body);
    return impl_->pushes.enqueue(std::move(body), impl_->clock.now(), std::move(key));
}

std::uint64_t Sandbox::send_ping() {
    std::lock_guard lock(impl_->mu);
    return impl_->pushes.enqueue(push_ping(impl_->clock.now()), impl_->clock.now(), "");
}

std::vector<SentPush> Sandbox::push_log() const { return impl_->pushes.log(); }

bool Sandbox::wait_pushes_done(Millis real_timeout) const { return impl_->pushes.wait_done(real_timeout); }

}  // namespace ozw::sandbox
