#include "app/broadcast_app.hpp"

#include <algorithm>
#include <utility>

namespace wsx::app {

BroadcastApp::BroadcastApp(Server& server) : server_(server), threads_(server.io_thread_count()) {}

ServerHandlers BroadcastApp::handlers() {
  ServerHandlers handlers;
  handlers.on_open = [this](ConnectionHandle connection, const ConnectionInfo& info) {
    join(connection, info.path);
  };
  handlers.on_message = [this](ConnectionHandle connection, MessageType type,
                               std::span<const std::uint8_t> payload) {
    broadcast(connection, type, payload);
  };
  handlers.on_close = [this](ConnectionHandle connection, std::uint16_t, std::string_view) {
    leave(connection);
  };
  return handlers;
}

std::size_t BroadcastApp::local_members(std::uint32_t thread, const std::string& path) const {
  const auto& members = threads_.at(thread).members_by_path;
  const auto found = members.find(path);
  return found == members.end() ? 0 : found->second.size();
}

void BroadcastApp::join(ConnectionHandle connection, std::string_view path) {
  ThreadState& state = threads_[connection.thread];
  state.members_by_path[std::string(path)].push_back(connection);
  state.path_of.emplace(connection, std::string(path));
}

void BroadcastApp::leave(ConnectionHandle connection) {
  ThreadState& state = threads_[connection.thread];
  const auto found = state.path_of.find(connection);
  if (found == state.path_of.end()) return;
  const auto members = state.members_by_path.find(found->second);
  if (members != state.members_by_path.end()) {
    std::erase(members->second, connection);
    if (members->second.empty()) state.members_by_path.erase(members);
  }
  state.path_of.erase(found);
}

void BroadcastApp::broadcast(ConnectionHandle sender, MessageType type,
                             std::span<const std::uint8_t> payload) {
  const ThreadState& state = threads_[sender.thread];
  const auto found = state.path_of.find(sender);
  if (found == state.path_of.end()) return;
  const std::string& path = found->second;
  deliver(sender.thread, path, type, payload);

  const std::uint32_t thread_count = static_cast<std::uint32_t>(threads_.size());
  if (thread_count == 1) return;
  // One copy of the payload shared by every other thread's delivery.
  auto shared = std::make_shared<const std::vector<std::uint8_t>>(payload.begin(), payload.end());
  for (std::uint32_t thread = 0; thread < thread_count; ++thread) {
    if (thread == sender.thread) continue;
    server_.post(thread,
                 [this, thread, path, type, shared] { deliver(thread, path, type, *shared); });
  }
}

void BroadcastApp::deliver(std::uint32_t thread, const std::string& path, MessageType type,
                           std::span<const std::uint8_t> payload) {
  const ThreadState& state = threads_[thread];
  const auto members = state.members_by_path.find(path);
  if (members == state.members_by_path.end()) return;
  // Server::send never calls back into the app, so the list cannot change
  // under this loop; a member that is too slow is closed by the server and
  // leaves through on_close later.
  for (const ConnectionHandle member : members->second) server_.send(member, type, payload);
}

}  // namespace wsx::app
