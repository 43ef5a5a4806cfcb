#pragma once
// Boxed<T>: an optional T kept on the heap, with value semantics (copies copy the T, == compares
// it). For a large, usually absent part of an item that tens of thousands of items hold in
// memory: an empty std::optional<T> still takes sizeof(T) in every item, an empty Boxed<T> one
// pointer. (C++26's std::indirect is the standard's version; GCC 12 has none.)
#include <memory>
#include <optional>
#include <utility>

namespace ozw {

template <class T>
class Boxed {
public:
    Boxed() = default;
    Boxed(std::nullopt_t) {}
    Boxed(T value) : p_(std::make_unique<T>(std::move(value))) {}
    Boxed(const Boxed& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
    Boxed(Boxed&&) noexcept = default;
    Boxed& operator=(const Boxed& o) {
        if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
        return *this;
    }
    Boxed& operator=(Boxed&&) noexcept = default;
    Boxed& operator=(T value) {
        p_ = std::make_unique<T>(std::move(value));
        return *this;
    }
    Boxed& operator=(std::nullopt_t) {
        p_.reset();
        return *this;
    }

    bool has_value() const { return p_ != nullptr; }
    explicit operator bool() const { return has_value(); }
    const T& operator*() const { return *p_; }
    T& operator*() { return *p_; }
    const T* operator->() const { return p_.get(); }
    T* operator->() { return p_.get(); }
    void reset() { p_.reset(); }

    friend bool operator==(const Boxed& a, const Boxed& b) {
        if (!a.p_ || !b.p_) return !a.p_ && !b.p_;
        return *a.p_ == *b.p_;
    }

private:
    std::unique_ptr<T> p_;
};

}  // namespace ozw
