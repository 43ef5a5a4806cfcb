// THE list of watches (design.md: "a watch is a module"). Adding a watch = its folder under
// daemon/watches/ + one line here. A watch not built yet stays a planned_watch line (its
// section is accepted, `run`, `config check` and the report say it is not watched) until its
// issue replaces that line with its module.
#include "daemon/engine/module.hpp"
#include "daemon/watches/api_key/module.hpp"
#include "daemon/watches/chats/module.hpp"
#include "daemon/watches/finance/module.hpp"
#include "daemon/watches/postings/module.hpp"
#include "daemon/watches/returns/module.hpp"
#include "daemon/watches/reviews/module.hpp"
#include "daemon/watches/stocks/module.hpp"

namespace ozw::daemon {

using namespace std::chrono_literals;

std::vector<const WatchModule*> all_watch_modules() {
    static const std::vector<const WatchModule*> list = {
        // In the order of the manager's morning checklist (seed/): the morning report's sections
        // follow this list, the API key's health closing it.
        &stocks::module(),
        &postings::module(),
        &finance::module(),
        &returns::module(),
        &reviews::module(),
        &chats::module(),
        &api_key::module(),
    };
    return list;
}

}  // namespace ozw::daemon
