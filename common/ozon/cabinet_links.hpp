#pragma once
// Links into the Ozon seller cabinet (NOTES.md, "cabinet links used by other seller tools"): one
// place, so that every watch links a posting the same way.
#include <string>
#include <string_view>

namespace ozw::ozon {

// A posting's card; `arbitration` opens the disputes tab.
inline std::string posting_url(std::string_view posting_number, bool arbitration = false) {
    return std::string("https://seller.ozon.ru/app/postings/fbs?tab=") + (arbitration ? "arbitration" : "all") +
           "&postingDetails=" + std::string(posting_number);
}

}  // namespace ozw::ozon
