#pragma once
// Shared by the daemon's integration tests: a temporary folder and running one coroutine to
// completion on an io_context.
#include <stdlib.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <filesystem>
#include <string>

namespace ozw::test {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string t = (std::filesystem::temp_directory_path() / "ozw-daemon-it-XXXXXX").string();
        path = mkdtemp(t.data());
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

template <class F>
void run(boost::asio::io_context& ioc, F&& make) {
    std::exception_ptr err;
    boost::asio::co_spawn(ioc, make(), [&](std::exception_ptr e, auto&&...) { err = e; });
    ioc.run();
    ioc.restart();
    if (err) std::rethrow_exception(err);
}

// Runs one coroutine on an io_context until IT completes, not until the context is out of work:
// a listener (the push receiver) keeps the context busy for ever. Handlers still queued when it
// completes stay queued for the next run.
template <class F>
void run_until_complete(boost::asio::io_context& ioc, F&& make) {
    std::exception_ptr err;
    bool done = false;
    boost::asio::co_spawn(ioc, make(), [&](std::exception_ptr e, auto&&...) {
        err = e;
        done = true;
        ioc.stop();
    });
    ioc.restart();
    while (!done) ioc.run();
    ioc.restart();
    if (err) std::rethrow_exception(err);
}

}  // namespace ozw::test
