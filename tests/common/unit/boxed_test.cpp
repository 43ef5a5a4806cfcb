#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "common/boxed.hpp"

namespace {

using ozw::Boxed;

struct Part {
    std::string text;
    int n = 0;
    bool operator==(const Part&) const = default;
};

TEST(Boxed, StartsEmptyAndHoldsWhatIsAssigned) {
    Boxed<Part> b;
    EXPECT_FALSE(b);
    EXPECT_FALSE(b.has_value());
    b = Part{"a", 1};
    ASSERT_TRUE(b);
    EXPECT_EQ(b->text, "a");
    EXPECT_EQ((*b).n, 1);
    b = std::nullopt;
    EXPECT_FALSE(b);
    b = Part{"c", 3};
    b.reset();
    EXPECT_FALSE(b.has_value());
}

TEST(Boxed, ACopyIsItsOwnValue) {
    Boxed<Part> a = Part{"a", 1};
    Boxed<Part> copy = a;
    copy->text = "changed";
    EXPECT_EQ(a->text, "a");  // not shared
    Boxed<Part> assigned;
    assigned = a;
    a->n = 7;
    EXPECT_EQ(assigned->n, 1);
    const Boxed<Part> empty;
    assigned = empty;
    EXPECT_FALSE(assigned);
    Boxed<Part> moved = std::move(copy);
    EXPECT_EQ(moved->text, "changed");
}

TEST(Boxed, EqualityComparesTheValuesNotTheBoxes) {
    const Boxed<Part> a = Part{"a", 1}, same = Part{"a", 1}, other = Part{"a", 2};
    const Boxed<Part> empty, also_empty;
    EXPECT_TRUE(a == same);
    EXPECT_FALSE(a == other);
    EXPECT_FALSE(a == empty);
    EXPECT_FALSE(empty == a);
    EXPECT_TRUE(empty == also_empty);
}

}  // namespace
