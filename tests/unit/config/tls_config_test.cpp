// [server.tls]: paths resolved against the config file's folder, every key
// with its default, and the errors (file:line:column).
#include <gtest/gtest.h>

#include <string>

#include "config/config_error.hpp"
#include "config/config_loader.hpp"

namespace wsx::config {
namespace {

std::string error_of(std::string_view text) {
  try {
    (void)parse_config(text, "conf/wsx.toml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return {};
}

TEST(TlsConfigTest, AbsentMeansPlainWs) {
  const Config config = parse_config("[server]\nport = 1\n", "wsx.toml");
  EXPECT_FALSE(config.server.tls.present);
}

TEST(TlsConfigTest, PathsAreRelativeToTheConfigFileAndDefaultsApply) {
  const Config config = parse_config(R"(
[server.tls]
certificate = "tls/server.pem"
private_key = "../keys/server.key"
)",
                                     "/etc/wsx/wsx.toml");
  const Tls& tls = config.server.tls;
  EXPECT_TRUE(tls.present);
  EXPECT_EQ(tls.certificate, std::filesystem::path("/etc/wsx/tls/server.pem"));
  EXPECT_EQ(tls.private_key, std::filesystem::path("/etc/keys/server.key"));
  EXPECT_TRUE(tls.ca.empty());
  EXPECT_FALSE(tls.verify_client);
  EXPECT_EQ(tls.min_version, TlsVersion::tls1_2);
  EXPECT_EQ(tls.private_key_where.to_string(), "/etc/wsx/wsx.toml:4:15");
}

TEST(TlsConfigTest, ReadsEveryKey) {
  const Config config = parse_config(R"(
[server.tls]
certificate = "/abs/cert.pem"
private_key = "/abs/key.pem"
ca = "clients.pem"
verify_client = true
min_version = "1.3"
)",
                                     "/srv/wsx.toml");
  const Tls& tls = config.server.tls;
  EXPECT_EQ(tls.certificate, std::filesystem::path("/abs/cert.pem"));
  EXPECT_EQ(tls.ca, std::filesystem::path("/srv/clients.pem"));
  EXPECT_TRUE(tls.verify_client);
  EXPECT_EQ(tls.min_version, TlsVersion::tls1_3);
}

TEST(TlsConfigTest, ErrorsArePositioned) {
  EXPECT_EQ(error_of("[server.tls]\ncertificate = \"c.pem\"\n"),
            "conf/wsx.toml:1:1: server.tls: missing required key \"private_key\"; give both "
            "certificate and private_key (PEM files), e.g. certificate = \"tls/server.pem\"");
  EXPECT_NE(
      error_of("[server.tls]\ncertificate = \"c\"\nprivate_key = \"k\"\nmin_version = \"1.1\"\n")
          .find("conf/wsx.toml:4:15: server.tls.min_version: \"1.1\" is not a supported TLS "
                "version; use \"1.2\" or \"1.3\""),
      std::string::npos);
  EXPECT_NE(
      error_of("[server.tls]\ncertificate = \"c\"\nprivate_key = \"k\"\nverify_client = true\n")
          .find("conf/wsx.toml:4:17: server.tls.verify_client: true needs server.tls.ca"),
      std::string::npos);
  EXPECT_NE(error_of("[server.tls]\ncertificate = \"\"\nprivate_key = \"k\"\n")
                .find("conf/wsx.toml:2:15: server.tls.certificate: must not be empty"),
            std::string::npos);
  EXPECT_NE(error_of("[server.tls]\ncertificate = 1\nprivate_key = \"k\"\n")
                .find("conf/wsx.toml:2:15: server.tls.certificate: expected a string"),
            std::string::npos);
  EXPECT_NE(error_of("[server.tls]\ncertificat = \"c\"\n")
                .find("server.tls: unknown key \"certificat\" (did you mean \"certificate\"?)"),
            std::string::npos);
  EXPECT_NE(error_of("[server]\ntls = true\n").find("server.tls: expected a table"),
            std::string::npos);
}

}  // namespace
}  // namespace wsx::config
