// wsx::Server: the embedding API. A WebSocket server (RFC 6455) whose
// extensions come from extension factories (usually loaded plugins), with
// the application supplied as three callbacks.
//
//   wsx::Logger logger(wsx::LogLevel::info, sink);
//   wsx::Server server(options, plugin_set.server_factories(), logger);
//   server.set_handlers({
//       .on_message = [&](wsx::ConnectionHandle c, wsx::MessageType type,
//                         std::span<const std::uint8_t> payload) {
//         server.send(c, type, payload);  // echo
//       }});
//   server.start();   // binds; server.local_endpoint() tells the port
//   server.run();     // blocks until stop() (or SIGINT/SIGTERM) completes
//
// THREADING. The server runs `io_threads` I/O threads, each with its own
// io_context; a connection belongs to one of them for its whole life
// (ConnectionHandle::thread) and all of its callbacks run there. Callbacks of
// different connections may run at the same time on different threads, so
// state shared between connections needs its own synchronisation (or, as the
// broadcast app does, one copy per thread plus post()).
//  - send() and close() are meant to be called on the connection's own
//    thread, typically from its callbacks: they then act at once, without a
//    lock. Called from any other thread they copy the payload and post the
//    operation to the owner thread (result SendResult::posted).
//  - post(), stop(), reload() and connection_count() may be called from any
//    thread. set_handlers(), start() and enable_signal_handling() come before
//    run().
//  - Callbacks never run inside send()/close()/post(): a connection closed by
//    send() (too slow) reports on_close later, from the event loop, so an
//    application may iterate its own connection lists while sending.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <chrono>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/extensions/extension_factory.hpp"
#include "log/log.hpp"
#include "metrics/metrics_snapshot.hpp"
#include "net/connection_handle.hpp"
#include "net/proxy_route.hpp"
#include "net/server_handlers.hpp"
#include "net/server_options.hpp"

namespace wsx {

namespace net {
class ServerContext;
class Acceptor;
class SignalWatcher;
}  // namespace net

// What a reload (SIGHUP) produces: the new extension factories and limits,
// or why they could not be had (the server then keeps the old ones).
struct ReloadResult {
  bool ok = false;
  // When !ok: the message to log, e.g. "wsx.toml:3:7: unknown key ...".
  std::string error;
  core::FactoryList factories;
  ServerLimits limits;
  // Set: the new TLS context (a TLS listener only; a plain one ignores it).
  TlsContextPtr tls;
  // Logged on success, e.g. "plugins: permessage-deflate 1.0.0".
  std::string summary;
};

// Re-reads the configuration and plugins (wsx-host: the TOML file). Called
// on I/O thread 0; it may block briefly (file I/O, dlopen).
using ReloadSource = std::function<ReloadResult()>;

class Server {
 public:
  // `factories`: the server-role extension factories, in negotiation order
  // (loader::PluginSet::server_factories()). `logger` must outlive the
  // server. Creates the I/O threads' contexts; nothing listens yet.
  Server(ServerOptions options, core::FactoryList factories, const Logger& logger);
  // Drops every connection still open without a closing handshake (use
  // stop() and let run() return first to close them gracefully). Must not
  // run while run() is still executing on another thread.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Installs the application. Call before start().
  void set_handlers(ServerHandlers handlers);
  // Makes this server a proxy (net/proxy_route.hpp): every accepted client
  // handshake opens one upstream WebSocket and is answered with the
  // upstream's outcome; messages and closes pass between the two, and the
  // handlers' on_message is not called. Before start().
  void set_proxy(net::ProxyRoute route);

  // Resolves and binds options.address:port and listens. Logs
  // "listening on ADDR:PORT (N I/O thread(s), <banner>)" at info level and
  // returns the bound endpoint (so port 0 yields the real port). Throws
  // boost::system::system_error if the address cannot be bound.
  boost::asio::ip::tcp::endpoint start();

  // The bound endpoint (after start()).
  [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;

  // Runs the server on the calling thread (as I/O thread 0) plus
  // io_threads-1 threads of its own. Returns once stop() has finished: every
  // connection closed and every thread joined. Call once, after start().
  void run();

  // Graceful shutdown, callable from any thread: stop accepting, send Close
  // 1001 "going away" to every open connection (RFC 6455 section 7.4.1),
  // drop connections still in their handshake, wait for the peers' Close
  // frames (each bounded by limits.close_timeout), then let run() return.
  // A second call drops whatever is left at once.
  void stop();

  // Watches SIGINT/SIGTERM (-> stop(); a second one forces) and SIGHUP (->
  // `reload_source`, then reload(); an error is logged and the server goes
  // on with what it has). Call before run().
  void enable_signal_handling(ReloadSource reload_source);

  // Replaces the extension factories and limits, from any thread. New
  // connections use the new ones; open connections keep the extensions
  // they negotiated (their chains hold the old factories, so the old
  // plugin libraries stay loaded until the last such connection ends).
  // Message and frame size limits of open connections are kept; timeouts,
  // max_send_queue and max_connections apply to every connection from the
  // next check on.
  void reload(core::FactoryList factories, const ServerLimits& limits);

  // --- Per-connection operations (see THREADING above) --------------------

  // Sends one message through the connection's extension chain; fragmented
  // into frames of limits.max_frame_size (RFC 6455 section 5.4). Text must
  // be valid UTF-8 (the caller's promise; section 5.6).
  SendResult send(ConnectionHandle connection, MessageType type,
                  std::span<const std::uint8_t> payload);
  SendResult send_text(ConnectionHandle connection, std::string_view text);
  SendResult send_binary(ConnectionHandle connection, std::span<const std::uint8_t> bytes);

  // Starts the closing handshake (RFC 6455 section 7.1.2) with `code` and
  // `reason` (cut to 123 bytes on a UTF-8 boundary). `code` must be one a
  // Close frame may carry (1000-1003, 1007-1014, 3000-4999), else
  // std::invalid_argument is thrown. on_close follows once the peer answered
  // or close_timeout passed.
  SendResult close(ConnectionHandle connection, std::uint16_t code = 1000,
                   std::string_view reason = {});

  // --- Threads ------------------------------------------------------------

  [[nodiscard]] std::uint32_t io_thread_count() const noexcept;
  // The index of the I/O thread calling this, or nullopt on any other thread.
  [[nodiscard]] std::optional<std::uint32_t> current_thread() const noexcept;
  // Runs `fn` on I/O thread `thread` (from any thread). Dropped without a
  // call if the server has finished running.
  void post(std::uint32_t thread, std::function<void()> fn);

  // Open sockets, including ones still in their handshake (any thread).
  [[nodiscard]] std::uint64_t connection_count() const noexcept;

  // --- Metrics (any thread; net/server_metrics.cpp) ------------------------

  // Every I/O thread's counters, summed. The gauges only a thread can see
  // (its open sockets, their send queues) are refreshed on each running
  // thread first, through post(); a thread that does not answer within
  // `gauge_wait` contributes its last values (counters are always current).
  [[nodiscard]] metrics::MetricsSnapshot metrics_snapshot(
      std::chrono::milliseconds gauge_wait = std::chrono::milliseconds{200});
  // True once stop() began (SIGTERM): the server is draining.
  [[nodiscard]] bool stopping() const noexcept;

 private:
  void begin_stop();
  void force_stop();
  void handle_reload_signal();

  ServerOptions options_;
  const Logger& logger_;
  ReloadSource reload_source_;
  std::unique_ptr<net::ServerContext> context_;
  std::unique_ptr<net::Acceptor> acceptor_;
  std::unique_ptr<net::SignalWatcher> signals_;
  bool started_ = false;
};

}  // namespace wsx
