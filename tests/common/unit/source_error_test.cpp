// One error taxonomy for every source: an Ozon, an InSales and a 1C failure are classified the
// same way, so an InSales 401 is an auth failure of InSales and a broken 1C file is transient.
#include <gtest/gtest.h>

#include "common/insales/client.hpp"
#include "common/onec/offers.hpp"
#include "common/ozon/errors.hpp"
#include "common/source_error.hpp"

using namespace ozw;

namespace {
template <class E>
FailureKind kind_of(E err, std::string* message = nullptr) {
    std::string m;
    auto k = classify_source_failure(std::make_exception_ptr(std::move(err)), m);
    if (message) *message = m;
    return k;
}
}  // namespace

TEST(SourceError, OzonInsalesAndOnecShareOneTaxonomy) {
    EXPECT_EQ(kind_of(ozon::ApiError(ozon::ErrorKind::auth, "Invalid Api-Key", 401, "/v4/posting/fbs/list")),
              FailureKind::auth);
    EXPECT_EQ(kind_of(ozon::ApiError(ozon::ErrorKind::circle_open, "Circle is open", 429, "/v1/x")),
              FailureKind::transient);
    EXPECT_EQ(kind_of(ozon::ApiError(ozon::ErrorKind::not_available, "subscription", 403, "/v2/review/list")),
              FailureKind::not_available);
    EXPECT_EQ(kind_of(insales::Error(insales::ErrorKind::auth, "HTTP 401", 401)), FailureKind::auth);
    EXPECT_EQ(kind_of(insales::Error(insales::ErrorKind::rate_limited, "HTTP 429", 429)), FailureKind::transient);
    std::string m;
    EXPECT_EQ(kind_of(onec::Error("offers.xml: no root element"), &m), FailureKind::transient);
    EXPECT_EQ(m, "offers.xml: no root element");
    EXPECT_EQ(kind_of(std::runtime_error("connection refused")), FailureKind::transient);
}
