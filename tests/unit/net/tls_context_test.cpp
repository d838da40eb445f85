// make_tls_context (host/net/tls_context.hpp): certificates made at test
// time by the openssl command (no private key is committed); what the
// context enforces, and errors that name the file.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "net/tls_context.hpp"

namespace wsx {
namespace {

namespace fs = std::filesystem;

class TlsContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/wsx-tls-context-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    make_certificate("server", "/CN=wsx.test");
    make_certificate("other", "/CN=other.test");
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  void make_certificate(const std::string& name, const std::string& subject) {
    const std::string command =
        "cd '" + dir_.string() +
        "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " +
        name + ".key -out " + name + ".pem -days 30 -subj '" + subject + "' >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }

  [[nodiscard]] TlsSettings settings(const std::string& cert, const std::string& key) const {
    TlsSettings out;
    out.certificate = dir_ / (cert + ".pem");
    out.private_key = dir_ / (key + ".key");
    return out;
  }

  [[nodiscard]] std::string error_of(const TlsSettings& settings) const {
    try {
      (void)make_tls_context(settings);
    } catch (const TlsError& error) {
      return error.what();
    }
    ADD_FAILURE() << "no error";
    return {};
  }

  fs::path dir_;
};

TEST_F(TlsContextTest, LoadsAndDescribesTheCertificate) {
  const TlsContext tls = make_tls_context(settings("server", "server"));
  ASSERT_NE(tls.context, nullptr);
  EXPECT_EQ(tls.certificate.subject, "CN=wsx.test");
  EXPECT_NE(tls.certificate.not_after.find("GMT"), std::string::npos) << tls.certificate.not_after;
  SSL_CTX* ctx = tls.context.get();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_max_proto_version(ctx), TLS1_3_VERSION);
  EXPECT_NE(SSL_CTX_get_options(ctx) & SSL_OP_NO_RENEGOTIATION, 0u);
  EXPECT_NE(SSL_CTX_get_options(ctx) & SSL_OP_CIPHER_SERVER_PREFERENCE, 0u);
  EXPECT_NE(SSL_CTX_get_mode(ctx) & SSL_MODE_RELEASE_BUFFERS, 0u);
  EXPECT_EQ(SSL_CTX_get_verify_mode(ctx), SSL_VERIFY_NONE);
}

TEST_F(TlsContextTest, MinVersionAndClientVerification) {
  TlsSettings strict = settings("server", "server");
  strict.tls1_3_only = true;
  strict.ca = dir_ / "other.pem";
  strict.verify_client = true;
  const TlsContext tls = make_tls_context(strict);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(tls.context.get()), TLS1_3_VERSION);
  EXPECT_EQ(SSL_CTX_get_verify_mode(tls.context.get()),
            SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
}

TEST_F(TlsContextTest, TheTls12CiphersAreEcdheAeadOnly) {
  const TlsContext tls = make_tls_context(settings("server", "server"));
  STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(tls.context.get());
  ASSERT_NE(ciphers, nullptr);
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* cipher = sk_SSL_CIPHER_value(ciphers, i);
    // TLS 1.3 suites (all AEAD, OpenSSL names them "TLS_...") are not in the list we set.
    if (std::string(SSL_CIPHER_get_name(cipher)).rfind("TLS_", 0) == 0) continue;
    EXPECT_EQ(SSL_CIPHER_get_kx_nid(cipher), NID_kx_ecdhe) << SSL_CIPHER_get_name(cipher);
    EXPECT_TRUE(SSL_CIPHER_is_aead(cipher)) << SSL_CIPHER_get_name(cipher);
  }
}

TEST_F(TlsContextTest, AKeyThatDoesNotMatchNamesTheKeyFile) {
  const std::string error = error_of(settings("server", "other"));
  EXPECT_EQ(error.rfind((dir_ / "other.key").string() + ": ", 0), 0u) << error;
  EXPECT_NE(error.find("key values mismatch"), std::string::npos) << error;
}

TEST_F(TlsContextTest, MissingOrBrokenFilesAreNamed) {
  std::string error = error_of(settings("missing", "server"));
  EXPECT_EQ(error.rfind((dir_ / "missing.pem").string() + ": cannot load the certificate", 0), 0u)
      << error;
  std::ofstream(dir_ / "broken.key") << "-----BEGIN PRIVATE KEY-----\nnot base64\n";
  error = error_of(settings("server", "broken"));
  EXPECT_EQ(error.rfind((dir_ / "broken.key").string() + ": ", 0), 0u) << error;
  TlsSettings bad_ca = settings("server", "server");
  bad_ca.ca = dir_ / "no-such-ca.pem";
  error = error_of(bad_ca);
  EXPECT_EQ(error.rfind((dir_ / "no-such-ca.pem").string() + ": cannot load the CA bundle", 0), 0u)
      << error;
}

}  // namespace
}  // namespace wsx
