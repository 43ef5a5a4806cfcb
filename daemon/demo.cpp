// `ozonwatch demo`: the sandbox (sandbox/scenarios/demo.yaml) in-process, the daemon's pipeline
// against it on the sandbox's virtual clock, the console notifier on stdout, a temporary state
// dir and event log; the day is played in 10-minute virtual steps so that within a minute the
// user sees what a real day brings, then the morning report.
#include <stdlib.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "alerts/templates.hpp"
#include "common/logging.hpp"
#include "daemon/commands.hpp"
#include "daemon/demo.hpp"
#include "daemon/engine/module.hpp"
#include "daemon/engine/runtime.hpp"
#include "daemon/watches/stocks/settings.hpp"
#include "sandbox/onec.hpp"
#include "sandbox/sandbox.hpp"

namespace ozw::daemon {

namespace asio = boost::asio;
namespace fs = std::filesystem;

std::string find_demo_scenario() {
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("OZW_DEMO_SCENARIO")) candidates.emplace_back(env);
    // The source tree this binary was built from (__FILE__ is absolute under CMake).
    candidates.push_back(fs::path(__FILE__).parent_path().parent_path() / "sandbox/scenarios/demo.yaml");
    // Next to the binary: <src>/build/daemon/ozonwatch -> <src>/sandbox/scenarios.
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (fs::path p = exe.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path())
            candidates.push_back(p / "sandbox/scenarios/demo.yaml");
        candidates.push_back(exe.parent_path().parent_path() / "share/ozonwatch/scenarios/demo.yaml");
    }
    candidates.emplace_back("/usr/share/ozonwatch/scenarios/demo.yaml");
    for (const auto& c : candidates)
        if (fs::exists(c, ec)) return c.string();
    return {};
}

Config demo_config(const sandbox::Scenario& sc, const std::string& base_url, const std::string& state_dir,
                   const std::string& language) {
    Config cfg;
    cfg.source_file = "<demo>";
    cfg.timezone = "Europe/Moscow";
    cfg.state_dir = state_dir;
    int n = 0;
    for (const auto& a : sc.accounts) {
        AccountConfig ac;
        ac.name = n++ == 0 ? "main" : "account" + std::to_string(n);
        ac.client_id = a.client_id;
        ac.api_key = a.api_key;
        ac.base_url = base_url;
        ac.request_timeout = std::chrono::seconds(10);
        ac.rate_limit = 50;
        cfg.accounts.push_back(std::move(ac));
    }
    // Every watch this release has, on a 10-minute interval; planned ones stay off.
    install_watch_modules();
    for (const auto* m : watch_modules().all()) {
        WatchSettings& s = edit_settings_base(cfg, m->name());
        s.enabled = m->implemented();
        s.interval = std::chrono::minutes(10);
    }
    // The shop's InSales (the sandbox serves it) and its 1C stock file (written into the state
    // dir as the 1C exchange would): the stocks watch compares Ozon with both.
    std::vector<std::string> compare_with;
    if (sc.insales) {
        InsalesConfig insales;
        insales.url = base_url;
        insales.login = sc.insales->login;
        insales.password = sc.insales->password;
        for (auto& a : cfg.accounts) a.insales = insales;
        compare_with.push_back("insales");
    }
    if (sc.onec) {
        const fs::path file = fs::path(state_dir) / "1c" / "offers.xml";
        fs::create_directories(file.parent_path());
        sandbox::write_onec_offers(sc, file);
        OnecConfig onec;
        onec.offers = file.string();
        for (auto& a : cfg.accounts) a.onec = onec;
        compare_with.push_back("onec");
    }
    edit_settings<stocks::StocksSettings>(cfg, "stocks").compare_with = compare_with;
    // The day goes by in seconds: no grouping delays, so each alert shows at its moment.
    cfg.notify.language = language;
    cfg.notify.group_wait = Millis{0};
    cfg.notify.group_interval = Millis{0};
    EventLogConfig el;
    el.path = state_dir + "/events.jsonl";
    cfg.notify.event_log = el;
    if (!sc.telegram.empty() && !sc.telegram.front().chats.empty()) {
        TelegramConfig tg;
        tg.bot_token = sc.telegram.front().token;
        tg.api_base = base_url;
        for (const auto& c : sc.telegram.front().chats) {
            if (c.blocked || c.migrated_to) continue;
            TelegramChat chat;
            chat.chat_id = c.chat_id;
            tg.chats.push_back(std::move(chat));
            break;  // one chat is enough to show the phone side
        }
        if (!tg.chats.empty()) cfg.notify.telegram = std::move(tg);
    }
    cfg.report.enabled = false;  // the demo prints the report itself at the end
    return cfg;
}

int run_demo(const DemoRunOptions& o) {
    std::string path = o.scenario.empty() ? find_demo_scenario() : o.scenario;
    if (path.empty()) {
        std::cerr << "ozonwatch demo: sandbox/scenarios/demo.yaml not found (set OZW_DEMO_SCENARIO)\n";
        return cli::kExitSoftware;
    }
    sandbox::Scenario sc;
    try {
        sc = sandbox::load_scenario_file(path);
    } catch (const std::exception& e) {
        std::cerr << "ozonwatch demo: " << e.what() << "\n";
        return cli::kExitSoftware;
    }
    if (sc.accounts.empty()) {
        std::cerr << "ozonwatch demo: the scenario has no account\n";
        return cli::kExitSoftware;
    }
    LoggingConfig lc;
    lc.level = o.log_level.empty() ? "error" : o.log_level;
    log::init_logging(lc, false);

    std::string tmpl = (fs::temp_directory_path() / "ozonwatch-demo-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
        std::cerr << "ozonwatch demo: cannot create a temporary directory\n";
        return cli::kExitSoftware;
    }
    const std::string dir = tmpl;

    // Find the end of the day: the last timed event + 1 h, at least 14 h after the start.
    TimePoint start = sc.start;
    TimePoint end = start + std::chrono::hours(14);
    for (const auto& ev : sc.events) end = std::max(end, ev.at + std::chrono::hours(1));
    if (o.max_span && end - start > *o.max_span) end = start + *o.max_span;

    sandbox::Sandbox sb(std::move(sc));
    sb.start("127.0.0.1:0");
    Config cfg = demo_config(sb.snapshot(), sb.base_url(), dir, o.language);
    TimeZone tz(cfg.timezone);
    const bool ru = o.language != "en";
    int exit_code = 0;
    {
        Store store(dir + "/ozonwatch.db");
        asio::io_context ioc;
        RuntimeOptions po;
        po.with_console = true;
        po.jitter_fraction = 0;
        Runtime pipeline(cfg, store, sb.clock(), ioc.get_executor(), po);
        auto run = [&](auto make) {
            std::exception_ptr err;
            asio::co_spawn(ioc, make(), [&](std::exception_ptr e, auto&&...) { err = e; });
            ioc.run();
            ioc.restart();
            if (err) std::rethrow_exception(err);
        };
        std::cout << (ru ? "ozonwatch demo: песочница Ozon на " : "ozonwatch demo: Ozon sandbox at ")
                  << sb.base_url() << (ru ? ", сценарий " : ", scenario ") << path << "\n"
                  << (ru ? "Виртуальный день: " : "Virtual day: ") << tz.format_local(start) << " — "
                  << tz.format_local(end) << " (" << cfg.timezone << ")\n"
                  << (ru ? "Журнал событий: " : "Event log: ") << dir << "/events.jsonl\n\n";
        std::cout.flush();
        try {
            int last_hour = -1;
            while (true) {
                TimePoint now = sb.now();
                auto local = tz.format_local(now, "%H");
                int hour = std::stoi(local);
                if (hour != last_hour) {
                    std::cout << "── " << tz.format_local(now, "%d.%m %H:%M") << " ──\n";
                    last_hour = hour;
                }
                run([&] { return pipeline.scheduler().run_once_due(); });
                run([&] { return pipeline.dispatcher()->tick(); });
                std::cout.flush();
                if (now >= end) break;
                sb.advance(o.step);
                if (o.pause.count() > 0) std::this_thread::sleep_for(o.pause);
            }
            // The next morning at report.at: one more poll, then the morning report.
            std::cout << "\n" << (ru ? "Ночь прошла. " : "The night passed. ");
            sb.set_time(pipeline.next_report_time(sb.now()));
            // The 1C exchange ran at night, as it does every night: its file is fresh again.
            const auto& accounts = cfg.accounts;
            if (!accounts.empty() && accounts.front().onec)
                sandbox::write_onec_offers(sb.snapshot(), accounts.front().onec->offers, sb.now() - std::chrono::hours(4));
            std::cout << "── " << tz.format_local(sb.now(), "%d.%m %H:%M") << " ──\n";
            run([&] { return pipeline.scheduler().run_once_due(); });
            run([&] { return pipeline.dispatcher()->tick(); });
            std::cout << "\n" << render_report(pipeline.reports(), sb.now(), pipeline.report_options());
            std::size_t tg = 0;
            // OZW_DEMO_TELEGRAM_DUMP=FILE keeps what the phone would show: every message and
            // photo album the sandbox's Telegram accepted, one JSON request body per line.
            const char* dump_path = std::getenv("OZW_DEMO_TELEGRAM_DUMP");
            std::ofstream dump;
            if (dump_path && *dump_path) dump.open(dump_path, std::ios::trunc);
            std::vector<std::string> album_lines;
            for (const auto& m : sb.telegram_messages()) {
                if (!m.ok) continue;
                const bool album = m.method == "sendMediaGroup" || m.method == "sendPhoto";
                if (m.method != "sendMessage" && !album) continue;
                ++tg;
                if (dump) dump << m.body.dump() << "\n";
                if (!album) continue;
                // The console shows each event's photos as links; the phone got them as pictures.
                std::string caption = alerts::html_to_text(m.text);
                std::replace(caption.begin(), caption.end(), '\n', ' ');
                std::string line = (ru ? "  📷 альбом из " : "  📷 album of ") + std::to_string(m.media.size()) +
                                   (ru ? " фото, подпись: " : " photos, caption: ") + caption;
                for (const auto& url : m.media) line += "\n     " + url;
                album_lines.push_back(std::move(line));
            }
            std::cout << "\n" << (ru ? "Сообщений в Telegram (песочница): " : "Telegram messages (sandbox): ")
                      << tg << "\n";
            if (!album_lines.empty())
                std::cout << (ru ? "Из них с фото покупателя:\n" : "Of them with the customer's photos:\n");
            for (const auto& l : album_lines) std::cout << l << "\n";
        } catch (const std::exception& e) {
            std::cerr << "ozonwatch demo: " << e.what() << "\n";
            exit_code = cli::kExitSoftware;
        }
    }
    sb.stop();
    if (!o.keep_dir) {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    return exit_code;
}

}  // namespace ozw::daemon

namespace ozw::cli {

int cmd_demo(const GlobalOptions& g, const DemoOptions& o) {
    daemon::DemoRunOptions d;
    d.language = o.language.empty() ? "ru" : o.language;
    d.log_level = g.log_level;
    if (o.quick) d.pause = Millis{0};
    else if (o.speed > 0) d.pause = Millis{static_cast<long long>(d.step.count() / o.speed)};
    return daemon::run_demo(d);
}

}  // namespace ozw::cli
