#include "metrics/status_json.hpp"

#include <cmath>
#include <cstdio>
#include <string_view>

namespace wsx::metrics {

namespace {

// A JSON string (RFC 8259 section 7): quotes, backslashes and control
// characters escaped; other bytes as they are (names are UTF-8 or ASCII).
void append_string(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", byte);
      out += buffer;
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) value = 0;  // JSON has no NaN or infinity
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  out += buffer;
}

class Object {
 public:
  explicit Object(std::string& out) : out_(out) { out_ += '{'; }
  ~Object() { out_ += '}'; }
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  std::string& key(std::string_view name) {
    if (!first_) out_ += ',';
    first_ = false;
    append_string(out_, name);
    out_ += ':';
    return out_;
  }
  void field(std::string_view name, std::uint64_t value) { key(name) += std::to_string(value); }
  void field(std::string_view name, double value) { append_number(key(name), value); }
  void field(std::string_view name, bool value) { key(name) += value ? "true" : "false"; }
  void field(std::string_view name, std::string_view value) { append_string(key(name), value); }

 private:
  std::string& out_;
  bool first_ = true;
};

void append_direction(std::string& out, const DirectionTotals& d) {
  Object o(out);
  o.field("frames", d.frames);
  o.field("bytes_in", d.bytes_in);
  o.field("bytes_out", d.bytes_out);
  o.field("seconds", d.estimated_seconds());
}

void append_extensions(std::string& out, const MetricsSnapshot& s) {
  out += '[';
  bool first = true;
  for (const TokenTotals& t : s.tokens) {
    if (!first) out += ',';
    first = false;
    Object o(out);
    o.field("token", std::string_view(t.token));
    o.field("offers_seen", t.offers_seen());
    {
      Object offers(o.key("offers"));
      for (std::size_t i = 0; i < t.offers.size(); ++i)
        offers.field(kOfferOutcomeLabels[i], t.offers[i]);
    }
    append_direction(o.key("encode"), t.encode);
    append_direction(o.key("decode"), t.decode);
    std::uint64_t errors = 0;
    for (std::uint64_t e : t.errors) errors += e;
    o.field("errors", errors);
  }
  out += ']';
}

}  // namespace

std::string render_status_json(const MetricsSnapshot& s, const HostReport& host) {
  std::string out;
  {
    Object o(out);
    o.field("version", std::string_view(host.version));
    o.field("ready", host.ready);
    o.field("draining", host.draining);
    o.field("uptime_seconds", host.uptime_seconds);
    o.field("io_threads", std::uint64_t{s.io_threads});
    o.field("sockets_open", s.sockets_open);
    const std::uint64_t closed = s.connections_closed_total();
    o.field("connections_open", s.connections_opened >= closed ? s.connections_opened - closed : 0);
    o.field("connections_opened", s.connections_opened);
    o.field("connections_closed", closed);
    o.field("handshakes_total", s.handshakes_total());
    {
      Object handshakes(o.key("handshakes"));
      for (std::size_t i = 0; i < s.handshakes.size(); ++i)
        handshakes.field(kHandshakeOutcomeLabels[i], s.handshakes[i]);
    }
    o.field("messages_received", s.messages_received);
    o.field("messages_sent", s.messages_sent);
    o.field("wire_bytes_received", s.wire_bytes_received);
    o.field("wire_bytes_sent", s.wire_bytes_sent);
    o.field("send_queue_bytes", s.send_queue_bytes);
    o.field("slow_reader_closes", s.slow_reader_closes);
    append_extensions(o.key("extensions"), s);
    std::string& plugins = o.key("plugins");
    plugins += '[';
    for (std::size_t i = 0; i < host.plugins.size(); ++i) {
      if (i != 0) plugins += ',';
      Object p(plugins);
      p.field("name", std::string_view(host.plugins[i].name));
      p.field("version", std::string_view(host.plugins[i].version));
      p.field("loads", host.plugins[i].loads);
    }
    plugins += ']';
    std::string& published = o.key("plugin_metrics");
    published += '[';
    for (std::size_t i = 0; i < host.plugin_metrics.size(); ++i) {
      if (i != 0) published += ',';
      Object m(published);
      m.field("plugin", std::string_view(host.plugin_metrics[i].plugin));
      m.field("name", std::string_view(host.plugin_metrics[i].name));
      m.field("value", host.plugin_metrics[i].value);
    }
    published += ']';
  }
  return out;
}

}  // namespace wsx::metrics
