#include "metrics/prometheus_text.hpp"

#include <cstdio>
#include <map>
#include <utility>
#include <vector>

namespace wsx::metrics {

namespace {

using Labels = std::vector<std::pair<std::string_view, std::string>>;

std::string number_text(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.12g", value);
  return buffer;
}

// Appends one family at a time: HELP and TYPE once, then its samples.
class Writer {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(std::string_view name, const Labels& labels, std::uint64_t value) {
    sample_text(name, labels, std::to_string(value));
  }
  void sample(std::string_view name, const Labels& labels, double value) {
    sample_text(name, labels, number_text(value));
  }
  // A family with one unlabelled sample.
  void single(std::string_view name, std::string_view type, std::string_view help,
              std::uint64_t value) {
    family(name, type, help);
    sample(name, {}, value);
  }
  template <std::size_t Bounds>
  void histogram(std::string_view name, std::string_view help, const HistogramTotals<Bounds>& h,
                 unsigned first_bound_log2, double unit) {
    family(name, "histogram", help);
    std::uint64_t cumulative = 0;
    const std::string bucket = std::string(name) + "_bucket";
    for (std::size_t i = 0; i < h.buckets.size(); ++i) {
      cumulative += h.buckets[i];
      const std::string le =
          i + 1 == h.buckets.size()
              ? std::string("+Inf")
              : number_text(static_cast<double>(std::uint64_t{1} << (first_bound_log2 + 2 * i)) *
                            unit);
      sample(bucket, {{"le", le}}, cumulative);
    }
    sample(std::string(name) + "_sum", {}, static_cast<double>(h.sum) * unit);
    sample(std::string(name) + "_count", {}, h.count);
  }
  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  void sample_text(std::string_view name, const Labels& labels, const std::string& value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      bool first = true;
      for (const auto& [key, text] : labels) {
        if (!first) out_ += ',';
        first = false;
        out_ += key;
        out_ += "=\"";
        out_ += escape_label_value(text);
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }
  std::string out_;
};

void render_connections(Writer& w, const MetricsSnapshot& s) {
  w.single("wsx_io_threads", "gauge", "I/O threads of the server.", s.io_threads);
  w.single("wsx_sockets_open", "gauge",
           "Open client sockets, including those still in their opening handshake.",
           s.sockets_open);
  const std::uint64_t closed = s.connections_closed_total();
  w.single("wsx_connections_open", "gauge",
           "WebSocket connections opened (101 sent) whose close has not been reported yet.",
           s.connections_opened >= closed ? s.connections_opened - closed : 0);
  w.single("wsx_connections_opened_total", "counter",
           "WebSocket connections that reached OPEN (RFC 6455 section 4.2.2).",
           s.connections_opened);
  w.family("wsx_connections_closed_total", "counter",
           "WebSocket connections ended, by close code (1006: no Close frame, RFC 6455 section "
           "7.1.5; 3xxx and 4xxx: registered and private codes).");
  for (std::size_t i = 0; i < s.connections_closed.size(); ++i)
    w.sample("wsx_connections_closed_total", {{"code", std::string(close_code_label(i))}},
             s.connections_closed[i]);
  w.family("wsx_handshakes_total", "counter",
           "Opening handshakes by outcome: the HTTP status sent, timeout (no whole request in "
           "handshake_timeout) or tls_error (the TLS handshake failed).");
  for (std::size_t i = 0; i < s.handshakes.size(); ++i)
    w.sample("wsx_handshakes_total", {{"outcome", std::string(kHandshakeOutcomeLabels[i])}},
             s.handshakes[i]);
}

void render_extensions(Writer& w, const MetricsSnapshot& s) {
  w.family("wsx_extension_offers_total", "counter",
           "Extension offers in clients' Sec-WebSocket-Extensions by token and what became of "
           "them (the negotiation trace's outcome; token other: no loaded plugin provides it).");
  for (const TokenTotals& t : s.tokens)
    for (std::size_t i = 0; i < t.offers.size(); ++i)
      w.sample("wsx_extension_offers_total",
               {{"token", t.token}, {"outcome", std::string(kOfferOutcomeLabels[i])}}, t.offers[i]);

  struct DirectionField {
    const char* name;
    const char* help;
    std::uint64_t DirectionTotals::*field;
  };
  static constexpr DirectionField kFields[] = {
      {"wsx_extension_frames_total",
       "Frames (data and control) that passed an extension's encode or decode.",
       &DirectionTotals::frames},
      {"wsx_extension_input_bytes_total",
       "Payload bytes handed to an extension's encode or decode.", &DirectionTotals::bytes_in},
      {"wsx_extension_output_bytes_total",
       "Payload bytes an extension's encode or decode produced (output/input is the "
       "compression ratio of the direction).",
       &DirectionTotals::bytes_out},
      {"wsx_extension_timed_frames_total",
       "Frames whose plugin call was timed (one in 64) for wsx_extension_plugin_seconds_total.",
       &DirectionTotals::samples},
  };
  for (const DirectionField& field : kFields) {
    w.family(field.name, "counter", field.help);
    for (const TokenTotals& t : s.tokens) {
      w.sample(field.name, {{"token", t.token}, {"direction", "encode"}}, t.encode.*field.field);
      w.sample(field.name, {{"token", t.token}, {"direction", "decode"}}, t.decode.*field.field);
    }
  }
  w.family("wsx_extension_plugin_seconds_total", "counter",
           "Estimated time spent inside plugin encode/decode: one frame in 64 is timed (wall "
           "clock on the I/O thread) and the sum is scaled by 64.");
  for (const TokenTotals& t : s.tokens) {
    w.sample("wsx_extension_plugin_seconds_total", {{"token", t.token}, {"direction", "encode"}},
             t.encode.estimated_seconds());
    w.sample("wsx_extension_plugin_seconds_total", {{"token", t.token}, {"direction", "decode"}},
             t.decode.estimated_seconds());
  }
  w.family("wsx_extension_errors_total", "counter",
           "Frames an extension failed, by the close code the connection got.");
  for (const TokenTotals& t : s.tokens)
    for (std::size_t i = 0; i < t.errors.size(); ++i)
      w.sample("wsx_extension_errors_total",
               {{"token", t.token}, {"code", std::to_string(core::kExtensionErrorCodes[i])}},
               t.errors[i]);
}

void render_messages(Writer& w, const MetricsSnapshot& s) {
  w.single("wsx_messages_received_total", "counter",
           "Messages received from clients (after extension decoding).", s.messages_received);
  w.single("wsx_messages_sent_total", "counter", "Messages the application sent to clients.",
           s.messages_sent);
  w.single("wsx_received_bytes_total", "counter",
           "Bytes read from client sockets (TLS records included).", s.wire_bytes_received);
  w.single("wsx_sent_bytes_total", "counter",
           "Bytes written to client sockets (TLS records included).", s.wire_bytes_sent);
  w.histogram("wsx_received_message_size_bytes", "Size of received messages after decoding.",
              s.received_message_size, kMessageSizeFirstBoundLog2, 1.0);
  w.histogram("wsx_sent_message_size_bytes", "Size of sent messages before encoding.",
              s.sent_message_size, kMessageSizeFirstBoundLog2, 1.0);
  w.histogram("wsx_message_handling_seconds",
              "Time from a decoded message to the application's return (its sends and their "
              "encoding included); one message in 64 is timed.",
              s.message_latency, kLatencyFirstBoundLog2, 1e-9);
  w.single("wsx_send_queue_bytes", "gauge",
           "Bytes queued for clients that the kernel has not taken.", s.send_queue_bytes);
  w.single("wsx_slow_reader_closes_total", "counter",
           "Connections closed (1008) because their send queue reached max_send_queue.",
           s.slow_reader_closes);
}

void render_host(Writer& w, const HostReport& host) {
  w.family("wsx_build_info", "gauge", "Always 1; the labels say which wsx runs.");
  w.sample("wsx_build_info", {{"version", host.version}}, std::uint64_t{1});
  w.single("wsx_ready", "gauge", "1 when listening with plugins loaded and not draining.",
           host.ready ? 1 : 0);
  w.single("wsx_draining", "gauge", "1 once a graceful shutdown (SIGTERM) began.",
           host.draining ? 1 : 0);
  w.family("wsx_uptime_seconds", "gauge", "Seconds since the host started.");
  w.sample("wsx_uptime_seconds", {}, host.uptime_seconds);
  w.family("wsx_plugin_info", "gauge", "Always 1 per loaded plugin; labels name its version.");
  for (const PluginReport& p : host.plugins)
    w.sample("wsx_plugin_info",
             {{"plugin", p.name}, {"version", p.version}, {"abi", std::to_string(p.abi_version)}},
             std::uint64_t{1});
  w.family("wsx_plugin_loads_total", "counter",
           "Times each loaded plugin was loaded (at startup and by every reload since).");
  for (const PluginReport& p : host.plugins)
    w.sample("wsx_plugin_loads_total", {{"plugin", p.name}}, p.loads);
  w.family("wsx_reloads_total", "counter",
           "Configuration and plugin reloads (SIGHUP) by result; a failed one keeps the running "
           "plugins.");
  w.sample("wsx_reloads_total", {{"result", "ok"}}, host.reloads_succeeded);
  w.sample("wsx_reloads_total", {{"result", "failed"}}, host.reloads_failed);

  // Plugin-published metrics: one family per (name, type), in order of
  // first appearance, each sample labelled with its plugin.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const PluginMetricSample*>> families;
  for (const PluginMetricSample& m : host.plugin_metrics) {
    std::string name = "wsx_plugin_" + sanitize_metric_name(m.name);
    if (m.counter && !name.ends_with("_total")) name += "_total";
    auto [it, added] = families.try_emplace(name);
    if (added) order.push_back(name);
    it->second.push_back(&m);
  }
  for (const std::string& name : order) {
    const auto& samples = families[name];
    const std::string help = samples.front()->help.empty() ? std::string("Published by a plugin.")
                                                           : samples.front()->help;
    w.family(name, samples.front()->counter ? "counter" : "gauge", help);
    for (const PluginMetricSample* m : samples) w.sample(name, {{"plugin", m->plugin}}, m->value);
  }
}

}  // namespace

std::string escape_label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string sanitize_metric_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) c = '_';
  }
  return out;
}

std::string render_prometheus(const MetricsSnapshot& snapshot, const HostReport& host) {
  Writer w;
  render_host(w, host);
  render_connections(w, snapshot);
  render_extensions(w, snapshot);
  render_messages(w, snapshot);
  return w.take();
}

}  // namespace wsx::metrics
