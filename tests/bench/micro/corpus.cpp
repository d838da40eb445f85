#include "corpus.hpp"

#include <array>

namespace wsx::bench {

namespace {

constexpr std::array<std::string_view, 32> ascii_words{
    "the",     "market", "opened", "higher", "after",   "quiet",  "night",  "traders",
    "watched", "rates",  "while",  "orders", "queued",  "on",     "the",    "book",
    "meeting", "moved",  "to",     "friday", "please",  "review", "notes",  "before",
    "lunch",   "ship",   "it",     "today",  "thanks!", "ok",     "great,", "see you"};

// Each takes 2-4 bytes per character except the ASCII punctuation.
constexpr std::array<std::string_view, 24> multibyte_words{
    "привет", "сегодня", "встреча", "данные", "рынок", "γεια", "σήμερα", "αγορά",
    "日本語", "東京",    "会議",    "明日",   "数据",  "市场", "你好",   "안녕하세요",
    "café",   "naïve",   "Grüße",   "façade", "👍",     "🚀",    "✓",      "→"};

constexpr std::array<std::string_view, 8> ascii_names{"alice", "bob",   "carol", "dave",
                                                      "erin",  "frank", "grace", "heidi"};
constexpr std::array<std::string_view, 8> mixed_names{"José",     "Zoë",  "Søren", "Łukasz",
                                                      "Δημήτρης", "Анна", "李雷",  "さくら"};

constexpr std::array<std::string_view, 6> symbols{"BTC-USD", "ETH-USD", "SOL-EUR",
                                                  "ADA-USD", "XRP-GBP", "DOT-USD"};
constexpr std::array<std::string_view, 4> statuses{"online", "away", "busy", "offline"};
constexpr std::array<std::string_view, 4> devices{"web", "ios", "android", "desktop"};

template <std::size_t N>
std::string_view pick(SeededRandom& random, const std::array<std::string_view, N>& list) {
  return list[random.below(N)];
}

std::string number(std::uint64_t value) {
  return std::to_string(value);
}

// "123.45" with `decimals` digits after the point.
std::string decimal(SeededRandom& random, std::size_t whole_max, std::size_t decimals) {
  std::string text = number(random.below(whole_max));
  text += '.';
  for (std::size_t i = 0; i < decimals; ++i) text += static_cast<char>('0' + random.below(10));
  return text;
}

std::string_view name(SeededRandom& random, TextKind kind) {
  return kind == TextKind::ascii ? pick(random, ascii_names) : pick(random, mixed_names);
}

// A sentence of about `target` bytes. Mixed text takes one word in six from
// the multibyte list; multibyte text takes five in six.
std::string sentence(SeededRandom& random, TextKind kind, std::size_t target) {
  std::string text;
  const std::size_t multibyte_share = kind == TextKind::ascii ? 0 : kind == TextKind::mixed ? 1 : 5;
  while (text.size() < target) {
    if (!text.empty()) text += ' ';
    text += random.below(6) < multibyte_share ? pick(random, multibyte_words)
                                              : pick(random, ascii_words);
  }
  return text;
}

std::string chat_message(SeededRandom& random, TextKind kind, std::uint64_t seq) {
  std::string m = R"({"type":"chat","room":"room-)" + number(random.below(64)) +
                  R"(","from":{"id":)" + number(10000 + random.below(90000)) + R"(,"name":")";
  m += name(random, kind);
  m += R"("},"seq":)" + number(seq) + R"(,"ts":)" + number(1764650000000 + seq * 37) +
       R"(,"text":")";
  m += sentence(random, kind, random.between(90, 250));
  m += R"(","reply_to":)";
  m += random.below(4) == 0 ? number(seq - 1 - random.below(8)) : "null";
  m += '}';
  return m;
}

std::string trade_message(SeededRandom& random, TextKind kind, std::uint64_t seq) {
  std::string m = R"({"type":"trade","symbol":")";
  m += pick(random, symbols);
  m += R"(","price":)" + decimal(random, 50000, 2) + R"(,"qty":)" + decimal(random, 10, 4) +
       R"(,"side":")" + (random.below(2) == 0 ? "buy" : "sell") + R"(","trade_id":)" +
       number(900000000 + seq) + R"(,"ts":)" + number(1764650000000 + seq * 37) +
       R"(,"venue":"xchg-)" + number(random.below(9)) + R"(","maker":{"id":)" +
       number(random.below(1000000)) + R"(,"name":")";
  m += name(random, kind);
  m += R"("},"flags":["regular","settled"],"fee":)" + decimal(random, 3, 6) + '}';
  return m;
}

std::string presence_message(SeededRandom& random, TextKind kind, std::uint64_t seq) {
  std::string m =
      R"({"type":"presence","user":{"id":)" + number(10000 + random.below(90000)) + R"(,"name":")";
  m += name(random, kind);
  m += R"(","status":")";
  m += pick(random, statuses);
  m += R"(","devices":[")";
  m += pick(random, devices);
  m += R"(",")";
  m += pick(random, devices);
  m += R"("]},"rooms":["room-)" + number(random.below(64)) + R"(","room-)" +
       number(random.below(64)) + R"("],"note":")";
  m += sentence(random, kind, random.between(40, 120));
  m += R"(","ts":)" + number(1764650000000 + seq * 37) + '}';
  return m;
}

}  // namespace

std::string_view to_string(TextKind kind) noexcept {
  switch (kind) {
    case TextKind::ascii:
      return "ascii";
    case TextKind::mixed:
      return "mixed";
    case TextKind::multibyte:
      return "multibyte";
  }
  return "?";
}

std::uint64_t SeededRandom::next() noexcept {
  // splitmix64 (Steele, Lea, Flood 2014), as published.
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

TextCorpus make_corpus(TextKind kind, std::size_t count, std::uint64_t seed) {
  SeededRandom random(seed);
  TextCorpus corpus;
  corpus.kind = kind;
  corpus.messages.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t seq = 100000 + i;
    std::string message;
    if (kind == TextKind::multibyte) {
      message = sentence(random, kind, random.between(150, 370));
    } else {
      // Chat dominates; trades and presence updates are the rest.
      const std::size_t shape = random.below(10);
      message = shape < 5   ? chat_message(random, kind, seq)
                : shape < 8 ? trade_message(random, kind, seq)
                            : presence_message(random, kind, seq);
    }
    corpus.joined += message;
    corpus.messages.push_back(std::move(message));
  }
  return corpus;
}

double mean_size(const TextCorpus& corpus) noexcept {
  if (corpus.messages.empty()) return 0;
  return static_cast<double>(corpus.joined.size()) / static_cast<double>(corpus.messages.size());
}

}  // namespace wsx::bench
