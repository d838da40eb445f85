// wsx/sdk/negotiation.hpp -- what a factory reads (ServerOffer,
// ClientResponse, their parameters) and what it answers (Negotiation,
// OfferResult), RFC 6455 section 9.1.
// Part of wsx/extension.hpp; include that.
#pragma once

#include <wsx/extension.h>
#include <wsx/sdk/c_interop.hpp>
#include <wsx/sdk/extension_base.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsx::sdk {

/// One extension parameter as received (RFC 6455 section 9.1): `name` or
/// `name=value`, quoted-string values already unquoted. Borrowed.
struct ParamView {
  /// The parameter name.
  std::string_view name;
  /// The value, or std::nullopt for a bare parameter.
  std::optional<std::string_view> value;
};

/// One extension parameter to send (a response or an offer): owned.
/// The host quotes the value if it is not a token.
struct Param {
  /// A bare parameter, e.g. `server_no_context_takeover`.
  explicit Param(std::string param_name) : name(std::move(param_name)) {}
  /// A parameter with a value, e.g. `server_max_window_bits=10`.
  Param(std::string param_name, std::string param_value)
      : name(std::move(param_name)), value(std::move(param_value)) {}

  /// Must be an RFC 7230 token, or the host refuses it (negotiation fails).
  std::string name;
  /// The value, or std::nullopt for a bare parameter.
  std::optional<std::string> value;
};

namespace detail {

/// An input iterator over an indexable view whose operator[] returns by value.
template <class List, class Value>
class IndexIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = Value;
  using difference_type = std::ptrdiff_t;

  IndexIterator() = default;
  IndexIterator(List list, std::size_t index) noexcept : list_(list), index_(index) {}

  Value operator*() const { return list_[index_]; }
  IndexIterator& operator++() noexcept {
    ++index_;
    return *this;
  }
  IndexIterator operator++(int) noexcept {
    IndexIterator before = *this;
    ++index_;
    return before;
  }
  friend bool operator==(const IndexIterator& a, const IndexIterator& b) noexcept {
    return a.index_ == b.index_;
  }

 private:
  List list_{};
  std::size_t index_ = 0;
};

}  // namespace detail

/// The parameters of one extension item, in header order, duplicates kept
/// (RFC 7692 section 7 wants duplicates declined, so they are visible).
/// Borrowed for the factory call. Iterate with a range-for (yields ParamView).
class ParamList {
 public:
  /// An empty list.
  ParamList() noexcept = default;
  /// Views `count` params at `items` (borrowed).
  ParamList(const wsx_param* items, std::size_t count) noexcept
      : items_(items), count_(items == nullptr ? 0 : count) {}

  /// Number of params.
  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  /// True if there is none.
  [[nodiscard]] bool empty() const noexcept { return count_ == 0; }

  /// The param at `index` (< size()).
  [[nodiscard]] ParamView operator[](std::size_t index) const noexcept {
    const wsx_param& raw = items_[index];
    return ParamView{detail::view(raw.name),
                     raw.has_value != 0 ? std::optional{detail::view(raw.value)} : std::nullopt};
  }

  /// The first param called `name` (exact match), if any.
  [[nodiscard]] std::optional<ParamView> find(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < count_; ++i) {
      if (detail::view(items_[i].name) == name) return (*this)[i];
    }
    return std::nullopt;
  }

  /// How many params are called `name`.
  [[nodiscard]] std::size_t count(std::string_view name) const noexcept {
    std::size_t found = 0;
    for (std::size_t i = 0; i < count_; ++i) {
      if (detail::view(items_[i].name) == name) ++found;
    }
    return found;
  }

  /// Input iterators yielding ParamView.
  [[nodiscard]] detail::IndexIterator<ParamList, ParamView> begin() const noexcept {
    return {*this, 0};
  }
  [[nodiscard]] detail::IndexIterator<ParamList, ParamView> end() const noexcept {
    return {*this, count_};
  }

 private:
  const wsx_param* items_ = nullptr;
  std::size_t count_ = 0;
};

/// An extension accepted earlier in the same negotiation (read per ABI
/// rule 2). Borrowed for the factory call.
class AcceptedExtension {
 public:
  /// Views `raw` (normalised copy; its arrays stay borrowed).
  explicit AcceptedExtension(const wsx_accepted_extension* raw) noexcept
      : raw_(detail::read_sized(raw)) {}

  /// Its token.
  [[nodiscard]] std::string_view token() const noexcept { return detail::view(raw_.token); }
  /// The RSV bits it owns (WSX_RSV*).
  [[nodiscard]] std::uint8_t rsv_bits() const noexcept { return raw_.rsv_bits; }
  /// Its response parameters.
  [[nodiscard]] ParamList params() const noexcept { return {raw_.params, raw_.param_count}; }

 private:
  wsx_accepted_extension raw_;
};

/// The extensions accepted before the current offer, in acceptance order.
/// Iterate with a range-for (yields AcceptedExtension).
class AcceptedList {
 public:
  /// An empty list.
  AcceptedList() noexcept = default;
  /// Views `count` entries at `items` (borrowed).
  AcceptedList(const wsx_accepted_extension* const* items, std::size_t count) noexcept
      : items_(items), count_(items == nullptr ? 0 : count) {}

  /// Number of entries.
  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  /// True if there is none.
  [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
  /// The entry at `index` (< size()).
  [[nodiscard]] AcceptedExtension operator[](std::size_t index) const noexcept {
    return AcceptedExtension{items_[index]};
  }
  /// Input iterators yielding AcceptedExtension.
  [[nodiscard]] detail::IndexIterator<AcceptedList, AcceptedExtension> begin() const noexcept {
    return {*this, 0};
  }
  [[nodiscard]] detail::IndexIterator<AcceptedList, AcceptedExtension> end() const noexcept {
    return {*this, count_};
  }

 private:
  const wsx_accepted_extension* const* items_ = nullptr;
  std::size_t count_ = 0;
};

/// One client offer as a server factory sees it (wsx_server_offer, read per
/// ABI rule 2). Borrowed for the negotiate() call.
class ServerOffer {
 public:
  /// Views `raw`.
  explicit ServerOffer(const wsx_server_offer* raw) noexcept : raw_(detail::read_sized(raw)) {}

  /// The offered token (the factory's own token, in the client's spelling).
  [[nodiscard]] std::string_view token() const noexcept { return detail::view(raw_.token); }
  /// The offer's parameters, in header order, duplicates kept.
  [[nodiscard]] ParamList params() const noexcept { return {raw_.params, raw_.param_count}; }
  /// Extensions accepted before this offer, in acceptance order.
  [[nodiscard]] AcceptedList accepted() const noexcept {
    return {raw_.accepted, raw_.accepted_count};
  }
  /// This I/O thread's context of the plugin (ABI rule 7), as the plugin
  /// class's `ThreadContext`: pass that type. Null when the host gave none
  /// (an older host, a host tool without I/O threads); work without it then.
  template <class ThreadContext>
  [[nodiscard]] ThreadContext* thread_context() const noexcept {
    return static_cast<ThreadContext*>(raw_.thread_context);
  }
  /// The normalised C struct.
  [[nodiscard]] const wsx_server_offer& raw() const noexcept { return raw_; }

 private:
  wsx_server_offer raw_;
};

/// The server's response for this factory's token, as a client factory sees
/// it (wsx_client_response, read per ABI rule 2). Borrowed for the call.
class ClientResponse {
 public:
  /// Views `raw`.
  explicit ClientResponse(const wsx_client_response* raw) noexcept
      : raw_(detail::read_sized(raw)) {}

  /// The token.
  [[nodiscard]] std::string_view token() const noexcept { return detail::view(raw_.token); }
  /// The response's parameters, in header order.
  [[nodiscard]] ParamList params() const noexcept { return {raw_.params, raw_.param_count}; }
  /// Extensions accepted before this one, in acceptance order.
  [[nodiscard]] AcceptedList accepted() const noexcept {
    return {raw_.accepted, raw_.accepted_count};
  }
  /// As ServerOffer::thread_context: null when the host runs this client
  /// without per-thread contexts.
  template <class ThreadContext>
  [[nodiscard]] ThreadContext* thread_context() const noexcept {
    return static_cast<ThreadContext*>(raw_.thread_context);
  }
  /// The normalised C struct.
  [[nodiscard]] const wsx_client_response& raw() const noexcept { return raw_; }

 private:
  wsx_client_response raw_;
};

/// What a factory decided about one offer (server) or response (client).
///
///  - accept: WSX_OK. The extension is handed to the host, which owns it
///    until the connection ends. A server's response parameters go into the
///    Sec-WebSocket-Extensions response; a client's are ignored.
///  - decline: WSX_DECLINE. Not an error (RFC 7692 section 7): the server
///    tries the client's next offer. On the client side the host fails the
///    connection, since a client cannot refuse a response.
///  - fail: WSX_FAIL. The handshake fails.
/// The reason appears in the host's negotiation trace.
class Negotiation {
 public:
  /// Accepts with `extension` (must not be null) and, on the server side,
  /// `response` parameters.
  [[nodiscard]] static Negotiation accept(std::unique_ptr<Extension> extension,
                                          std::vector<Param> response = {}) noexcept {
    return Negotiation{WSX_OK, std::move(extension), std::move(response), {}};
  }
  /// Declines, saying why.
  [[nodiscard]] static Negotiation decline(std::string reason) noexcept {
    return Negotiation{WSX_DECLINE, nullptr, {}, std::move(reason)};
  }
  /// Fails the handshake, saying why.
  [[nodiscard]] static Negotiation fail(std::string reason) noexcept {
    return Negotiation{WSX_FAIL, nullptr, {}, std::move(reason)};
  }

  /// WSX_OK, WSX_DECLINE or WSX_FAIL.
  [[nodiscard]] wsx_status status() const noexcept { return status_; }
  /// The accepted extension (null unless status() is WSX_OK).
  [[nodiscard]] const std::unique_ptr<Extension>& extension() const noexcept { return extension_; }
  /// Takes the accepted extension out.
  [[nodiscard]] std::unique_ptr<Extension> take_extension() noexcept {
    return std::move(extension_);
  }
  /// The response parameters of an accept.
  [[nodiscard]] const std::vector<Param>& response() const noexcept { return response_; }
  /// Why it declined or failed.
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

 private:
  Negotiation(wsx_status status, std::unique_ptr<Extension> extension, std::vector<Param> response,
              std::string reason) noexcept
      : status_(status),
        extension_(std::move(extension)),
        response_(std::move(response)),
        reason_(std::move(reason)) {}

  wsx_status status_;
  std::unique_ptr<Extension> extension_;
  std::vector<Param> response_;
  std::string reason_;
};

/// What a client factory puts in its offer.
///
///  - offer: WSX_OK, the token is offered with these parameters;
///  - decline: WSX_DECLINE, the token is not offered (reason is traced);
///  - fail: WSX_FAIL, the connection attempt fails.
class OfferResult {
 public:
  /// Offers the token with `params`.
  [[nodiscard]] static OfferResult offer(std::vector<Param> params = {}) noexcept {
    return OfferResult{WSX_OK, std::move(params), {}};
  }
  /// Does not offer the token, saying why.
  [[nodiscard]] static OfferResult decline(std::string reason) noexcept {
    return OfferResult{WSX_DECLINE, {}, std::move(reason)};
  }
  /// Fails the connection attempt, saying why.
  [[nodiscard]] static OfferResult fail(std::string reason) noexcept {
    return OfferResult{WSX_FAIL, {}, std::move(reason)};
  }

  /// WSX_OK, WSX_DECLINE or WSX_FAIL.
  [[nodiscard]] wsx_status status() const noexcept { return status_; }
  /// The offer's parameters.
  [[nodiscard]] const std::vector<Param>& params() const noexcept { return params_; }
  /// Why it declined or failed.
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

 private:
  OfferResult(wsx_status status, std::vector<Param> params, std::string reason) noexcept
      : status_(status), params_(std::move(params)), reason_(std::move(reason)) {}

  wsx_status status_;
  std::vector<Param> params_;
  std::string reason_;
};

}  // namespace wsx::sdk
