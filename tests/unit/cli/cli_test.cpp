// Runs the real wsx-host binary. Exit codes: 0 success, 1 config or plugin
// error, 2 usage error.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "wsx-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return dir_ / name;
  }

  // Runs wsx-host with `args` from `cwd` (default: the temp folder).
  Result run(const std::vector<std::string>& args, const fs::path& cwd = {}) const {
    std::string command = "cd " + shell_quote((cwd.empty() ? dir_ : cwd).string()) + " && " +
                          shell_quote(WSX_HOST_BINARY);
    for (const auto& arg : args) command += " " + shell_quote(arg);
    const fs::path out = dir_ / "stdout.txt";
    const fs::path err = dir_ / "stderr.txt";
    command += " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string()) + " </dev/null";
    const int status = std::system(command.c_str());
    Result result;
    if (status != -1 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    result.out = read_file(out);
    result.err = read_file(err);
    return result;
  }

  fs::path dir_;
};

#define EXPECT_HAS(text, part) \
  EXPECT_NE((text).find(part), std::string::npos) << "expected: " << (part) << "\n in: " << (text)

std::string pass_plugin_config(const std::string& extra = "") {
  return "[server]\nport = 9001\n\n[[plugin]]\npath = \"" WSX_TEST_PLUGIN_PASS "\"\n" + extra;
}

TEST_F(CliTest, VersionPrintsVersionAndAbiRange) {
  const Result r = run({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("wsx-host ", 0), 0u) << r.out;
  EXPECT_HAS(r.out, "(plugin ABI 1..1)");
}

TEST_F(CliTest, HelpListsEveryOption) {
  const Result r = run({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option : {"--config", "--listen", "--log-level", "--check-config",
                             "--list-plugins", "--check-plugin", "--version", "--help"}) {
    EXPECT_HAS(r.out, option);
  }
}

TEST_F(CliTest, UnknownFlagIsAUsageError) {
  const Result r = run({"--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_HAS(r.err, "--bogus");
  EXPECT_HAS(r.err, "Try 'wsx-host --help'.");
}

TEST_F(CliTest, PositionalArgumentIsAUsageError) {
  EXPECT_EQ(run({"config/wsx.toml"}).exit_code, 2);
}

TEST_F(CliTest, MissingOptionValueIsAUsageError) {
  EXPECT_EQ(run({"--config"}).exit_code, 2);
}

TEST_F(CliTest, BadListenIsAUsageError) {
  for (const char* bad : {"9001", "::1:9001", "host:99999"}) {
    const Result r = run({"--listen", bad, "--check-config"});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_HAS(r.err, "expected HOST:PORT");
  }
}

TEST_F(CliTest, BadLogLevelIsAUsageError) {
  const Result r = run({"--log-level", "loud"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_HAS(r.err, "use debug, info, warning, error or off");
}

TEST_F(CliTest, TwoActionsAreAUsageError) {
  const Result r = run({"--check-config", "--list-plugins"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_HAS(r.err, "use only one of");
}

TEST_F(CliTest, BadConfigValueNamesFileLineAndColumn) {
  const fs::path file =
      write("bad.toml", "[server]\n\n[server.limits]\nmax_message_size = \"16 MiX\"\n");
  const Result r = run({"--config", file.string(), "--check-config"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_HAS(r.err,
             file.string() + ":4:20: server.limits.max_message_size: \"16 MiX\" is not a size");
}

TEST_F(CliTest, ConfigPathIsRelativeToTheCurrentDirectory) {
  fs::create_directories(dir_ / "conf");
  write("conf/w.toml", "[server]\nport = \"x\"\n");
  const Result r = run({"--config", "conf/w.toml", "--check-config"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_HAS(r.err, "conf/w.toml:2:8: server.port: expected an integer");
}

TEST_F(CliTest, UnknownConfigKeyNamesFileLineAndColumn) {
  const fs::path file = write("typo.toml", "[server]\nadress = \"::1\"\n");
  const Result r = run({"--config", file.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_HAS(r.err,
             file.string() + ":2:1: server: unknown key \"adress\" (did you mean \"address\"?)");
}

TEST_F(CliTest, InvalidTomlNamesFileLineAndColumn) {
  const fs::path file = write("broken.toml", "[server\nport = 1\n");
  const Result r = run({"--config", file.string(), "--check-config"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_HAS(r.err, file.string() + ":1:");
  EXPECT_HAS(r.err, "invalid TOML");
}

TEST_F(CliTest, DefaultConfigIsConfigWsxTomlInTheCurrentDirectory) {
  const Result missing = run({"--check-config"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_HAS(missing.err, "config/wsx.toml: config file does not exist");

  fs::create_directories(dir_ / "config");
  write("config/wsx.toml", "[server]\nport = 4567\n");
  const Result found = run({"--check-config"});
  EXPECT_EQ(found.exit_code, 0) << found.err;
  EXPECT_HAS(found.out, "listen: 127.0.0.1:4567");
}

TEST_F(CliTest, CheckConfigLoadsPluginsAndPrintsASummary) {
  const fs::path file = write("good.toml", pass_plugin_config("[plugin.params]\nlevel = 4\n"));
  const Result r = run({"--config", file.string(), "--check-config"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_HAS(r.out, "config: " + file.string() + ": OK");
  EXPECT_HAS(r.out, "listen: 127.0.0.1:9001");
  EXPECT_HAS(r.out, "max_message_size 16 MiB");
  EXPECT_HAS(r.out, "plugins: 1 loaded, 0 disabled");
  EXPECT_HAS(r.out, "test-pass 1.2.3 (ABI 1) from " WSX_TEST_PLUGIN_PASS
                    ": x-test-pass [server+client, RSV none]");
}

TEST_F(CliTest, ListenAndLogLevelOverrideTheConfig) {
  const fs::path file = write("good.toml", pass_plugin_config());
  const Result r = run(
      {"--config", file.string(), "--listen", "[::1]:0", "--log-level", "error", "--check-config"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_HAS(r.out, "listen: [::1]:0");
  EXPECT_HAS(r.out, "log_level: error");
}

TEST_F(CliTest, PluginLogLinesGoToStderrWithTimestampAndTag) {
  const fs::path file =
      write("good.toml", pass_plugin_config("[plugin.params]\ngreeting = \"hi\"\n"));
  const Result r = run({"--config", file.string(), "--log-level", "info", "--check-config"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_HAS(r.err, "Z INFO  [test-pass] params: greeting=string:hi");
  EXPECT_HAS(r.err, "Z INFO  loaded plugin test-pass 1.2.3 (ABI 1)");
}

TEST_F(CliTest, UnknownPluginParamNamesTheConfigPosition) {
  const fs::path file = write("param.toml", pass_plugin_config("[plugin.params]\nlevle = 4\n"));
  const Result r = run({"--config", file.string(), "--check-config"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_HAS(r.err, file.string() + ":7:1: plugin \"" WSX_TEST_PLUGIN_PASS "\"");
  EXPECT_HAS(r.err,
             "unknown parameter \"levle\"; accepted: greeting (string), level (integer), verbose "
             "(boolean)");
}

TEST_F(CliTest, MissingPluginNamesTheConfigPositionAndResolvedPath) {
  const fs::path file = write("missing.toml", "[[plugin]]\npath = \"plugins/none.so\"\n");
  const Result r = run({"--config", file.string(), "--check-config"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_HAS(r.err, file.string() + ":2:8: plugin \"" + (dir_ / "plugins/none.so").string() +
                        "\": file does not exist");
}

TEST_F(CliTest, RelativePluginPathIsResolvedAgainstTheConfigFolder) {
  fs::create_directories(dir_ / "conf");
  const fs::path relative = fs::relative(WSX_TEST_PLUGIN_PASS, dir_ / "conf");
  write("conf/rel.toml", "[[plugin]]\npath = \"" + relative.string() + "\"\n");
  // Run from somewhere else: the path must not depend on the current directory.
  const Result r = run({"--config", (dir_ / "conf/rel.toml").string(), "--check-config"}, "/");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_HAS(r.out, "plugins: 1 loaded");
}

TEST_F(CliTest, ListPluginsPrintsEachManifestAndDisabledEntries) {
  const fs::path file =
      write("list.toml", pass_plugin_config() +
                             "\n[[plugin]]\npath = \"/nonexistent/off.so\"\nenabled = false\n");
  const Result r = run({"--config", file.string(), "--list-plugins"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_HAS(r.out, "plugin: " WSX_TEST_PLUGIN_PASS "\n  name: test-pass\n  version: 1.2.3\n");
  EXPECT_HAS(r.out, "  ABI: version 1 (host speaks 1..1)\n");
  EXPECT_HAS(r.out, "  token: x-test-pass  roles: server+client  RSV: none\n");
  EXPECT_HAS(r.out, "  param: level (integer) - ");
  EXPECT_HAS(r.out, "plugin: /nonexistent/off.so\n  disabled (");
  EXPECT_HAS(r.out, "  configured: nothing ([plugin.params] empty: the plugin's defaults)\n");
}

TEST_F(CliTest, ListPluginsShowsTheConfiguredValues) {
  const fs::path file =
      write("params.toml", pass_plugin_config("[plugin.params]\nlevel = 4\ngreeting = \"hi\"\n"));
  const Result r = run({"--config", file.string(), "--list-plugins"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_HAS(r.out, "  configured: level = 4 (" + file.string() + ":7:");
  EXPECT_HAS(r.out, "  configured: greeting = \"hi\" (" + file.string() + ":8:");
}

TEST_F(CliTest, CheckPluginPrintsManifestAndNegotiation) {
  const Result r = run({"--check-plugin", WSX_TEST_PLUGIN_PASS});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_HAS(r.out, "plugin: " WSX_TEST_PLUGIN_PASS "\n");
  EXPECT_HAS(r.out, "  name: test-pass\n");
  EXPECT_HAS(r.out, "  token: x-test-pass  roles: server+client  RSV: none\n");
  EXPECT_HAS(r.out, "ABI negotiation: host speaks [1, 1], plugin chose 1: OK\n");
}

TEST_F(CliTest, CheckPluginIgnoresTheConfigFile) {
  // No config/wsx.toml in the temp folder: --check-plugin must not need one.
  EXPECT_EQ(run({"--check-plugin", WSX_TEST_PLUGIN_VALID}).exit_code, 0);
}

TEST_F(CliTest, CheckPluginRefusesAPluginWithTheReason) {
  struct Case {
    const char* plugin;
    const char* reason;
  };
  for (const Case& c :
       {Case{WSX_TEST_PLUGIN_ABI_V2, "chose ABI version 2, outside the host's range [1, 1]"},
        Case{WSX_TEST_PLUGIN_REFUSE_ABI, "refused ABI negotiation"},
        Case{WSX_TEST_PLUGIN_NO_ENTRY, "\"wsx_negotiate_plugin_abi\""},
        Case{WSX_TEST_PLUGIN_TOKEN_COMMA, "\"x,y\" is not an RFC 7230 token"},
        Case{"/nonexistent/x.so", "file does not exist"}}) {
    const Result r = run({"--check-plugin", c.plugin});
    EXPECT_EQ(r.exit_code, 1) << c.plugin;
    EXPECT_HAS(r.err, std::string("plugin \"") + c.plugin + "\"");
    EXPECT_HAS(r.err, c.reason);
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST_F(CliTest, CheckPluginResolvesARelativePathAgainstTheCurrentDirectory) {
  const fs::path plugin = WSX_TEST_PLUGIN_PASS;
  const Result r = run({"--check-plugin", plugin.filename().string()}, plugin.parent_path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_HAS(r.out, "plugin: " + plugin.string() + "\n");
}

}  // namespace
