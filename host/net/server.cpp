#include "net/server.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/close/close_status.hpp"
#include "net/acceptor.hpp"
#include "net/endpoint_text.hpp"
#include "net/server_context.hpp"
#include "net/session.hpp"
#include "net/signal_watcher.hpp"

namespace wsx {

namespace {

// The timer wheel's resolution: a timeout never fires early and at most two
// ticks late (TimerWheel::to_ticks), so a tick of an eighth of the shortest
// timeout keeps that error within a quarter of it, within
// [10 ms, 500 ms] so short test timeouts work and idle servers barely wake.
std::chrono::milliseconds choose_tick(const ServerLimits& limits) {
  using std::chrono::milliseconds;
  milliseconds shortest{4000};
  for (milliseconds timeout : {limits.handshake_timeout, limits.idle_timeout, limits.ping_interval,
                               limits.close_timeout}) {
    if (timeout.count() > 0) shortest = std::min(shortest, timeout);
  }
  return std::clamp(shortest / 8, milliseconds{10}, milliseconds{500});
}

std::shared_ptr<const net::ServerSettings> make_settings(core::FactoryList factories,
                                                         const ServerLimits& limits,
                                                         std::vector<std::string> subprotocols,
                                                         TlsContextPtr tls) {
  auto settings = std::make_shared<net::ServerSettings>();
  settings->factories = std::move(factories);
  settings->limits = limits;
  settings->handshake.subprotocols = std::move(subprotocols);
  settings->tls = std::move(tls);
  return settings;
}

}  // namespace

Server::Server(ServerOptions options, core::FactoryList factories, const Logger& logger)
    : options_(std::move(options)), logger_(logger) {
  context_ = std::make_unique<net::ServerContext>(
      logger_, std::max<std::uint32_t>(options_.io_threads, 1), choose_tick(options_.limits),
      make_settings(std::move(factories), options_.limits, options_.subprotocols, options_.tls));
  acceptor_ = std::make_unique<net::Acceptor>(*context_);
  // Each thread stops accepting when it finishes (its io_context then runs
  // out of work); thread 0 finishes last (ServerContext::maybe_finish) and
  // only then stops watching signals.
  context_->set_on_thread_finish([this](net::IoThread& thread) {
    acceptor_->close(thread.index());
    if (thread.index() == 0 && signals_) signals_->cancel();
  });
}

Server::~Server() {
  // Destroyed before the context whose io_context they use.
  signals_.reset();
  acceptor_.reset();
  context_.reset();
}

void Server::set_proxy(net::ProxyRoute route) {
  context_->set_proxy(std::make_shared<const net::ProxyRoute>(std::move(route)));
}

void Server::set_handlers(ServerHandlers handlers) {
  context_->set_handlers(std::move(handlers));
}

boost::asio::ip::tcp::endpoint Server::start() {
  const auto endpoint = acceptor_->listen(options_.address, options_.port);
  acceptor_->start();
  started_ = true;
  const std::uint32_t threads = context_->thread_count();
  std::string line = "listening on " + net::endpoint_text(endpoint) + " (" +
                     std::to_string(threads) + (threads == 1 ? " I/O thread" : " I/O threads");
  if (!options_.banner.empty()) line += ", " + options_.banner;
  line += ")";
  logger_.info(line);
  return endpoint;
}

boost::asio::ip::tcp::endpoint Server::local_endpoint() const {
  return acceptor_->local_endpoint();
}

void Server::run() {
  if (!started_) throw std::logic_error("wsx::Server::run() called before start()");
  for (std::uint32_t i = 1; i < context_->thread_count(); ++i) context_->thread(i).start_thread();
  context_->thread(0).run_here();
  for (std::uint32_t i = 1; i < context_->thread_count(); ++i) context_->thread(i).join();
}

void Server::stop() {
  if (context_->begin_stopping())
    begin_stop();
  else
    force_stop();
}

void Server::begin_stop() {
  // Counted before any thread begins to close its own: the count is of
  // every thread's connections (another thread's would otherwise be
  // leaving already while this line waits its turn on thread 0).
  const std::uint64_t open = context_->connection_count();
  logger_.info("shutting down: closing " + std::to_string(open) + " connection(s)");
  for (std::uint32_t i = 0; i < context_->thread_count(); ++i) {
    net::IoThread& thread = context_->thread(i);
    boost::asio::post(thread.io(), [this, &thread] {
      acceptor_->close(thread.index());
      thread.sessions().for_each([](net::Session& session) { session.shut_down(); });
      context_->maybe_finish(thread);
    });
  }
}

void Server::force_stop() {
  for (std::uint32_t i = 0; i < context_->thread_count(); ++i) {
    net::IoThread& thread = context_->thread(i);
    boost::asio::post(thread.io(), [this, &thread] {
      acceptor_->close(thread.index());
      thread.sessions().for_each([](net::Session& session) { session.abort(); });
      context_->maybe_finish(thread);
    });
  }
}

void Server::enable_signal_handling(ReloadSource reload_source) {
  reload_source_ = std::move(reload_source);
  signals_ = std::make_unique<net::SignalWatcher>(
      context_->thread(0).io(),
      net::SignalWatcher::Actions{[this] { stop(); }, [this] { handle_reload_signal(); }});
}

void Server::handle_reload_signal() {
  if (!reload_source_) {
    logger_.warning("SIGHUP ignored: this server has no configuration to reload");
    return;
  }
  logger_.info("SIGHUP: reloading the configuration");
  ReloadResult result;
  try {
    result = reload_source_();
  } catch (const std::exception& error) {
    result.ok = false;
    result.error = error.what();
  }
  if (!result.ok) {
    logger_.error("reload failed, keeping the current configuration: " + result.error);
    return;
  }
  // A plain listener stays plain (and a TLS one TLS): only the
  // certificate may change without a restart.
  if (result.tls && options_.tls) options_.tls = std::move(result.tls);
  reload(std::move(result.factories), result.limits);
  logger_.info(result.summary.empty() ? std::string("reloaded") : "reloaded: " + result.summary);
}

void Server::reload(core::FactoryList factories, const ServerLimits& limits) {
  auto settings = make_settings(std::move(factories), limits, options_.subprotocols, options_.tls);
  for (std::uint32_t i = 0; i < context_->thread_count(); ++i) {
    net::IoThread& thread = context_->thread(i);
    // Each thread swaps its own pointer: no lock on the handshake path.
    boost::asio::post(thread.io(), [&thread, settings] { thread.set_settings(settings); });
  }
}

SendResult Server::send(ConnectionHandle connection, MessageType type,
                        std::span<const std::uint8_t> payload) {
  if (connection.thread >= context_->thread_count()) return SendResult::not_open;
  net::IoThread& owner = context_->thread(connection.thread);
  if (owner.running_here()) {
    net::Session* session = owner.sessions().find({connection.slot, connection.generation});
    return session != nullptr ? session->send(type, payload) : SendResult::not_open;
  }
  boost::asio::post(owner.io(), [context = context_.get(), connection, type,
                                 copy = std::vector<std::uint8_t>(payload.begin(), payload.end())] {
    if (net::Session* session = context->find_local(connection)) session->send(type, copy);
  });
  return SendResult::posted;
}

SendResult Server::send_text(ConnectionHandle connection, std::string_view text) {
  return send(connection, MessageType::text,
              {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

SendResult Server::send_binary(ConnectionHandle connection, std::span<const std::uint8_t> bytes) {
  return send(connection, MessageType::binary, bytes);
}

SendResult Server::close(ConnectionHandle connection, std::uint16_t code, std::string_view reason) {
  if (!core::is_sendable_close_code(code))
    throw std::invalid_argument("close code " + std::to_string(code) +
                                " may not be sent in a Close frame (RFC 6455 section 7.4)");
  if (connection.thread >= context_->thread_count()) return SendResult::not_open;
  net::IoThread& owner = context_->thread(connection.thread);
  if (owner.running_here()) {
    net::Session* session = owner.sessions().find({connection.slot, connection.generation});
    return session != nullptr ? session->close(code, reason) : SendResult::not_open;
  }
  boost::asio::post(owner.io(),
                    [context = context_.get(), connection, code, copy = std::string(reason)] {
                      if (net::Session* session = context->find_local(connection))
                        session->close(code, copy);
                    });
  return SendResult::posted;
}

std::uint32_t Server::io_thread_count() const noexcept {
  return context_->thread_count();
}

std::optional<std::uint32_t> Server::current_thread() const noexcept {
  if (net::IoThread* thread = context_->current_thread()) return thread->index();
  return std::nullopt;
}

void Server::post(std::uint32_t thread, std::function<void()> fn) {
  if (thread >= context_->thread_count()) throw std::out_of_range("no such I/O thread");
  boost::asio::post(context_->thread(thread).io(), std::move(fn));
}

std::uint64_t Server::connection_count() const noexcept {
  return context_->connection_count();
}

}  // namespace wsx
