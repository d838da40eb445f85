// The Sec-WebSocket-Extensions grammar: RFC 6455 section 9.1 with RFC 7230
// tokens, quoted-strings and lists; examples from RFC 7692.
#include "core/extensions/extensions_header.hpp"

#include <gtest/gtest.h>

#include <array>

namespace wsx::core {
namespace {

ExtensionParam bare(std::string name) {
  return {std::move(name), std::nullopt};
}
ExtensionParam valued(std::string name, std::string value) {
  return {std::move(name), std::move(value)};
}

std::vector<ExtensionItem> parse_ok(std::string_view value) {
  ParsedExtensions parsed = parse_extensions_header(value);
  EXPECT_TRUE(parsed.ok()) << "\"" << value << "\": " << parsed.error->message();
  return parsed.items;
}

ExtensionsHeaderError parse_error(std::string_view value) {
  ParsedExtensions parsed = parse_extensions_header(value);
  EXPECT_FALSE(parsed.ok()) << "\"" << value << "\" parsed";
  EXPECT_TRUE(parsed.items.empty());
  return parsed.error.value_or(ExtensionsHeaderError{});
}

TEST(ExtensionsHeader, Rfc7692BareParameter) {
  // RFC 7692 section 7.1.2.1 example.
  EXPECT_EQ(parse_ok("permessage-deflate; client_max_window_bits"),
            (std::vector<ExtensionItem>{{"permessage-deflate", {bare("client_max_window_bits")}}}));
}

TEST(ExtensionsHeader, Rfc7692TwoOffersAsFallbacks) {
  // RFC 7692 section 5.2 example: two offers of one token, kept in order.
  EXPECT_EQ(parse_ok("permessage-deflate; client_max_window_bits; server_max_window_bits=10, "
                     "permessage-deflate; client_max_window_bits"),
            (std::vector<ExtensionItem>{
                {"permessage-deflate",
                 {bare("client_max_window_bits"), valued("server_max_window_bits", "10")}},
                {"permessage-deflate", {bare("client_max_window_bits")}}}));
}

TEST(ExtensionsHeader, TokenWithoutParameters) {
  EXPECT_EQ(parse_ok("x-webkit-deflate-frame"),
            (std::vector<ExtensionItem>{{"x-webkit-deflate-frame", {}}}));
}

TEST(ExtensionsHeader, QuotedValueIsUnquoted) {
  EXPECT_EQ(parse_ok("foo; bar=\"baz\""),
            (std::vector<ExtensionItem>{{"foo", {valued("bar", "baz")}}}));
  EXPECT_EQ(parse_ok("foo; bar=\"10\""),
            (std::vector<ExtensionItem>{{"foo", {valued("bar", "10")}}}));
}

TEST(ExtensionsHeader, QuotedValueEscapesAreRemoved) {
  // quoted-pair: "\x" stands for x (RFC 7230 section 3.2.6).
  EXPECT_EQ(parse_ok(R"(foo; bar="b\az")"),
            (std::vector<ExtensionItem>{{"foo", {valued("bar", "baz")}}}));
  EXPECT_EQ(parse_ok(R"(foo; bar="\1\0")"),
            (std::vector<ExtensionItem>{{"foo", {valued("bar", "10")}}}));
}

TEST(ExtensionsHeader, OptionalWhitespaceAroundSeparators) {
  EXPECT_EQ(parse_ok(" \tfoo\t;  a = 1 ;b= \"2\"\t,bar ; c "),
            (std::vector<ExtensionItem>{{"foo", {valued("a", "1"), valued("b", "2")}},
                                        {"bar", {bare("c")}}}));
}

TEST(ExtensionsHeader, EmptyListElementsAreIgnored) {
  // RFC 7230 section 7: recipients accept and ignore empty list elements.
  EXPECT_EQ(parse_ok(", foo, , ,bar,"), (std::vector<ExtensionItem>{{"foo", {}}, {"bar", {}}}));
}

TEST(ExtensionsHeader, RepeatedTokensAndParametersKeptInOrder) {
  EXPECT_EQ(parse_ok("a; x=1; x=2, b, a; y"),
            (std::vector<ExtensionItem>{
                {"a", {valued("x", "1"), valued("x", "2")}}, {"b", {}}, {"a", {bare("y")}}}));
}

TEST(ExtensionsHeader, SeveralFieldsCombineIntoOneList) {
  const std::array<std::string_view, 3> fields{"a; p=1", " , ", "b, c; q"};
  ParsedExtensions parsed = parse_extensions_headers(fields);
  ASSERT_TRUE(parsed.ok()) << parsed.error->message();
  EXPECT_EQ(parsed.items,
            (std::vector<ExtensionItem>{{"a", {valued("p", "1")}}, {"b", {}}, {"c", {bare("q")}}}));
}

TEST(ExtensionsHeader, ErrorInALaterFieldNamesTheField) {
  const std::array<std::string_view, 2> fields{"a", "b;"};
  ParsedExtensions parsed = parse_extensions_headers(fields);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error->field, 1u);
  EXPECT_EQ(parsed.error->position, 2u);
  EXPECT_EQ(parsed.error->message(),
            "header field 2, position 2: expected a parameter name after ';', found end of header");
}

TEST(ExtensionsHeader, EmptyListIsAnError) {
  // 1#extension: at least one.
  EXPECT_EQ(parse_error("").expected, "at least one extension");
  EXPECT_EQ(parse_error(" , ,").expected, "at least one extension");
}

TEST(ExtensionsHeader, LeadingSemicolon) {
  const auto error = parse_error(";foo");
  EXPECT_EQ(error.position, 0u);
  EXPECT_EQ(error.expected, "an extension token");
  EXPECT_EQ(error.message(), "position 0: expected an extension token, found ';'");
}

TEST(ExtensionsHeader, TrailingSemicolon) {
  const auto error = parse_error("foo;");
  EXPECT_EQ(error.position, 4u);
  EXPECT_EQ(error.expected, "a parameter name after ';'");
  EXPECT_EQ(error.found, "end of header");
}

TEST(ExtensionsHeader, MissingParameterName) {
  const auto error = parse_error("foo; =x");
  EXPECT_EQ(error.position, 5u);
  EXPECT_EQ(error.expected, "a parameter name after ';'");
  EXPECT_EQ(error.found, "'='");
}

TEST(ExtensionsHeader, MissingParameterValue) {
  const auto error = parse_error("foo; a=");
  EXPECT_EQ(error.position, 7u);
  EXPECT_EQ(error.expected, "a parameter value (token or quoted-string)");
  const auto before_comma = parse_error("foo; a=, bar");
  EXPECT_EQ(before_comma.position, 7u);
  EXPECT_EQ(before_comma.found, "','");
}

TEST(ExtensionsHeader, UnterminatedQuotedString) {
  const auto error = parse_error("foo; a=\"unterminated");
  EXPECT_EQ(error.position, 20u);
  EXPECT_EQ(error.expected, "a closing '\"' of the quoted-string");
  EXPECT_EQ(parse_error("foo; a=\"x\\").expected, "an escaped character after '\\'");
}

TEST(ExtensionsHeader, TwoTokensWithoutSeparator) {
  const auto error = parse_error("foo bar");
  EXPECT_EQ(error.position, 4u);
  EXPECT_EQ(error.expected, "',' or ';' after an extension");
  EXPECT_EQ(error.found, "'b'");
}

TEST(ExtensionsHeader, ControlCharacters) {
  EXPECT_EQ(parse_error(std::string_view("foo\x01", 4)).found, "byte 0x01");
  EXPECT_EQ(parse_error(std::string("foo; a=\"x") + '\x7F' + "y\"").expected,
            "a quoted-string character");
  EXPECT_EQ(parse_error("foo; a=\"x\ny\"").found, "byte 0x0A");
  EXPECT_EQ(parse_error(std::string_view("f\0o", 3)).position, 1u);
}

TEST(ExtensionsHeader, QuotedValueMustBeATokenOnceUnescaped) {
  // RFC 6455 section 9.1: "the value MUST conform to the token ABNF".
  const auto space = parse_error("foo; a=\"has space\"");
  EXPECT_EQ(space.position, 7u);
  EXPECT_EQ(space.found, "\"has space\"");
  EXPECT_EQ(parse_error("foo; a=\"\"").found, "\"\"");
  EXPECT_FALSE(parse_extensions_header(R"(foo; a="x\"y")").ok());
  EXPECT_FALSE(parse_extensions_header("foo; a=\"a,b\"").ok());
}

TEST(ExtensionsHeader, SeparatorsAreNotTokenCharacters) {
  EXPECT_FALSE(parse_extensions_header("foo; a=b=c").ok());
  EXPECT_FALSE(parse_extensions_header("foo/1").ok());
  EXPECT_FALSE(parse_extensions_header("foo; a=(x)").ok());
  EXPECT_FALSE(parse_extensions_header("\"foo\"").ok());
}

TEST(ExtensionsHeader, SerializeQuotesOnlyNonTokens) {
  const std::vector<ExtensionItem> items{
      {"permessage-deflate",
       {bare("client_max_window_bits"), valued("server_max_window_bits", "10")}},
      {"x", {valued("note", "two words"), valued("quote", "a\"b\\c"), valued("empty", "")}}};
  EXPECT_EQ(serialize_extensions(items).value(),
            "permessage-deflate; client_max_window_bits; server_max_window_bits=10, "
            R"(x; note="two words"; quote="a\"b\\c"; empty="")");
  EXPECT_EQ(serialize_extension_params(items[0].params).value(),
            "client_max_window_bits; server_max_window_bits=10");
}

TEST(ExtensionsHeader, SerializeRefusesWhatCannotBeWritten) {
  std::string why;
  const std::vector<ExtensionItem> bad_token{{"a b", {}}};
  EXPECT_FALSE(serialize_extensions(bad_token, &why));
  EXPECT_EQ(why, "extension token \"a b\" is not a token");
  const std::vector<ExtensionItem> bad_name{{"a", {bare("x=y")}}};
  EXPECT_FALSE(serialize_extensions(bad_name, &why));
  EXPECT_EQ(why, "parameter name \"x=y\" is not a token");
  const std::vector<ExtensionItem> control{{"a", {valued("x", "line\r\nbreak")}}};
  EXPECT_FALSE(serialize_extensions(control, &why));
  EXPECT_EQ(why, "value of parameter \"x\" holds a control character");
}

TEST(ExtensionsHeader, RoundTrip) {
  for (std::string_view text :
       {"permessage-deflate; client_max_window_bits; server_max_window_bits=10, "
        "permessage-deflate; client_max_window_bits",
        "a; b=\"c\", d ;e; f=g, a", "x-y~z; !#$%&'*+-.^_`|~=!#$%&'*+-.^_`|~"}) {
    const std::vector<ExtensionItem> items = parse_ok(text);
    const auto written = serialize_extensions(items);
    ASSERT_TRUE(written) << text;
    EXPECT_EQ(parse_ok(*written), items) << *written;
  }
}

}  // namespace
}  // namespace wsx::core
