// The scale benchmark (issue 16): every watch, several Ozon accounts at a big shop's size, over
// simulated days, beside a plain Python poller doing the same on the same data.
//
// Three processes:
//   this one  holds one sandbox per account (Ozon, the shop's InSales, its 1C file; the first one
//             also Telegram), lives the shop's life and owns virtual time: it walks a grid of
//             one-minute steps, moving every sandbox's clock and then telling each poller "now";
//   daemon    this binary re-executed (--daemon-child): the daemon assembled as `run` assembles
//             it (load_config of a YAML file, Runtime: scheduler, store, router, dispatcher to the
//             sandbox's Telegram, event log) on a ManualClock; at each step it polls every due
//             watch of every account and makes one dispatcher pass, then answers;
//   python    bench/plain_poller_all.py: urllib + json, the same methods, filters and intervals,
//             a dict snapshot, a message per change (the yardstick).
// The two pollers take turns at every step (never at the same time), so each one's CPU is its
// own: read from /proc/PID/task/*/schedstat (every thread, nanoseconds) before and after its
// turn. API calls are counted on the sandboxes' request logs during that turn.
//
// Per account (default): 100,000 SKUs (Ozon, InSales, 1C), 50,000 postings in the 14-day
// window, 20,000 returns, a month of accruals (30,000 delivered postings), reviews and chats.
// Its life per hour: 150 new postings, each packed after 2 h, shipped after 6 h and delivered
// after a day (one in six cancelled instead); 25 returns picked up; 100 stock figures changed on
// Ozon and in InSales together (1C follows when 1C writes its file, every 6 hours); a review; a
// buyer's message. Production intervals: postings 2 min, chats 5, returns and reviews 10,
// stocks 15, finance 60; the daily report off (the poller has none); rate limit 50/s.
//
// Prints per virtual day and for the whole run: CPU per whole 2-minute interval per account (all
// of an account's watches, amortised: total CPU / accounts / intervals), API calls per hour per
// account against the 50 requests/s ceiling, RSS, the state database's size, and the ratio to
// the Python poller; at the end the outbox latency (event recorded -> Telegram accepted, in
// virtual time: bounded by the one-minute step and group_wait) and the idle RSS (a small shop).
// Usage: bench_scale [--hours 24] [--accounts 3] [--skus 100000] [--postings 50000]
//                    [--returns 20000] [--finance 30000] [--poller bench/plain_poller_all.py]
//                    [--no-python]
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/bench_util.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/logging.hpp"
#include "common/memory.hpp"
#include "common/store.hpp"
#include "common/time.hpp"
#include "daemon/engine/module.hpp"
#include "daemon/engine/runtime.hpp"
#include "sandbox/onec.hpp"
#include "sandbox/sandbox.hpp"

using namespace ozw;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

const char* kTgToken = "123456789:scale-bot-token";
const char* kTgChat = "-1001234567890";

// ---------------------------------------------------------------- the daemon child

// Reads "now" instants on stdin, answers "ok" after polling and dispatching; "end" prints the
// outbox latency from the store and exits.
int daemon_child(const std::string& cfg_path, const std::string& start_iso) {
    LoggingConfig lc;
    lc.level = "error";
    log::init_logging(lc, false);
    daemon::install_watch_modules();
    const Config cfg = load_config(cfg_path).config;
    ManualClock clock(*parse_iso8601(start_iso));
    Store store(cfg.state_dir + "/ozonwatch.db");
    asio::io_context ioc;
    daemon::RuntimeOptions ro;
    ro.jitter_fraction = 0;
    daemon::Runtime runtime(cfg, store, clock, ioc.get_executor(), ro);
    // Where the CPU goes: each watch's cycles (this thread's CPU between the scheduler's
    // callbacks; the cycles of one step run one after the other) and the dispatcher's passes.
    std::map<std::string, double> cpu_by_part, first_by_part;
    double mark = 0;
    bool first_step = true;
    long long first_step_ms = 0;  // the first start's instant: its alerts are the startup backlog
    runtime.scheduler().on_cycle([&](std::size_t, const daemon::ScheduledWatch& w) {
        const double now = bench::thread_cpu_ms();
        cpu_by_part[w.runner->watch().name()] += now - mark;
        mark = now;
    });
    std::cout << "ready" << std::endl;
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line == "end") break;
        const auto t = parse_iso8601(line);
        if (!t) {
            std::cerr << "daemon child: bad instant " << line << "\n";
            return 2;
        }
        clock.set(*t);
        if (first_step) first_step_ms = t->time_since_epoch().count();
        mark = bench::thread_cpu_ms();
        bench::run(ioc, [&] { return runtime.scheduler().run_once_due(); });
        const double before_dispatch = bench::thread_cpu_ms();
        bench::run(ioc, [&] { return runtime.dispatcher()->tick(); });
        cpu_by_part["(dispatcher)"] += bench::thread_cpu_ms() - before_dispatch;
        if (first_step) first_by_part.swap(cpu_by_part);  // the first start apart from the steady run
        first_step = false;
        std::cout << "ok" << std::endl;
    }
    // Outbox latency: from the event's recording to Telegram's acceptance (virtual ms).
    SQLite::Database db(cfg.state_dir + "/ozonwatch.db", SQLite::OPEN_READONLY);
    // All of them, and apart the ones recorded after the first start: the first start announces
    // every condition already open (a big shop's thousands), a backlog the dispatcher works
    // off at 500 rows per pass, and this harness gives it one pass per virtual minute.
    auto latencies = [&](long long after_ms) {
        SQLite::Statement q(db,
                            "SELECT sent_at - created_at FROM outbox WHERE status = 'sent' AND channel LIKE 'telegram%' "
                            "AND reason = 'new' AND created_at > ? ORDER BY 1");
        q.bind(1, static_cast<int64_t>(after_ms));
        std::vector<long long> lat;
        while (q.executeStep()) lat.push_back(q.getColumn(0).getInt64());
        auto pct = [&](double p) {
            return lat.empty() ? -1LL : lat[std::min(lat.size() - 1, static_cast<std::size_t>(p * lat.size()))];
        };
        return nlohmann::json{{"sent", lat.size()}, {"p50_ms", pct(0.5)}, {"p99_ms", pct(0.99)},
                              {"max_ms", lat.empty() ? -1 : lat.back()}};
    };
    SQLite::Statement pend(db, "SELECT count(*) FROM outbox WHERE status = 'pending'");
    pend.executeStep();
    nlohmann::json out = latencies(std::numeric_limits<long long>::min());
    out["pending"] = pend.getColumn(0).getInt64();
    out["after_first_start"] = latencies(first_step_ms);
    out["group_interval_s"] = std::chrono::duration_cast<std::chrono::seconds>(cfg.notify.group_interval).count();
    out["cpu_by_part"] = cpu_by_part;
    out["first_by_part"] = first_by_part;
    std::cout << out.dump() << std::endl;
    return 0;
}

// ---------------------------------------------------------------- the parent's tools

struct Child {
    pid_t pid = -1;
    FILE* to = nullptr;
    FILE* from = nullptr;

    static Child spawn(const std::vector<std::string>& argv, const std::string& stderr_file) {
        int in[2], out[2];
        if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC)) throw std::runtime_error("pipe");
        const pid_t pid = fork();
        if (pid < 0) throw std::runtime_error("fork");
        if (pid == 0) {
            dup2(in[0], 0);
            dup2(out[1], 1);
            const int err = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (err >= 0) dup2(err, 2);
            std::vector<char*> args;
            for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            execv(args[0], args.data());
            _exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        Child c;
        c.pid = pid;
        c.to = fdopen(in[1], "w");
        c.from = fdopen(out[0], "r");
        return c;
    }
    void send(const std::string& line) {
        std::fputs((line + "\n").c_str(), to);
        std::fflush(to);
    }
    std::string receive() {
        std::string s;
        int ch;
        while ((ch = std::fgetc(from)) != EOF && ch != '\n') s.push_back(static_cast<char>(ch));
        if (ch == EOF && s.empty()) throw std::runtime_error("a child ended (see its stderr file)");
        return s;
    }
    int finish() {
        if (to) std::fclose(to);
        to = nullptr;
        int status = 0;
        waitpid(pid, &status, 0);
        if (from) std::fclose(from);
        from = nullptr;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
};

// CPU of every thread of a process, in ms.
double process_cpu_ms(pid_t pid) {
    double ns = 0;
    for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
        std::ifstream f(e.path() / "schedstat");
        double v = 0;
        if (f >> v) ns += v;
    }
    return ns / 1e6;
}

long proc_kb(pid_t pid, const char* field) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
    return -1;
}

long long file_kb(const fs::path& p) {
    std::error_code ec;
    const auto n = fs::file_size(p, ec);
    return ec ? 0 : static_cast<long long>(n / 1024);
}

struct Options {
    int hours = 24;
    int accounts = 3;
    int skus = 100000;
    int postings = 50000;
    int returns = 20000;
    int finance = 30000;
    std::string poller = "bench/plain_poller_all.py";
    bool python = true;
};

struct Account {
    std::string name, client_id;
    std::unique_ptr<sandbox::Sandbox> sb;
    fs::path onec_file;
    std::vector<std::string> offers;  // the generated articles, for the stock changes
    std::vector<std::string> chats;
    std::vector<std::int64_t> returns_waiting;  // newest first: picked up one by one
    struct Moving {
        std::string number;
        TimePoint created;
        int step = 0;  // 0 new, 1 packed, 2 shipped, 3 done
    };
    std::deque<Moving> moving;
    long long serial = 0;
};

std::string scenario_yaml(const Options& o, const std::string& client_id, bool telegram, TimePoint start, bool small) {
    std::string s = "name: bench-scale\nstart: \"" + format_iso8601(start) + "\"\n" +
                    "accounts: [{client_id: \"" + client_id + "\", api_key: scale-key, roles: [Admin]}]\n";
    if (small)
        s += "generate: {postings: 200, returns: 50, stocks: 200, finance: 100, reviews: 5, chats: 3}\n";
    else
        s += "generate: {shop: " + std::to_string(o.postings) + ", returns: " + std::to_string(o.returns) +
             ", finance: " + std::to_string(o.finance) + ", stocks: " + std::to_string(o.skus) +
             ", reviews: 50, chats: 20}\n";
    if (telegram)
        s += std::string("telegram:\n  - token: \"") + kTgToken + "\"\n    chats: [{id: \"" + kTgChat + "\"}]\n";
    return s;
}

std::string config_yaml(const std::vector<Account>& accs, const fs::path& dir, const std::string& tg_base) {
    std::string s = "timezone: Europe/Moscow\nstate_dir: " + dir.string() + "/state\naccounts:\n";
    bool insales = false, onec = false;
    for (const auto& a : accs) {
        s += "  - name: " + a.name + "\n    client_id: \"" + a.client_id + "\"\n    api_key: scale-key\n" +
             "    base_url: " + a.sb->base_url() + "\n    rate_limit: 50\n";
        if (const auto& ins = a.sb->snapshot().insales) {
            s += "    insales: {url: \"" + a.sb->base_url() + "\", login: \"" + ins->login + "\", password: \"" +
                 ins->password + "\"}\n";
            insales = true;
        }
        if (!a.onec_file.empty()) {
            s += "    onec: {offers: \"" + a.onec_file.string() + "\"}\n";
            onec = true;
        }
    }
    std::string compare = std::string("[") + (insales ? "insales" : "") + (insales && onec ? ", " : "") +
                          (onec ? "onec" : "") + "]";
    // The generated 50,000-posting shop (14 days) has no accruals: only the finance generator's
    // month of postings has them. A grace of 15 days keeps the shop's delivered postings from
    // reading as 50,000 missing payments; the month's postings are checked as usual.
    s += "watches:\n  stocks: {compare_with: " + compare + "}\n  finance: {grace_days: 15}\n";
    s += "notify:\n  telegram:\n    bot_token: \"" + std::string(kTgToken) + "\"\n    api_base: " + tg_base +
         "\n    chats: [{chat_id: \"" + kTgChat + "\"}]\n  event_log: {path: " + dir.string() + "/events.jsonl}\n" +
         "report: {enabled: false}\nlogging: {level: error}\n";
    return s;
}

std::string accounts_json(const std::vector<Account>& accs) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& a : accs) {
        const auto& ins = a.sb->snapshot().insales;
        j.push_back({{"name", a.name},
                     {"ozon_url", a.sb->base_url()},
                     {"client_id", a.client_id},
                     {"api_key", "scale-key"},
                     {"insales_url", ins ? nlohmann::json(a.sb->base_url()) : nlohmann::json()},
                     {"insales_login", ins ? ins->login : ""},
                     {"insales_password", ins ? ins->password : ""},
                     {"onec_offers", a.onec_file.empty() ? nlohmann::json() : nlohmann::json(a.onec_file.string())}});
    }
    return j.dump(2);
}

// One minute of the shop's life at `now` (minute m of the run).
void live(Account& a, TimePoint now, long m) {
    auto& sb = *a.sb;
    if (m % 2 == 0) {  // 5 new postings every 2 minutes: 150 an hour
        for (int k = 0; k < 5; ++k) {
            sandbox::Posting p;
            p.posting_number = "77" + std::to_string(1000000 + a.serial++) + "-0001-1";
            p.status = "awaiting_packaging";
            p.in_process_at = now;
            p.shipment_date = now + 24h;
            sandbox::PostingProduct pr;
            pr.offer_id = a.offers.empty() ? "SCALE-1" : a.offers[a.serial * 7919 % a.offers.size()];
            pr.price = 1500;
            p.products.push_back(pr);
            sb.add_posting(p);
            a.moving.push_back({p.posting_number, now, 0});
        }
        for (auto& mv : a.moving) {
            const auto age = now - mv.created;
            if (mv.step == 0 && age >= 2h) {
                sb.set_posting_status(mv.number, "awaiting_deliver");
                mv.step = 1;
            } else if (mv.step == 1 && age >= 6h) {
                const bool cancel = std::hash<std::string>{}(mv.number) % 6 == 0;
                sb.set_posting_status(mv.number, cancel ? "cancelled" : "delivering");
                mv.step = cancel ? 3 : 2;
            } else if (mv.step == 2 && age >= 24h) {
                sb.set_posting_status(mv.number, "delivered");
                mv.step = 3;
            }
        }
        while (!a.moving.empty() && a.moving.front().step == 3) a.moving.pop_front();
    }
    if (m % 60 == 0) {
        const long hour = m / 60;
        for (int k = 0; k < 25 && !a.returns_waiting.empty(); ++k) {
            sandbox::ReturnStatusChange c;
            c.status = "ReceivedBySeller";
            sb.set_return_status(a.returns_waiting.back(), c);
            a.returns_waiting.pop_back();
        }
        for (int k = 0; k < 100 && !a.offers.empty(); ++k) {
            const auto& offer = a.offers[(hour * 100 + k) * 13 % a.offers.size()];
            const int q = static_cast<int>((hour + k) % 40);
            sb.set_stock(offer, 1020000000000901, q);
            sb.set_insales_quantity(offer, q);
            sb.set_onec_quantity(offer, q);
        }
        if (!a.onec_file.empty() && hour % 6 == 5)
            sandbox::write_onec_offers(sb.snapshot(), a.onec_file, now);
        sandbox::Review r;
        r.id = "scale-review-" + a.name + "-" + std::to_string(hour);
        r.sku = 1900000001 + hour % 1000;
        r.text = "Отзыв " + std::to_string(hour);
        r.rating = 1 + static_cast<int>(hour % 5);
        r.published_at = now;
        sb.add_review(r);
    }
    if (m % 30 == 0 && !a.chats.empty()) sb.set_chat_unread(a.chats[(m / 30) % a.chats.size()], (m / 30) % 2 == 0 ? 1 : 0);
}

struct Counts {
    double cpu_ms = 0;
    long long ozon = 0, insales = 0;
    long long max_ozon_step = 0;  // most Ozon calls of one account in one step
};

// A poller's turn: tell it "now", wait for its answer; CPU and calls of the turn.
Counts turn(Child& c, const std::string& now_iso, std::vector<Account>& accs) {
    for (auto& a : accs) a.sb->clear_logs();
    const double cpu0 = process_cpu_ms(c.pid);
    c.send(now_iso);
    const std::string reply = c.receive();
    Counts k;
    k.cpu_ms = process_cpu_ms(c.pid) - cpu0;
    for (auto& a : accs) {
        long long oz = 0;
        for (const auto& r : a.sb->request_log()) {
            oz += r.service == "ozon";
            k.insales += r.service == "insales";
        }
        k.ozon += oz;
        k.max_ozon_step = std::max(k.max_ozon_step, oz);
    }
    if (reply.rfind("ok", 0) != 0 && reply.rfind("{", 0) != 0) throw std::runtime_error("unexpected answer: " + reply);
    return k;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return argv[++i];
        };
        if (a == "--hours") o.hours = std::stoi(next());
        else if (a == "--accounts") o.accounts = std::stoi(next());
        else if (a == "--skus") o.skus = std::stoi(next());
        else if (a == "--postings") o.postings = std::stoi(next());
        else if (a == "--returns") o.returns = std::stoi(next());
        else if (a == "--finance") o.finance = std::stoi(next());
        else if (a == "--poller") o.poller = next();
        else if (a == "--no-python") o.python = false;
        else throw std::invalid_argument("unknown option " + a);
    }
    if (o.hours < 1 || o.accounts < 1) throw std::invalid_argument("--hours and --accounts must be at least 1");
    return o;
}

// Builds the accounts' sandboxes (and their 1C files) under `dir`.
std::vector<Account> make_accounts(const Options& o, const fs::path& dir, TimePoint start, bool small, int n) {
    std::vector<Account> accs;
    for (int i = 0; i < n; ++i) {
        Account a;
        a.name = "a" + std::to_string(i + 1);
        a.client_id = std::to_string(1001 + i);
        a.sb = std::make_unique<sandbox::Sandbox>(
            sandbox::load_scenario_text(scenario_yaml(o, a.client_id, i == 0, start, small), "bench_scale"));
        a.sb->start();
        const auto& snap = a.sb->snapshot();
        if (snap.onec) {
            a.onec_file = dir / ("onec-" + a.name + ".xml");
            sandbox::write_onec_offers(snap, a.onec_file, start - 1h);
        }
        for (const auto& p : snap.products)
            if (p.offer_id.rfind("STK-", 0) == 0) a.offers.push_back(p.offer_id);
        for (const auto& c : snap.chats) a.chats.push_back(c.chat_id);
        for (const auto& r : snap.returns)
            if (r.status == "ArrivedAtReturnPlace") a.returns_waiting.push_back(r.id);
        accs.push_back(std::move(a));
    }
    return accs;
}

Child spawn_daemon(const char* self, const std::vector<Account>& accs, const fs::path& dir, TimePoint start) {
    fs::create_directories(dir / "state");
    {
        std::ofstream f(dir / "ozonwatch.yaml");
        f << config_yaml(accs, dir, accs.front().sb->base_url());
    }
    Child d = Child::spawn({self, "--daemon-child", (dir / "ozonwatch.yaml").string(), format_iso8601(start)},
                           (dir / "daemon.stderr").string());
    if (d.receive() != "ready") throw std::runtime_error("the daemon child did not start");
    return d;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 4 && std::string(argv[1]) == "--daemon-child") return daemon_child(argv[2], argv[3]);
    Options o;
    try {
        o = parse(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_scale: %s\n", e.what());
        return 2;
    }
    LoggingConfig lc;
    lc.level = "error";
    log::init_logging(lc, false);
    const std::string self = fs::canonical("/proc/self/exe").string();
    std::string tmpl = (fs::temp_directory_path() / "ozw-scale-XXXXXX").string();
    const fs::path dir = mkdtemp(tmpl.data());
    const TimePoint start = *parse_iso8601("2026-11-02T05:00:00Z");
    int rc = 0;
    try {
        // --- idle: one account of a small shop, an hour of production polls, nothing changing.
        long idle_rss = 0, idle_hwm = 0;
        {
            const fs::path idir = dir / "idle";
            fs::create_directories(idir);
            auto accs = make_accounts(o, idir, start, true, 1);
            Child d = spawn_daemon(self.c_str(), accs, idir, start);
            for (int m = 0; m <= 60; ++m) {
                const TimePoint now = start + std::chrono::minutes(m);
                accs[0].sb->set_time(now);
                d.send(format_iso8601(now));
                d.receive();
            }
            idle_rss = proc_kb(d.pid, "VmRSS:");
            idle_hwm = proc_kb(d.pid, "VmHWM:");
            d.send("end");
            d.receive();
            d.finish();
        }

        std::printf("bench_scale: %d accounts x (%d SKUs, %d postings, %d returns, %d delivered postings of accruals), "
                    "%d virtual hours in 1-minute steps; heap: %s (the daemon child is this binary)\n",
                    o.accounts, o.skus, o.postings, o.returns, o.finance, o.hours, allocator_name().c_str());
        std::fflush(stdout);
        const double gen0 = bench::thread_cpu_ms();
        auto accs = make_accounts(o, dir, start, false, o.accounts);
        std::printf("worlds generated and 1C files written in %.0f ms CPU (1C file %.1f MB each)\n",
                    bench::thread_cpu_ms() - gen0,
                    accs[0].onec_file.empty() ? 0.0 : static_cast<double>(fs::file_size(accs[0].onec_file)) / 1e6);
        {
            std::ofstream f(dir / "accounts.json");
            f << accounts_json(accs);
        }
        Child d = spawn_daemon(self.c_str(), accs, dir, start);
        Child py;
        if (o.python)
            py = Child::spawn({"/usr/bin/env", "python3", o.poller, "--accounts", (dir / "accounts.json").string(),
                               "--messages", (dir / "python.messages").string(), "--finance-grace-days", "15"},
                              (dir / "python.stderr").string());
        const long rss_before = proc_kb(d.pid, "VmRSS:");

        std::printf("\n%-9s %11s %11s %9s %9s %8s %8s %9s %11s %11s %7s\n", "hours", "d CPU/2min", "py CPU/2min",
                    "ratio", "d ozon/h", "py oz/h", "d RSS", "py RSS", "db+wal kB", "tg msgs", "");
        std::printf("%-9s %11s %11s %9s %9s %8s %8s %9s %11s %11s\n", "", "per acc ms", "per acc ms", "py/d",
                    "per acc", "per acc", "MB", "MB", "", "");
        Counts d_first, py_first, d_sum, py_sum, d_block, py_block;
        long long tg_block = 0;
        long long d_max_step = 0;
        double d_max_step_cpu = 0;
        const long steps = static_cast<long>(o.hours) * 60;
        auto add = [](Counts& s, const Counts& k) {
            s.cpu_ms += k.cpu_ms;
            s.ozon += k.ozon;
            s.insales += k.insales;
            s.max_ozon_step = std::max(s.max_ozon_step, k.max_ozon_step);
        };
        const int block_h = o.hours >= 48 ? 24 : (o.hours >= 6 ? 6 : 1);
        for (long m = 0; m <= steps; ++m) {
            const TimePoint now = start + std::chrono::minutes(m);
            if (m > 0)
                for (auto& a : accs) live(a, now, m);
            for (auto& a : accs) a.sb->set_time(now);
            const std::string iso = format_iso8601(now);
            const Counts kd = turn(d, iso, accs);
            tg_block += static_cast<long long>(accs[0].sb->telegram_messages().size());
            Counts kp;
            if (o.python) kp = turn(py, iso, accs);
            if (m == 0) {
                d_first = kd;
                py_first = kp;
                std::printf("%-9s %11.0f %11.0f %9s %9lld %8lld   (first start: CPU ms, Ozon calls; InSales %lld / %lld)\n",
                            "start", kd.cpu_ms, kp.cpu_ms, "", kd.ozon, kp.ozon, kd.insales, kp.insales);
                continue;
            }
            add(d_sum, kd);
            add(py_sum, kp);
            add(d_block, kd);
            add(py_block, kp);
            d_max_step = std::max(d_max_step, kd.max_ozon_step);
            d_max_step_cpu = std::max(d_max_step_cpu, kd.cpu_ms);
            if (m % (block_h * 60) == 0) {
                const double intervals = block_h * 30.0 * o.accounts;
                const double dcpu = d_block.cpu_ms / intervals, pcpu = py_block.cpu_ms / intervals;
                char label[32];
                std::snprintf(label, sizeof label, "%ld-%ld", m / 60 - block_h, m / 60);
                std::printf("%-9s %11.1f %11.1f %8.1fx %9.0f %8.0f %8.1f %9.1f %11lld %11lld\n", label, dcpu, pcpu,
                            dcpu > 0 ? pcpu / dcpu : 0.0, d_block.ozon / double(block_h) / o.accounts,
                            py_block.ozon / double(block_h) / o.accounts, proc_kb(d.pid, "VmRSS:") / 1024.0,
                            o.python ? proc_kb(py.pid, "VmRSS:") / 1024.0 : 0.0,
                            file_kb(dir / "state/ozonwatch.db") + file_kb(dir / "state/ozonwatch.db-wal"), tg_block);
                std::fflush(stdout);
                d_block = py_block = {};
                tg_block = 0;
            }
        }
        const long d_rss = proc_kb(d.pid, "VmRSS:"), d_hwm = proc_kb(d.pid, "VmHWM:");
        const long p_rss = o.python ? proc_kb(py.pid, "VmRSS:") : 0, p_hwm = o.python ? proc_kb(py.pid, "VmHWM:") : 0;
        d.send("end");
        const auto lat = nlohmann::json::parse(d.receive());
        const int d_rc = d.finish();
        const int p_rc = o.python ? py.finish() : 0;

        const double intervals = steps / 2.0 * o.accounts;
        const double dcpu = d_sum.cpu_ms / intervals, pcpu = py_sum.cpu_ms / intervals;
        std::printf("\nwhole run, %d virtual hours after the first start, %d accounts:\n", o.hours, o.accounts);
        std::printf("  CPU per whole 2-minute interval per account: ozonwatch %.1f ms, Python %.1f ms; "
                    "Python / ozonwatch = %.2fx (target: ozonwatch under 50 ms, at least 5x)\n",
                    dcpu, pcpu, dcpu > 0 ? pcpu / dcpu : 0.0);
        std::printf("  CPU in total: ozonwatch %.1f s, Python %.1f s; the most CPU of one step (all accounts' due polls): "
                    "ozonwatch %.0f ms\n",
                    d_sum.cpu_ms / 1000, py_sum.cpu_ms / 1000, d_max_step_cpu);
        std::printf("  Ozon API calls per hour per account: ozonwatch %.0f, Python %.0f (ceiling 50/s = 180,000/h); "
                    "the most in one poll step of one account: %lld (%.1f s at 50/s)\n",
                    d_sum.ozon / double(o.hours) / o.accounts, py_sum.ozon / double(o.hours) / o.accounts, d_max_step,
                    d_max_step / 50.0);
        std::printf("  InSales calls per hour per account: ozonwatch %.0f, Python %.0f (InSales allows 500 per 5 min)\n",
                    d_sum.insales / double(o.hours) / o.accounts, py_sum.insales / double(o.hours) / o.accounts);
        std::printf("  first start (silent baselines of every watch): ozonwatch %.0f ms CPU, %lld Ozon calls; "
                    "Python %.0f ms, %lld calls\n",
                    d_first.cpu_ms, d_first.ozon, py_first.cpu_ms, py_first.ozon);
        std::printf("  RSS ozonwatch: before the first poll %.1f MB, at the end %.1f MB, peak %.1f MB (target under 150); "
                    "idle (one small shop, an hour of polls) %.1f MB, peak %.1f MB (target under 30)\n",
                    rss_before / 1024.0, d_rss / 1024.0, d_hwm / 1024.0, idle_rss / 1024.0, idle_hwm / 1024.0);
        for (const char* which : {"first_by_part", "cpu_by_part"}) {
            std::string parts;
            for (const auto& [part, ms] : lat[which].items())
                parts += " " + part + " " + std::to_string(std::llround(ms.get<double>())) + " ms;";
            std::printf("  ozonwatch's CPU by part (its main thread, all accounts), %s:%s\n",
                        std::string(which) == "first_by_part" ? "first start" : "the rest of the run", parts.c_str());
        }
        if (o.python)
            std::printf("  RSS Python: at the end %.1f MB, peak %.1f MB\n", p_rss / 1024.0, p_hwm / 1024.0);
        std::printf("  state database %lld kB (+ WAL %lld kB)\n", file_kb(dir / "state/ozonwatch.db"),
                    file_kb(dir / "state/ozonwatch.db-wal"));
        std::printf("  outbox latency (event recorded -> Telegram accepted, virtual time, 1-minute steps, group_wait "
                    "30 s): p50 %.0f s, p99 %.0f s, max %.0f s over %lld sends; %lld still pending\n",
                    lat["p50_ms"].get<long long>() / 1000.0, lat["p99_ms"].get<long long>() / 1000.0,
                    lat["max_ms"].get<long long>() / 1000.0, lat["sent"].get<long long>(),
                    lat["pending"].get<long long>());
        const auto& later = lat["after_first_start"];
        std::printf("    of which %lld recorded at the first start (it announces every condition already open; the "
                    "dispatcher sends 500 rows per pass and this harness gives it one pass per virtual minute);\n"
                    "    recorded after the first start: p50 %.0f s, p99 %.0f s, max %.0f s over %lld sends "
                    "(a non-critical group's next message waits group_interval, %lld s)\n",
                    lat["sent"].get<long long>() - later["sent"].get<long long>(), later["p50_ms"].get<long long>() / 1000.0,
                    later["p99_ms"].get<long long>() / 1000.0, later["max_ms"].get<long long>() / 1000.0,
                    later["sent"].get<long long>(), lat["group_interval_s"].get<long long>());
        if (d_rc != 0 || p_rc != 0) {
            std::printf("FAILED: the daemon child exited %d, the Python poller %d (logs in %s)\n", d_rc, p_rc,
                        dir.c_str());
            rc = 1;
        }
        for (auto& a : accs) a.sb->stop();
    } catch (const std::exception& e) {
        std::printf("FAILED: %s (logs in %s)\n", e.what(), dir.c_str());
        return 1;
    }
    if (rc == 0 && !std::getenv("OZW_SCALE_KEEP")) fs::remove_all(dir);
    else std::printf("files kept in %s\n", dir.c_str());
    return rc;
}
