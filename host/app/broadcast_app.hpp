// The broadcast application: every message goes to every connection opened
// on the same request path ("/chat", query ignored), the sender included.
//
// No lock on the message path: each I/O thread keeps the members of its own
// connections, and a message reaches the other threads' members through one
// post() per thread, sharing a single copy of the payload. A member that
// cannot keep up is closed by the server with 1008 (SendResult::too_slow)
// instead of being buffered without limit.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/server.hpp"

namespace wsx::app {

class BroadcastApp {
 public:
  // `server` must outlive the app; the app must outlive the server's run().
  explicit BroadcastApp(Server& server);
  BroadcastApp(const BroadcastApp&) = delete;
  BroadcastApp& operator=(const BroadcastApp&) = delete;

  // The callbacks to install with Server::set_handlers().
  [[nodiscard]] ServerHandlers handlers();

  // Members of `path` owned by I/O thread `thread`. Call on that thread.
  [[nodiscard]] std::size_t local_members(std::uint32_t thread, const std::string& path) const;

 private:
  // Touched only by its own I/O thread.
  struct ThreadState {
    std::unordered_map<std::string, std::vector<ConnectionHandle>> members_by_path;
    std::unordered_map<ConnectionHandle, std::string> path_of;
  };

  void join(ConnectionHandle connection, std::string_view path);
  void leave(ConnectionHandle connection);
  void broadcast(ConnectionHandle sender, MessageType type, std::span<const std::uint8_t> payload);
  void deliver(std::uint32_t thread, const std::string& path, MessageType type,
               std::span<const std::uint8_t> payload);

  Server& server_;
  std::vector<ThreadState> threads_;
};

}  // namespace wsx::app
