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

namespace ozw::ozon {

// The cabinet's reviews page (NOTES.md: ".../reviews"); the cabinet has no documented link to
// one review.
inline std::string reviews_url() { return "https://seller.ozon.ru/app/reviews"; }

// The product's public page on ozon.ru by its SKU (what the buyer reviewed).
inline std::string product_page_url(long long sku) {
    return "https://www.ozon.ru/product/" + std::to_string(sku) + "/";
}

// The cabinet's chats with buyers (NOTES.md: ".../messenger?group=customers_v2"); the cabinet
// has no documented link to one chat.
inline std::string buyer_chats_url() { return "https://seller.ozon.ru/app/messenger?group=customers_v2"; }

}  // namespace ozw::ozon
