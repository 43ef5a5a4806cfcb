#pragma once
// The sandbox's push sender (not for other layers): a queue of push notifications delivered
// asynchronously on the sandbox's io_context, as Sandbox's "Push" header comment describes.
//
// Threading: set_target(), enqueue(), log() and wait_done() are called from any thread (the
// Sandbox calls enqueue() under its scenario lock, so the queue order is the order of the
// changes; the sender never takes that lock). Delivery runs only on the io_context's thread.
// Lock order: the Sandbox's scenario mutex, then the sender's own.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sandbox/sandbox.hpp"

namespace ozw::sandbox::detail {

// "http://host[:port][/path][?query]" split for the request; throws std::invalid_argument.
struct PushUrl {
    std::string host;    // without brackets for IPv6
    std::string port;    // "80" when not given
    std::string target;  // "/ozon/push?x=1"; "/" when not given
    std::string origin() const;
};
PushUrl parse_push_url(const std::string& url);

class PushSender {
public:
    explicit PushSender(boost::asio::io_context& ioc);
    ~PushSender();
    PushSender(const PushSender&) = delete;
    PushSender& operator=(const PushSender&) = delete;

    // Validates (std::invalid_argument) and replaces the target; nullopt drops what is queued.
    void set_target(std::optional<PushTarget> t);
    std::optional<PushTarget> target() const;
    bool has_target() const;

    // Queues a push; `key` ("posting:<number>", "chat:<id>", ...) keeps pushes of one subject
    // one at a time, in order; empty = no ordering constraint. Without a target (or after
    // stop) the push is only logged as done with an error.
    std::uint64_t enqueue(nlohmann::json body, TimePoint virtual_time, std::string key);

    std::vector<SentPush> log() const;
    bool wait_done(Millis real_timeout) const;
    // The same without blocking a thread, on the io thread (the admin API's long poll): true once
    // nothing is queued or in flight, false when real_timeout passed first or the sender stopped.
    boost::asio::awaitable<bool> async_wait_done(Millis real_timeout);

    // The io_context runs from now on: deliver what is queued.
    void started();
    // On the io thread (Sandbox::stop posts it): no new attempts, cancel retry waits, close
    // every connection so that the delivering coroutines end at once.
    void stop_on_io_thread();
    // After the io thread has ended: whatever is still queued is done ("sandbox stopped").
    void after_stop();

private:
    struct Conn;
    struct Attempt {
        int status = 0;
        std::string body;
        std::string error;  // transport error; empty when an HTTP answer came
    };

    void schedule_pump_locked();
    void pump();
    boost::asio::awaitable<void> deliver(std::uint64_t seq);
    boost::asio::awaitable<Attempt> attempt(PushUrl url, Millis timeout, std::string body);
    // Marks seq done, frees its in-flight slot and its key (the next push of that key becomes
    // ready). Under mu_.
    void finish_locked(std::uint64_t seq, int status, std::string answer, std::string error, bool in_flight);
    void drop_locked(std::uint64_t seq, const std::string& why);
    // Wakes the threads in wait_done() and, once nothing is unfinished, the coroutines in
    // async_wait_done() (their timers are cancelled on the io thread). Under mu_.
    void notify_locked();
    std::unique_ptr<Conn> take_idle(const std::string& origin);
    void give_back(std::unique_ptr<Conn> c);

    boost::asio::io_context& ioc_;

    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    std::optional<PushTarget> target_;
    PushUrl url_;
    std::vector<SentPush> entries_;  // index = seq - 1
    std::vector<std::string> keys_;  // index = seq - 1
    std::set<std::uint64_t> ready_;  // may start now, oldest first
    // Pushes waiting behind an unfinished push of the same key (ready or in flight).
    std::unordered_map<std::string, std::deque<std::uint64_t>> waiting_;
    std::unordered_set<std::string> busy_;  // keys with a push ready or in flight
    std::size_t in_flight_ = 0;
    std::size_t unfinished_ = 0;
    bool pump_posted_ = false;
    bool running_ = false;   // the io_context runs
    bool stopped_ = false;

    // io thread only.
    std::vector<std::unique_ptr<Conn>> idle_;      // keep-alive connections, any origin
    std::list<Conn*> open_;                        // connections in use
    std::list<boost::asio::steady_timer*> timers_; // retry waits
    std::list<boost::asio::steady_timer*> waiters_; // async_wait_done() (under mu_; used on the io thread)
};

}  // namespace ozw::sandbox::detail
