// The per-connection extension chain (RFC 6455 section 9): encode in
// acceptance order, decode in reverse, zero-copy pass-through, errors.
#include <gtest/gtest.h>

#include "core/extensions/extension_chain.hpp"
#include "test_extensions.hpp"
#include "test_support.hpp"

namespace wsx::core {
namespace {

using test::Behaviour;
using test::Bytes;
using test::TestExtension;

TestExtension tagger(std::string name, char tag, std::uint8_t rsv,
                     std::vector<std::string>* calls) {
  TestExtension ext;
  ext.name = std::move(name);
  ext.behaviour = Behaviour::tag;
  ext.tag = tag;
  ext.rsv = rsv;
  ext.calls = calls;
  return ext;
}

FrameView data_frame(const Bytes& payload, std::uint8_t rsv = 0) {
  return FrameView{WSX_OPCODE_TEXT, true, rsv, payload};
}

TEST(ExtensionChain, EncodeRunsInAcceptanceOrder) {
  std::vector<std::string> calls;
  TestExtension a = tagger("a", 'a', WSX_RSV1, &calls);
  TestExtension b = tagger("b", 'b', WSX_RSV2, &calls);
  ExtensionChain chain;
  chain.add(test::make_test_extension(a));
  chain.add(test::make_test_extension(b));
  EXPECT_EQ(chain.rsv_mask(), WSX_RSV1 | WSX_RSV2);

  const Bytes payload = test::bytes_of("x");
  FrameView frame = data_frame(payload);
  ASSERT_FALSE(chain.encode(frame).has_value());
  EXPECT_EQ(test::text_of(frame.payload), "xab");
  EXPECT_EQ(frame.rsv, WSX_RSV1 | WSX_RSV2);
  EXPECT_EQ(calls, (std::vector<std::string>{"a.encode", "b.encode"}));
  // b read what a wrote.
  EXPECT_NE(b.last_input, payload.data());
}

TEST(ExtensionChain, DecodeRunsInReverseOrder) {
  std::vector<std::string> calls;
  TestExtension a = tagger("a", 'a', WSX_RSV1, &calls);
  TestExtension b = tagger("b", 'b', WSX_RSV2, &calls);
  ExtensionChain chain;
  chain.add(test::make_test_extension(a));
  chain.add(test::make_test_extension(b));

  const Bytes wire = test::bytes_of("xab");
  FrameView frame = data_frame(wire, WSX_RSV1 | WSX_RSV2);
  ASSERT_FALSE(chain.decode(frame, 1000).has_value());
  EXPECT_EQ(test::text_of(frame.payload), "x");
  EXPECT_EQ(frame.rsv, 0);
  EXPECT_EQ(calls, (std::vector<std::string>{"b.decode", "a.decode"}));
  EXPECT_EQ(b.last_input, wire.data());
}

TEST(ExtensionChain, ScratchBuffersAlternateThroughLongChains) {
  // tag, unchanged, tag, tag: each rewriting extension must read intact input
  // even when an UNCHANGED one sits between them.
  std::vector<std::string> calls;
  TestExtension a = tagger("a", 'a', WSX_RSV1, &calls);
  TestExtension pass;
  pass.name = "pass";
  pass.calls = &calls;
  TestExtension b = tagger("b", 'b', WSX_RSV2, &calls);
  TestExtension c = tagger("c", 'c', WSX_RSV3, &calls);
  ExtensionChain chain;
  chain.add(test::make_test_extension(a));
  chain.add(test::make_test_extension(pass));
  chain.add(test::make_test_extension(b));
  chain.add(test::make_test_extension(c));

  for (const char* text : {"hello", "", "a somewhat longer payload to force growth.........."}) {
    const Bytes payload = test::bytes_of(text);
    FrameView frame = data_frame(payload);
    ASSERT_FALSE(chain.encode(frame).has_value());
    EXPECT_EQ(test::text_of(frame.payload), std::string(text) + "abc");
    const Bytes wire(frame.payload.begin(), frame.payload.end());
    FrameView incoming = data_frame(wire, frame.rsv);
    ASSERT_FALSE(chain.decode(incoming, 1000).has_value());
    EXPECT_EQ(test::text_of(incoming.payload), text);
  }
}

TEST(ExtensionChain, UnchangedForwardsThePayloadWithoutCopy) {
  TestExtension pass;
  pass.name = "pass";
  pass.rsv = WSX_RSV1;
  pass.set_rsv_on_encode = WSX_RSV1;
  pass.clear_rsv_on_decode = WSX_RSV1;
  ExtensionChain chain;
  chain.add(test::make_test_extension(pass));

  const Bytes payload = test::bytes_of("payload");
  FrameView out = data_frame(payload);
  ASSERT_FALSE(chain.encode(out).has_value());
  EXPECT_EQ(out.payload.data(), payload.data());  // same bytes, not a copy
  EXPECT_EQ(out.payload.size(), payload.size());
  EXPECT_EQ(out.rsv, WSX_RSV1);  // header changes still apply

  FrameView in = data_frame(payload, WSX_RSV1);
  ASSERT_FALSE(chain.decode(in, 100).has_value());
  EXPECT_EQ(in.payload.data(), payload.data());
  EXPECT_EQ(in.rsv, 0);
  EXPECT_EQ(chain.scratch_bytes(), 0u);
}

TEST(ExtensionChain, FailPropagatesTheExtensionsCloseCodeAndMessage) {
  for (std::uint32_t code : {1002u, 1007u, 1009u, 1010u, 1011u}) {
    TestExtension bad;
    bad.name = "bad";
    bad.behaviour = Behaviour::fail;
    bad.fail_code = code;
    bad.fail_message = "corrupt stream";
    ExtensionChain chain;
    chain.add(test::make_test_extension(bad));
    const Bytes payload = test::bytes_of("x");
    FrameView frame = data_frame(payload);
    const auto error = chain.decode(frame, 100);
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->close_code, code);
    EXPECT_NE(error->reason.find("corrupt stream"), std::string::npos) << error->reason;
    EXPECT_NE(error->reason.find("bad"), std::string::npos) << error->reason;

    FrameView outgoing = data_frame(payload);
    const auto encode_error = chain.encode(outgoing);
    ASSERT_TRUE(encode_error.has_value());
    EXPECT_EQ(encode_error->close_code, code);
  }
}

TEST(ExtensionChain, CloseCodesOutsideTheAbiListBecomeInternalError) {
  for (std::uint32_t code : {0u, 1000u, 1001u, 1006u, 3000u, 4000u, 70000u}) {
    TestExtension bad;
    bad.name = "bad";
    bad.behaviour = Behaviour::fail;
    bad.fail_code = code;
    ExtensionChain chain;
    chain.add(test::make_test_extension(bad));
    const Bytes payload;
    FrameView frame = data_frame(payload);
    const auto error = chain.decode(frame, 100);
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->close_code, 1011) << code;
  }
}

TEST(ExtensionChain, AnInvalidCloseCodeIsNamedInTheReason) {
  // The 1011 that replaces it must not hide the plugin's defect: the reason
  // (which the host logs) names the extension and the code it gave.
  TestExtension bad;
  bad.name = "bad";
  bad.behaviour = Behaviour::fail;
  bad.fail_code = 3000;
  ExtensionChain chain;
  chain.add(test::make_test_extension(bad));
  const Bytes payload;
  FrameView frame = data_frame(payload);
  const auto error = chain.decode(frame, 100);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->close_code, 1011);
  EXPECT_NE(error->reason.find("bad: invalid close code 3000"), std::string::npos) << error->reason;
}

TEST(ExtensionChain, AnRsvBitLeftSetNamesItsOwner) {
  // RFC 6455 section 5.2: the owner's decode must clear its bit. One that
  // leaves it set is named, so its author knows whose defect the 1002 is.
  TestExtension lazy;
  lazy.name = "x-lazy";
  lazy.behaviour = Behaviour::unchanged;
  lazy.rsv = WSX_RSV1;
  ExtensionChain chain;
  chain.add(test::make_test_extension(lazy));
  const Bytes payload = test::bytes_of("x");
  FrameView owned = data_frame(payload, WSX_RSV1);
  const auto error = chain.decode(owned, 100);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->close_code, 1002);
  EXPECT_EQ(error->reason, "RSV bit not cleared by its owner x-lazy");

  FrameView unowned = data_frame(payload, WSX_RSV2);
  const auto other = chain.decode(unowned, 100);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->close_code, 1002);
  EXPECT_EQ(other->reason, "RSV bit not consumed by any extension");
}

TEST(ExtensionChain, StatusOutsideTheEnumIsAnInternalError) {
  TestExtension bogus;
  bogus.name = "bogus";
  bogus.behaviour = Behaviour::bogus_status;
  ExtensionChain chain;
  chain.add(test::make_test_extension(bogus));
  const Bytes payload = test::bytes_of("x");
  FrameView in = data_frame(payload);
  const auto decode_error = chain.decode(in, 100);
  ASSERT_TRUE(decode_error.has_value());
  EXPECT_EQ(decode_error->close_code, 1011);
  FrameView out = data_frame(payload);
  const auto encode_error = chain.encode(out);
  ASSERT_TRUE(encode_error.has_value());
  EXPECT_EQ(encode_error->close_code, 1011);
}

TEST(ExtensionChain, ChangingADataFrameIntoAControlFrameIsAnInternalError) {
  TestExtension odd;
  odd.name = "odd";
  odd.behaviour = Behaviour::change_kind;
  ExtensionChain chain;
  chain.add(test::make_test_extension(odd));
  const Bytes payload = test::bytes_of("x");
  FrameView in = data_frame(payload);
  const auto error = chain.decode(in, 100);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->close_code, 1011);
  FrameView ping{WSX_OPCODE_PING, true, 0, payload};
  EXPECT_FALSE(chain.encode(ping).has_value());  // a Ping may stay a Ping
}

TEST(ExtensionChain, LeftoverRsvBitAfterDecodeIsAProtocolError) {
  // The extension owns RSV1 but does not consume it.
  TestExtension lazy;
  lazy.name = "lazy";
  lazy.rsv = WSX_RSV1;
  ExtensionChain chain;
  chain.add(test::make_test_extension(lazy));
  const Bytes payload = test::bytes_of("x");
  FrameView frame = data_frame(payload, WSX_RSV1);
  const auto error = chain.decode(frame, 100);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->close_code, 1002);

  FrameView clean = data_frame(payload, 0);
  EXPECT_FALSE(chain.decode(clean, 100).has_value());
}

TEST(ExtensionChain, DecodeLimitReachesTheExtensionAndIsEnforced) {
  TestExtension expand;
  expand.name = "expand";
  expand.behaviour = Behaviour::expand;
  ExtensionChain chain;
  chain.add(test::make_test_extension(expand));
  const Bytes payload = test::bytes_of("12345");
  FrameView fits = data_frame(payload);
  ASSERT_FALSE(chain.decode(fits, 10).has_value());
  EXPECT_EQ(expand.last_max_payload, 10u);
  EXPECT_EQ(test::text_of(fits.payload), "1234512345");
  FrameView too_big = data_frame(payload);
  const auto error = chain.decode(too_big, 9);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->close_code, 1009);
}

TEST(ExtensionChain, UnchangedPayloadOverTheLimitIsTooBig) {
  TestExtension pass;
  pass.name = "pass";
  ExtensionChain chain;
  chain.add(test::make_test_extension(pass));
  const Bytes payload(20, 'x');
  FrameView frame = data_frame(payload);
  const auto error = chain.decode(frame, 19);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->close_code, 1009);
}

TEST(ExtensionChain, EmptyChainPassesFramesThrough) {
  ExtensionChain chain;
  const Bytes payload = test::bytes_of("abc");
  FrameView frame = data_frame(payload);
  ASSERT_FALSE(chain.encode(frame).has_value());
  ASSERT_FALSE(chain.decode(frame, 3).has_value());
  EXPECT_EQ(frame.payload.data(), payload.data());
  FrameView with_rsv = data_frame(payload, WSX_RSV1);
  EXPECT_TRUE(chain.decode(with_rsv, 3).has_value());
}

TEST(ExtensionChain, DestroysEachExtensionExactlyOnce) {
  TestExtension a;
  a.name = "a";
  TestExtension b;
  b.name = "b";
  {
    ExtensionChain chain;
    Extension first = test::make_test_extension(a);
    Extension moved(std::move(first));
    Extension assigned = test::make_test_extension(b);
    chain.add(std::move(moved));
    chain.add(std::move(assigned));
    ExtensionChain other = std::move(chain);
    EXPECT_EQ(a.destroyed, 0);
    EXPECT_EQ(b.destroyed, 0);
  }
  EXPECT_EQ(a.destroyed, 1);
  EXPECT_EQ(b.destroyed, 1);
}

TEST(ExtensionChain, MoveAssignmentDestroysTheOverwrittenExtension) {
  TestExtension a;
  a.name = "a";
  TestExtension b;
  b.name = "b";
  {
    Extension target = test::make_test_extension(a);
    target = test::make_test_extension(b);
    EXPECT_EQ(a.destroyed, 1);
    EXPECT_EQ(b.destroyed, 0);
  }
  EXPECT_EQ(b.destroyed, 1);
}

TEST(ExtensionChain, HeaderValueListsExtensionsWithQuotedParams) {
  TestExtension a;
  a.name = "permessage-foo";
  TestExtension b;
  b.name = "x-bar";
  ExtensionChain chain;
  chain.add(test::make_test_extension(
      a, {{"client_max_window_bits", std::nullopt}, {"server_max_window_bits", "10"}}));
  chain.add(
      test::make_test_extension(b, {{"note", "two words"}, {"q", "say \"hi\" \\o/"}, {"e", ""}}));
  EXPECT_EQ(chain.header_value(),
            "permessage-foo; client_max_window_bits; server_max_window_bits=10, "
            "x-bar; note=\"two words\"; q=\"say \\\"hi\\\" \\\\o/\"; e=\"\"");
  EXPECT_EQ(ExtensionChain{}.header_value(), "");
}

TEST(ExtensionChain, ReleaseScratchFreesBuffers) {
  TestExtension a = tagger("a", 'a', WSX_RSV1, nullptr);
  ExtensionChain chain;
  chain.add(test::make_test_extension(a));
  const Bytes payload(1000, 'z');
  FrameView frame = data_frame(payload);
  ASSERT_FALSE(chain.encode(frame).has_value());
  EXPECT_GE(chain.scratch_bytes(), 1001u);
  chain.release_scratch();
  EXPECT_EQ(chain.scratch_bytes(), 0u);
}

}  // namespace
}  // namespace wsx::core
