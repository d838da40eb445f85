// Invalid config files: each error names file:line:col and says what would
// have been valid.
#include <gtest/gtest.h>

#include "config/config_loader.hpp"

namespace wsx::config {
namespace {

struct Case {
  const char* name;
  const char* toml;
  const char* position;  // "line:col" expected
  const char* message;   // expected part of the message
};

ConfigError error_of(std::string_view text) {
  try {
    (void)parse_config(text, "conf/wsx.toml");
  } catch (const ConfigError& error) {
    return error;
  }
  ADD_FAILURE() << "parsed without error:\n" << text;
  return ConfigError({}, "");
}

void PrintTo(const Case& c, std::ostream* out) {
  *out << c.name;
}

class ConfigErrorTest : public ::testing::TestWithParam<Case> {};

TEST_P(ConfigErrorTest, NamesFileLineColumnAndTheFix) {
  const Case& c = GetParam();
  const ConfigError error = error_of(c.toml);
  const std::string what = error.what();
  EXPECT_EQ(what.rfind(std::string("conf/wsx.toml:") + c.position + ": ", 0), 0u) << what;
  EXPECT_NE(what.find(c.message), std::string::npos)
      << "expected: " << c.message << "\n in: " << what;
  EXPECT_EQ(error.file(), "conf/wsx.toml");
  EXPECT_GT(error.line(), 0u);
  EXPECT_GT(error.column(), 0u);
}

const Case kCases[] = {
    {"BadSizeUnit", "[server.limits]\nmax_message_size = \"16 MiX\"\n", "2:20",
     R"(server.limits.max_message_size: "16 MiX" is not a size; use bytes or a number with B, KiB, MiB, GiB, KB, MB, GB (e.g. "16 MiB"))"},
    {"NegativeSize", "[server.limits]\nmax_frame_size = -1\n", "2:18",
     "server.limits.max_frame_size: -1 is not a size"},
    {"ZeroSize", "[server.limits]\nmax_send_queue = 0\n", "2:18",
     "server.limits.max_send_queue: must be at least 1 byte"},
    {"BadBufferedInputSize", "[server.limits]\nmax_buffered_input = \"lots\"\n", "2:22",
     R"(server.limits.max_buffered_input: "lots" is not a size; use bytes or a number with B, KiB, MiB, GiB, KB, MB, GB (e.g. "16 MiB"))"},
    {"SizeOfWrongType", "[server.limits]\nmax_message_size = 1.5\n", "2:20",
     "server.limits.max_message_size: expected a size, got a float 1.5"},
    {"BadDuration", "[server.limits]\nidle_timeout = \"5 days\"\n", "2:16",
     R"(server.limits.idle_timeout: "5 days" is not a duration; use whole seconds or a number with ms, s, m, h)"},
    {"ZeroHandshakeTimeout", "[server.limits]\nhandshake_timeout = \"0s\"\n", "2:21",
     "server.limits.handshake_timeout: must be longer than 0"},
    {"NegativeDuration", "[server.limits]\nclose_timeout = -5\n", "2:17",
     "server.limits.close_timeout: -5 is not a duration"},
    {"DurationOfWrongType", "[server.limits]\nping_interval = true\n", "2:17",
     "expected a duration, got a boolean true"},
    {"ZeroConnections", "[server.limits]\nmax_connections = 0\n", "2:19",
     "server.limits.max_connections: 0 is out of range; use an integer from 1 to"},
    {"PortTooBig", "[server]\nport = 70000\n", "2:8",
     "server.port: 70000 is out of range; use an integer from 0 to 65535"},
    {"PortAsString", "[server]\nport = \"9001\"\n", "2:8",
     "server.port: expected an integer from 0 to 65535, got a string \"9001\""},
    {"ZeroThreads", "[server]\nio_threads = 0\n", "2:14", "server.io_threads: 0 is out of range"},
    {"UnknownApp", "[server]\napp = \"chat\"\n", "2:7",
     R"(server.app: "chat" is not an app; use "echo", "broadcast" or "proxy")"},
    {"UnknownLogLevel", "[server]\nlog_level = \"verbose\"\n", "2:13",
     R"(server.log_level: "verbose" is not a level; use "debug", "info", "warning", "error" or "off")"},
    {"AddressWithBrackets", "[server]\naddress = \"[::1]\"\n", "2:11", "IPv6 without brackets"},
    {"EmptyAddress", "[server]\naddress = \"\"\n", "2:11",
     "server.address: \"\" is not an address"},
    {"SubprotocolsNotArray", "[server]\nsubprotocols = \"chat\"\n", "2:16",
     "server.subprotocols: expected an array of strings"},
    {"SubprotocolNotToken", "[server]\nsubprotocols = [\"chat\", \"a b\"]\n", "2:25",
     "server.subprotocols[1]: \"a b\" is not a token"},
    {"SubprotocolNotString", "[server]\nsubprotocols = [1]\n", "2:17",
     "server.subprotocols[0]: expected a string, got an integer 1"},
    {"SubprotocolTwice", "[server]\nsubprotocols = [\"chat\", \"chat\"]\n", "2:25", "listed twice"},
    {"UnknownServerKeyWithSuggestion", "[server]\nprot = 1\n", "2:1",
     R"(server: unknown key "prot" (did you mean "port"?); valid keys are: address, port, io_threads, app, subprotocols, log_level, limits)"},
    {"UnknownLimitsKeyWithSuggestion", "[server.limits]\nmax_mesage_size = 1\n", "2:1",
     R"(server.limits: unknown key "max_mesage_size" (did you mean "max_message_size"?))"},
    {"UnknownTopLevelKey", "\n\nlisten = 1\n", "3:1",
     R"(unknown top-level key "listen"; valid keys are: server, plugin)"},
    {"ServerNotATable", "server = 5\n", "1:10",
     "server: expected a table ([server]), got an integer 5"},
    {"LimitsNotATable", "[server]\nlimits = \"big\"\n", "2:10", "server.limits: expected a table"},
    {"PluginAsSingleTable", "[plugin]\npath = \"x.so\"\n", "1:1",
     "plugin: expected [[plugin]] entries (an array of tables), got a table"},
    {"PluginArrayOfStrings", "plugin = [\"a.so\"]\n", "1:11",
     "plugin[1]: expected a table with a path, got a string \"a.so\""},
    {"PluginWithoutPath", "[[plugin]]\nenabled = true\n", "1:1",
     "plugin[1]: missing required key \"path\""},
    {"PluginPathNotString", "[[plugin]]\npath = 5\n", "2:8",
     "plugin[1].path: expected a string, got an integer 5"},
    {"PluginPathEmpty", "[[plugin]]\npath = \"\"\n", "2:8", "plugin[1].path: must not be empty"},
    {"PluginEnabledNotBool",
     "[[plugin]]\npath = \"a.so\"\n[[plugin]]\npath = \"b.so\"\nenabled = \"no\"\n", "5:11",
     "plugin[2].enabled: expected true or false, got a string \"no\""},
    {"UnknownPluginKeyWithSuggestion", "[[plugin]]\npath = \"a.so\"\nparmas = {}\n", "3:1",
     R"(plugin[1]: unknown key "parmas" (did you mean "params"?))"},
    {"UnknownPluginKeyFarFromAnyKnownKey", "[[plugin]]\npath = \"a.so\"\nparameters = {}\n", "3:1",
     R"(plugin[1]: unknown key "parameters"; valid keys are: path, enabled, params)"},
    {"ParamsNotATable", "[[plugin]]\npath = \"a.so\"\nparams = 3\n", "3:10",
     "plugin[1].params: expected a table"},
    {"ParamOfUnsupportedType", "[[plugin]]\npath = \"a.so\"\n[plugin.params]\nlevels = [1, 2]\n",
     "4:10", "plugin[1].params.levels: expected a string, integer or boolean, got an array"},
    {"FloatParam", "[[plugin]]\npath = \"a.so\"\n[plugin.params]\nratio = 0.5\n", "4:9",
     "plugin[1].params.ratio: expected a string, integer or boolean, got a float 0.5"},
    {"InvalidToml", "[server]\nport = = 1\n", "2:8", "invalid TOML: "},
    {"DuplicateKey", "[server]\nport = 1\nport = 2\n", "3:8", "invalid TOML: "},
    {"ProxyWithoutTable", "[server]\napp = \"proxy\"\n", "2:7",
     "server.app: \"proxy\" needs a [server.proxy] table with the backend"},
    {"ProxyWithoutUpstream", "[server.proxy]\nconnect_timeout = \"1s\"\n", "1:1",
     "server.proxy: missing required key \"upstream\""},
    {"ProxyUnknownKey", "[server.proxy]\nupstream = \"ws://127.0.0.1:8080/\"\nupsteam_x = 1\n",
     "3:1", "server.proxy: unknown key \"upsteam_x\""},
    {"ProxyUpstreamNotAUrl", "[server.proxy]\nupstream = \"127.0.0.1:8080\"\n", "2:12",
     "server.proxy.upstream: \"127.0.0.1:8080\" has no scheme; use ws://HOST:PORT/PATH"},
    {"ProxyUpstreamHttp", "[server.proxy]\nupstream = \"http://127.0.0.1:8080/\"\n", "2:12",
     "scheme \"http\" is not ws or wss"},
    {"ProxyUpstreamBadPort", "[server.proxy]\nupstream = \"ws://127.0.0.1:0/\"\n", "2:12",
     "port \"0\" is not a number from 1 to 65535"},
    {"ProxyCaOnPlainUpstream",
     "[server.proxy]\nupstream = \"ws://127.0.0.1:1/\"\nca = \"ca.pem\"\n", "3:6",
     "server.proxy.ca: only a wss:// upstream uses TLS"},
    {"ProxyCertificateWithoutKey",
     "[server.proxy]\nupstream = \"wss://127.0.0.1:1/\"\ncertificate = \"c.pem\"\n", "3:15",
     "needs both certificate and private_key"},
    {"ProxyEmptyCa", "[server.proxy]\nupstream = \"wss://127.0.0.1:1/\"\nca = \"\"\n", "3:6",
     "server.proxy.ca: must not be empty"},
    {"ProxyZeroConnectTimeout",
     "[server.proxy]\nupstream = \"ws://127.0.0.1:1/\"\nconnect_timeout = 0\n", "3:19",
     "server.proxy.connect_timeout: must be longer than 0"},
    {"ProxyForwardHost",
     "[server.proxy]\nupstream = \"ws://127.0.0.1:1/\"\nforward_headers = [\"Cookie\", \"host\"]\n",
     "3:30", "\"host\" belongs to one hop's handshake and is never forwarded"},
    {"ProxyForwardSecWebSocket",
     "[server.proxy]\nupstream = \"ws://127.0.0.1:1/\"\nforward_headers = "
     "[\"Sec-WebSocket-Key\"]\n",
     "3:20", "belongs to one hop's handshake"},
    {"ProxyForwardNotAToken",
     "[server.proxy]\nupstream = \"ws://127.0.0.1:1/\"\nforward_headers = [\"X Y\"]\n", "3:20",
     "\"X Y\" is not a header name"},
    {"ProxyExtensionTwice",
     "[server.proxy]\nupstream = \"ws://127.0.0.1:1/\"\n"
     "extensions = [\"permessage-deflate\", \"Permessage-Deflate\"]\n",
     "3:37", "is listed twice"},
    {"ProxyExtensionsNotArray",
     "[server.proxy]\nupstream = \"ws://127.0.0.1:1/\"\nextensions = \"permessage-deflate\"\n",
     "3:14", "server.proxy.extensions: expected an array of strings"},
};

INSTANTIATE_TEST_SUITE_P(Cases, ConfigErrorTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ConfigFileErrorTest, MissingFileSaysSo) {
  try {
    (void)load_config("/nonexistent/wsx.toml");
    ADD_FAILURE() << "loaded a missing file";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              "/nonexistent/wsx.toml: config file does not exist; pass --config FILE");
    EXPECT_EQ(error.line(), 0u);
  }
}

TEST(ConfigFileErrorTest, DirectoryIsNotAConfigFile) {
  EXPECT_THROW((void)load_config("/"), ConfigError);
}

}  // namespace
}  // namespace wsx::config
