#include "corpus.hpp"

#include <array>
#include <cstdio>
#include <string_view>

#include "rng.hpp"

namespace wsx::bench {

namespace {

constexpr std::array<std::string_view, 96> kWords{
    "alpha",   "bravo",    "delta",   "orbit",     "signal",   "vector",  "packet", "socket",
    "stream",  "window",   "buffer",  "cluster",   "replica",  "shard",   "queue",  "ticket",
    "market",  "ledger",   "invoice", "payment",   "refund",   "basket",  "cart",   "order",
    "station", "sensor",   "reading", "battery",   "voltage",  "thermal", "pump",   "valve",
    "river",   "harbor",   "bridge",  "tunnel",    "summit",   "valley",  "meadow", "forest",
    "quiet",   "rapid",    "steady",  "bright",    "silent",   "gentle",  "urgent", "stale",
    "the",     "a",        "of",      "to",        "and",      "in",      "is",     "for",
    "on",      "with",     "at",      "by",        "from",     "up",      "about",  "into",
    "ok",      "thanks",   "see",     "you",       "soon",     "later",   "maybe",  "sure",
    "meeting", "deadline", "review",  "deploy",    "rollback", "release", "build",  "test",
    "café",    "Zürich",   "naïve",   "São Paulo", "東京",     "Köln",    "señor",  "piñata",
    "Ελλάδα",  "Москва",   "niño",    "crème",     "smörgås",  "façade",  "🙂",   "✓"};

constexpr std::array<std::string_view, 24> kNames{
    "ana",   "bo",    "chen",  "dmitri", "eva",   "farid", "greta", "hiro",
    "ines",  "jonas", "kemal", "lea",    "mateo", "nadia", "oskar", "priya",
    "quinn", "rosa",  "sven",  "tariq",  "ula",   "vera",  "wen",   "yusuf"};

constexpr std::array<std::string_view, 12> kSymbols{"BTC-USD", "ETH-USD", "EUR-USD", "AAPL",
                                                    "MSFT",    "TSLA",    "GBP-JPY", "XAU-USD",
                                                    "SOL-EUR", "NVDA",    "AMZN",    "DOGE-USD"};

template <std::size_t N>
std::string_view pick(Rng& rng, const std::array<std::string_view, N>& items) {
  return items[rng.below(N)];
}

// Appends small pieces of JSON; the output is well-formed by construction.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void open() {
    out_ += '{';
    first_ = true;
  }
  void close() {
    out_ += '}';
    first_ = false;
  }
  void key(std::string_view name) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += name;
    out_ += "\":";
  }
  void string(std::string_view name, std::string_view value) {
    key(name);
    out_ += '"';
    out_ += value;
    out_ += '"';
  }
  void integer(std::string_view name, std::uint64_t value) {
    key(name);
    out_ += std::to_string(value);
  }
  void decimal(std::string_view name, std::uint64_t units, int places) {
    key(name);
    char text[32];
    std::uint64_t scale = 1;
    for (int i = 0; i < places; ++i) scale *= 10;
    std::snprintf(text, sizeof text, "%llu.%0*llu", static_cast<unsigned long long>(units / scale),
                  places, static_cast<unsigned long long>(units % scale));
    out_ += text;
  }
  void boolean(std::string_view name, bool value) {
    key(name);
    out_ += value ? "true" : "false";
  }
  // A nested object or array starts a new member list.
  void begin_object(std::string_view name) {
    key(name);
    open();
  }
  void begin_array(std::string_view name) {
    key(name);
    out_ += '[';
    first_ = true;
  }
  void end_array() {
    out_ += ']';
    first_ = false;
  }
  void element(std::string_view quoted) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += quoted;
    out_ += '"';
  }

 private:
  std::string& out_;
  bool first_ = true;
};

// ISO 8601 with milliseconds, within one day of 2026-12-02.
std::string timestamp(Rng& rng, std::uint64_t sequence) {
  const std::uint64_t ms = (sequence * 137 + rng.below(86'400'000)) % 86'400'000;
  char text[40];
  std::snprintf(text, sizeof text, "2026-12-02T%02llu:%02llu:%02llu.%03lluZ",
                static_cast<unsigned long long>(ms / 3'600'000),
                static_cast<unsigned long long>(ms / 60'000 % 60),
                static_cast<unsigned long long>(ms / 1000 % 60),
                static_cast<unsigned long long>(ms % 1000));
  return text;
}

std::string sentence(Rng& rng, std::size_t min_bytes) {
  std::string text;
  // Bounded: every word adds at least two bytes.
  while (text.size() < min_bytes) {
    if (!text.empty()) text += ' ';
    text += pick(rng, kWords);
  }
  return text;
}

std::string hex_id(Rng& rng, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < digits; ++i) id += kHex[rng.below(16)];
  return id;
}

void trade(JsonWriter& json, Rng& rng, std::uint64_t sequence) {
  json.string("type", "trade");
  json.integer("seq", sequence);
  json.string("ts", timestamp(rng, sequence));
  json.string("symbol", pick(rng, kSymbols));
  json.decimal("price", rng.between(100, 9'999'999), 2);
  json.decimal("qty", rng.between(1, 500'000), 4);
  json.string("side", rng.chance(50) ? "buy" : "sell");
  json.string("trade_id", hex_id(rng, 16));
  json.begin_object("maker");
  json.string("account", std::string(pick(rng, kNames)) + "-" + std::to_string(rng.below(9999)));
  json.boolean("post_only", rng.chance(30));
  json.close();
}

void chat(JsonWriter& json, Rng& rng, std::uint64_t sequence) {
  json.string("type", "chat");
  json.integer("id", 1'000'000 + sequence);
  json.string("ts", timestamp(rng, sequence));
  json.string("room", std::string("#") + std::string(pick(rng, kWords)) + "-" +
                          std::to_string(rng.below(64)));
  json.begin_object("user");
  json.integer("id", rng.below(5'000'000));
  json.string("name", pick(rng, kNames));
  json.string("role", rng.chance(10) ? "moderator" : "member");
  json.close();
  json.string("text", sentence(rng, rng.between(20, 220)));
}

void metrics(JsonWriter& json, Rng& rng, std::uint64_t sequence) {
  json.string("type", "metrics");
  json.string("host", "node-" + std::to_string(rng.below(256)));
  json.integer("ts", 1'796'000'000'000ull + sequence * 250 + rng.below(250));
  json.decimal("cpu", rng.below(10'000), 4);
  json.integer("mem_kb", rng.between(100'000, 64'000'000));
  json.decimal("load1", rng.below(3200), 2);
  json.begin_array("disks");
  const std::uint64_t disks = rng.between(1, 4);
  for (std::uint64_t i = 0; i < disks; ++i)
    json.element("sd" + std::string(1, static_cast<char>('a' + i)) + ":" +
                 std::to_string(rng.below(100)) + "%");
  json.end_array();
  json.boolean("healthy", rng.chance(95));
}

void presence(JsonWriter& json, Rng& rng, std::uint64_t sequence) {
  json.string("type", "presence");
  json.string("ts", timestamp(rng, sequence));
  json.string("user", std::string(pick(rng, kNames)) + std::to_string(rng.below(1000)));
  json.string("status", rng.chance(60) ? "online" : (rng.chance(50) ? "away" : "busy"));
  json.string("device", rng.chance(50) ? "mobile" : "desktop");
  json.string("city", pick(rng, kWords));
  json.integer("session", rng.next() >> 12);
}

void order_update(JsonWriter& json, Rng& rng, std::uint64_t sequence) {
  json.string("type", "order.updated");
  json.string("order_id", "ord_" + hex_id(rng, 20));
  json.string("ts", timestamp(rng, sequence));
  json.string("state", rng.chance(50) ? "shipped" : "paid");
  json.begin_array("items");
  const std::uint64_t items = rng.between(1, 3);
  for (std::uint64_t i = 0; i < items; ++i)
    json.element(std::string(pick(rng, kWords)) + " x" + std::to_string(rng.between(1, 9)));
  json.end_array();
  json.decimal("total", rng.between(100, 2'500'000), 2);
  json.string("currency", rng.chance(50) ? "EUR" : "USD");
  json.string("note", sentence(rng, rng.between(0, 120)));
}

}  // namespace

std::string make_text_message(std::uint64_t seed, std::uint64_t sequence) {
  Rng rng(derive_seed(seed, sequence));
  std::string out;
  out.reserve(512);
  JsonWriter json(out);
  json.open();
  switch (rng.below(5)) {
    case 0:
      trade(json, rng, sequence);
      break;
    case 1:
      chat(json, rng, sequence);
      break;
    case 2:
      metrics(json, rng, sequence);
      break;
    case 3:
      presence(json, rng, sequence);
      break;
    default:
      order_update(json, rng, sequence);
      break;
  }
  // Where the event came from, and an optional trailer of metadata that
  // varies the length further.
  static constexpr std::array<std::string_view, 4> kRegions{"eu-west", "us-east", "ap-south",
                                                            "sa-east"};
  json.string("src",
              "gw-" + std::to_string(rng.below(32)) + "." + std::string(pick(rng, kRegions)));
  if (rng.chance(55)) {
    json.begin_object("meta");
    json.string("trace", hex_id(rng, 32));
    json.integer("attempt", rng.between(1, 3));
    json.close();
  }
  json.close();
  return out;
}

std::vector<std::string> make_text_corpus(std::uint64_t seed, std::size_t count) {
  std::vector<std::string> messages;
  messages.reserve(count);
  for (std::size_t i = 0; i < count; ++i) messages.push_back(make_text_message(seed, i));
  return messages;
}

std::vector<std::uint8_t> make_binary_payload(std::uint64_t seed, std::size_t size) {
  constexpr std::size_t kBlock = 512;
  Rng rng(seed);
  std::vector<std::uint8_t> out;
  out.reserve(size);
  // Each pass appends at most one block, and at least one byte while size > 0.
  while (out.size() < size) {
    const std::size_t block = std::min(kBlock, size - out.size());
    switch (rng.below(4)) {
      case 0:  // incompressible
        for (std::size_t i = 0; i < block; ++i)
          out.push_back(static_cast<std::uint8_t>(rng.next()));
        break;
      case 1: {  // text
        const std::string text = sentence(rng, block);
        out.insert(out.end(), text.begin(), text.begin() + static_cast<std::ptrdiff_t>(block));
        break;
      }
      case 2:  // a 16-symbol alphabet: about 4 bits of entropy per byte
        for (std::size_t i = 0; i < block; ++i)
          out.push_back(static_cast<std::uint8_t>(0x40 + rng.below(16)));
        break;
      default: {  // a near-repeat of an earlier block, within a 32 KiB window
        const std::size_t start = out.size();
        if (start < kBlock) {
          out.insert(out.end(), block, 0);
          break;
        }
        const std::size_t back = rng.between(kBlock, std::min<std::size_t>(start, 32 * 1024));
        for (std::size_t i = 0; i < block; ++i) {
          const std::uint8_t byte = out[start - back + i];
          out.push_back(rng.chance(3) ? static_cast<std::uint8_t>(rng.next()) : byte);
        }
        break;
      }
    }
  }
  return out;
}

std::vector<std::span<const std::uint8_t>> as_byte_spans(const std::vector<std::string>& messages) {
  std::vector<std::span<const std::uint8_t>> spans;
  spans.reserve(messages.size());
  for (const std::string& message : messages)
    spans.emplace_back(reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
  return spans;
}

std::vector<std::span<const std::uint8_t>> as_byte_spans(
    const std::vector<std::vector<std::uint8_t>>& payloads) {
  std::vector<std::span<const std::uint8_t>> spans;
  spans.reserve(payloads.size());
  for (const std::vector<std::uint8_t>& payload : payloads) spans.emplace_back(payload);
  return spans;
}

}  // namespace wsx::bench
