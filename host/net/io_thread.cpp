#include "net/io_thread.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <string>
#include <utility>

#include "core/extensions/thread_contexts.hpp"
#include "net/session.hpp"

namespace wsx::net {

IoThread::IoThread(std::uint32_t index, std::uint32_t thread_count, std::chrono::milliseconds tick,
                   std::shared_ptr<const ServerSettings> settings, const Logger& logger,
                   metrics::TokenTable& tokens)
    : index_(index),
      logger_(logger),
      // Hint 1: exactly one thread runs this context, so Asio may skip
      // some internal locking.
      io_(1),
      executor_(io_.get_executor()),
      work_(std::in_place, io_.get_executor()),
      read_buffer_(std::make_unique_for_overwrite<std::uint8_t[]>(kReadBufferSize)),
      wheel_(io_, tick),
      poller_(io_, *this, logger),
      settings_(std::move(settings)),
      thread_count_(thread_count),
      tokens_(tokens),
      metrics_(std::make_unique<metrics::ThreadMetrics>()) {
  poller_.start();
}

IoThread::~IoThread() {
  join();
  // Connections still here (the server is destroyed without a graceful stop)
  // are dropped before the io_context they are registered with goes away.
  sessions_.clear();
}

const core::FactoryList& IoThread::factories() {
  if (!factories_bound_) {
    core::ThreadBinding binding =
        core::bind_thread_contexts(settings_->factories, index_, thread_count_, factories_);
    for (const std::string& problem : binding.problems) logger_.warning(problem);
    factories_ = std::move(binding.factories);
    factories_bound_ = true;
    token_slots_.clear();
    for (const auto& factory : factories_)
      token_slots_.emplace_back(factory->token, tokens_.slot_of(factory->token));
  }
  return factories_;
}

std::size_t IoThread::token_slot(std::string_view token) const noexcept {
  for (const auto& [name, slot] : token_slots_) {
    if (name.size() == token.size() &&
        std::equal(name.begin(), name.end(), token.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        }))
      return slot;
  }
  return 0;
}

void IoThread::refresh_gauges() noexcept {
  std::uint64_t queued = 0;
  sessions_.for_each([&](Session& session) { queued += session.queued_bytes(); });
  metrics_->sockets_open.set(sessions_.size());
  metrics_->send_queue_bytes.set(queued);
}

void IoThread::start_thread() {
  thread_ = std::thread([this] { run_here(); });
}

void IoThread::run_here() {
  // Sessions catch their own errors; this is the last line of defence so
  // that one failing handler cannot take the thread (and its connections)
  // down. Each pass runs at least one handler, so the loop makes progress.
  for (;;) {
    try {
      io_.run();
      return;
    } catch (const std::exception& error) {
      logger_.error("I/O thread " + std::to_string(index_) + ": " + error.what());
    } catch (...) {
      logger_.error("I/O thread " + std::to_string(index_) + ": unknown exception");
    }
  }
}

void IoThread::join() {
  if (thread_.joinable()) thread_.join();
}

void IoThread::finish() noexcept {
  wheel_.shutdown();
  poller_.stop();
  work_.reset();
}

void IoThread::on_ready(ReadinessPoller::Token token, std::uint32_t events) {
  if (Session::is_upstream_token(token)) {
    if (Session* session = sessions_.find(Session::key_from_upstream_token(token)))
      session->on_upstream_events(events);
    return;
  }
  if (Session* session = sessions_.find(Session::key_from_token(token)))
    session->on_socket_events(events);
}

std::span<std::uint8_t> IoThread::tls_staging() {
  if (!tls_staging_)
    tls_staging_ = std::make_unique_for_overwrite<std::uint8_t[]>(TlsStream::kMaxRecordPlaintext);
  return {tls_staging_.get(), TlsStream::kMaxRecordPlaintext};
}

}  // namespace wsx::net
