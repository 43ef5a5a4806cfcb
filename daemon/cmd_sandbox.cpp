// `ozonwatch sandbox --scenario FILE [--listen ADDR] [--tls-cert F --tls-key F]
// [--push-url URL]`: the emulator alone. Prints its base URL on stdout, then serves until SIGINT
// or SIGTERM. --push-url: the sandbox sends Ozon's push notifications there from the start
// (the admin API can change or clear it: POST/DELETE /__sandbox/push/target).
#include <csignal>
#include <iostream>
#include <string>

#include "daemon/commands.hpp"
#include "sandbox/sandbox.hpp"

namespace ozw::cli {

int cmd_sandbox(const GlobalOptions&, const SandboxOptions& o) {
    if (o.scenario.empty()) {
        std::cerr << "ozonwatch sandbox: --scenario FILE is required\n";
        return kExitUsage;
    }
    if (o.tls_cert.empty() != o.tls_key.empty()) {
        std::cerr << "ozonwatch sandbox: --tls-cert and --tls-key go together\n";
        return kExitUsage;
    }
    sandbox::Scenario scenario;
    try {
        scenario = sandbox::Sandbox::load_scenario(o.scenario);
    } catch (const std::exception& e) {
        std::cerr << "ozonwatch sandbox: " << e.what() << "\n";
        return kExitConfig;
    }
    // Block the signals before the server thread starts so that only sigwait() sees them.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    sandbox::Sandbox sb(std::move(scenario));
    if (const std::string& push_url = o.push_url; !push_url.empty()) {
        try {
            sandbox::PushTarget target;
            target.url = push_url;
            sb.set_push_target(target);
        } catch (const std::exception& e) {
            std::cerr << "ozonwatch sandbox: --push-url: " << e.what() << "\n";
            return kExitUsage;
        }
    }
    try {
        std::optional<sandbox::TlsFiles> tls;
        if (!o.tls_cert.empty()) tls = sandbox::TlsFiles{o.tls_cert, o.tls_key};
        sb.start(o.listen, tls);
    } catch (const std::exception& e) {
        std::cerr << "ozonwatch sandbox: " << e.what() << "\n";
        return kExitUnavailable;
    }
    std::cout << "sandbox listening on " << sb.base_url() << std::endl;
    if (auto t = sb.push_target()) std::cerr << "pushes go to " << t->url << std::endl;
    std::cerr << "virtual time " << sb.now().time_since_epoch().count() << " ms; admin API under "
              << sb.base_url() << "/__sandbox/ (see sandbox/sandbox.hpp)" << std::endl;
    int sig = 0;
    sigwait(&set, &sig);
    std::cerr << "ozonwatch sandbox: signal " << sig << ", stopping" << std::endl;
    sb.stop();
    return kExitOk;
}

}  // namespace ozw::cli
