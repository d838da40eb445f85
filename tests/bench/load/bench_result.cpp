#include "bench_result.hpp"

#include <cmath>
#include <cstdio>

namespace wsx::bench {

namespace {

void append_string(std::string& out, std::string_view value) {
  out += '"';
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += ch;
    }
  }
  out += '"';
}

void append_number(std::string& out, double value, int decimals) {
  if (!std::isfinite(value)) value = 0;
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  out += text;
}

double per_second(double amount, double seconds) {
  return seconds > 0 ? amount / seconds : 0;
}

}  // namespace

std::string to_json_line(const BenchResult& r) {
  std::string out = "{\"scenario\":";
  append_string(out, to_string(r.scenario));
  out += ",\"connections\":" + std::to_string(r.connections);
  out += std::string(",\"deflate\":") + (r.deflate ? "true" : "false");
  out += ",\"offered\":";
  append_string(out, r.offered);
  out += ",\"negotiated\":";
  append_string(out, r.negotiated);
  out += ",\"tls\":";
  append_string(out, r.tls);
  out += ",\"messages\":" + std::to_string(r.messages);
  out += ",\"bytes\":" + std::to_string(r.payload_bytes);
  out += ",\"seconds\":";
  append_number(out, r.seconds, 3);
  out += ",\"msgs_per_s\":";
  append_number(out, per_second(static_cast<double>(r.messages), r.seconds), 1);
  out += ",\"mb_per_s\":";
  append_number(out, per_second(static_cast<double>(r.payload_bytes) / 1e6, r.seconds), 2);
  out += ",\"p50_us\":";
  append_number(out, r.latency.quantile_ns(0.50) / 1000.0, 1);
  out += ",\"p99_us\":";
  append_number(out, r.latency.quantile_ns(0.99) / 1000.0, 1);
  out += ",\"p999_us\":";
  append_number(out, r.latency.quantile_ns(0.999) / 1000.0, 1);
  out += ",\"max_us\":";
  append_number(out, static_cast<double>(r.latency.max_ns()) / 1000.0, 1);
  out += ",\"handshakes\":" + std::to_string(r.handshakes);
  out += ",\"handshakes_per_s\":";
  append_number(out, per_second(static_cast<double>(r.handshakes), r.handshake_seconds), 1);
  out += ",\"ready\":" + std::to_string(r.ready);
  out += ",\"ratio\":";
  append_number(out, r.compression_ratio, 4);
  out += ",\"errors\":" + std::to_string(r.errors);
  out += '}';
  return out;
}

}  // namespace wsx::bench
