// THE list of watches (design.md: "a watch is a module"). Adding a watch = its folder under
// daemon/watches/ + one line here. A watch not built yet stays a planned_watch line (its
// section is accepted, `run`, `config check` and the report say it is not watched) until its
// issue replaces that line with its module.
#include "daemon/engine/module.hpp"
#include "daemon/watches/finance/module.hpp"
#include "daemon/watches/postings/module.hpp"
#include "daemon/watches/returns/module.hpp"
#include "daemon/watches/stocks/module.hpp"

namespace ozw::daemon {

using namespace std::chrono_literals;

std::vector<const WatchModule*> all_watch_modules() {
    static const std::vector<const WatchModule*> list = {
        &postings::module(),
        &returns::module(),
        &finance::module(),
        &stocks::module(),
        &planned_watch("reviews", "отзывы", "reviews", 10min, {{"alert_rating", whole_number(0, 5)}}),
        &planned_watch("chats", "чаты", "chats", 5min, {}),
    };
    return list;
}

}  // namespace ozw::daemon
