#pragma once
// What the benchmarks measure with: this thread's CPU time, the process's RSS, running one
// coroutine to completion, and counting the Ozon calls the sandbox served.
#include <time.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <exception>
#include <fstream>
#include <string>

#include "sandbox/sandbox.hpp"

namespace ozw::bench {

// This thread's CPU time (user + system), with nanosecond resolution: getrusage counts in
// scheduler ticks (4 ms here), too coarse for a cycle of a few milliseconds.
inline double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

// A field of /proc/self/status in kB ("VmRSS:", "VmHWM:"); -1 when not there.
inline long rss_kb(const char* field) {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::string(field).size()));
    return -1;
}

template <class F>
void run(boost::asio::io_context& ioc, F&& make) {
    std::exception_ptr err;
    boost::asio::co_spawn(ioc, make(), [&](std::exception_ptr e, auto&&...) { err = e; });
    ioc.run();
    ioc.restart();
    if (err) std::rethrow_exception(err);
}

inline std::size_t ozon_calls(const sandbox::Sandbox& sb) {
    std::size_t n = 0;
    for (const auto& r : sb.request_log()) n += r.service == "ozon";
    return n;
}

}  // namespace ozw::bench
