#include "net/tls_stream.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <string_view>

namespace wsx::net {

// The outgoing BIO: appends every record to its TlsStream's out_ vector.
struct OutputBio {
  static int write(BIO* bio, const char* data, int length) {
    auto* stream = static_cast<TlsStream*>(BIO_get_data(bio));
    try {
      stream->out_.insert(stream->out_.end(), data, data + length);
    } catch (const std::bad_alloc&) {
      return -1;
    }
    return length;
  }
  static long ctrl(BIO* bio, int command, long, void*) {
    switch (command) {
      case BIO_CTRL_FLUSH:
        return 1;
      case BIO_CTRL_WPENDING:
      case BIO_CTRL_PENDING:
        return static_cast<long>(static_cast<TlsStream*>(BIO_get_data(bio))->pending_size());
      default:
        return 0;
    }
  }
  static int create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
  }
  // Made once per process and never changed (a method table, not state).
  static const BIO_METHOD* method() {
    static const BIO_METHOD* const made = [] {
      BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "wsx-output");
      if (m != nullptr) {
        BIO_meth_set_write(m, &OutputBio::write);
        BIO_meth_set_ctrl(m, &OutputBio::ctrl);
        BIO_meth_set_create(m, &OutputBio::create);
      }
      return m;
    }();
    return made;
  }
};

TlsStream::TlsStream(TlsContextPtr context, TlsRole role) : context_(std::move(context)) {
  ssl_.reset(SSL_new(context_.get()));
  in_ = BIO_new(BIO_s_mem());
  const BIO_METHOD* method = OutputBio::method();
  BIO* out = method != nullptr ? BIO_new(method) : nullptr;
  if (!ssl_ || in_ == nullptr || out == nullptr) {
    BIO_free(in_);
    BIO_free(out);
    throw std::bad_alloc();
  }
  BIO_set_data(out, this);
  // An empty memory BIO reports "retry", not end of stream.
  BIO_set_mem_eof_return(in_, -1);
  SSL_set_bio(ssl_.get(), in_, out);  // ssl_ owns both from here
  if (role == TlsRole::client) {
    sniffing_ = false;  // the server speaks second: nothing to tell apart
    SSL_set_connect_state(ssl_.get());
  } else {
    SSL_set_accept_state(ssl_.get());
  }
}

std::string TlsStream::negotiated() const {
  std::string text = SSL_get_version(ssl_.get());
  text += ' ';
  text += SSL_get_cipher_name(ssl_.get());
  const int group = SSL_get_negotiated_group(ssl_.get());
  if (group > 0 && (group & TLSEXT_nid_unknown) == 0) {
    const char* name = OBJ_nid2sn(group);
    if (name != nullptr) {
      text += ' ';
      text += name;
    }
  }
  return text;
}

TlsStream::TlsStream(TlsContextPtr context, const std::string& server_name)
    : TlsStream(std::move(context), TlsRole::client) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_.get());
  // An IP literal is checked against the certificate's IP addresses; a name
  // against its DNS names, wildcards in the leftmost label only.
  if (X509_VERIFY_PARAM_set1_ip_asc(param, server_name.c_str()) != 1) {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (SSL_set_tlsext_host_name(ssl_.get(), server_name.c_str()) != 1 ||
        SSL_set1_host(ssl_.get(), server_name.c_str()) != 1) {
      throw std::bad_alloc();
    }
  }
  ERR_clear_error();
}

void TlsStream::feed(std::span<const std::uint8_t> ciphertext) {
  while (!ciphertext.empty()) {
    const std::size_t chunk =
        std::min<std::size_t>(ciphertext.size(), std::numeric_limits<int>::max());
    const int written = BIO_write(in_, ciphertext.data(), static_cast<int>(chunk));
    if (written <= 0) throw std::bad_alloc();
    ciphertext = ciphertext.subspan(static_cast<std::size_t>(written));
  }
}

bool TlsStream::handshake_done() const noexcept {
  return SSL_is_init_finished(ssl_.get()) == 1;
}

TlsStream::Status TlsStream::fail(int result, const char* what) {
  const int code = SSL_get_error(ssl_.get(), result);
  switch (code) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return Status::want_more;
    case SSL_ERROR_ZERO_RETURN:
      return Status::closed;
    default:
      break;
  }
  error_ = what;
  error_ += ": ";
  error_ +=
      take_openssl_error(code == SSL_ERROR_SYSCALL ? "unexpected end of stream" : "unknown error");
  if (code == SSL_ERROR_SSL && SSL_get_verify_result(ssl_.get()) != X509_V_OK) {
    error_ += " (";
    error_ += X509_verify_cert_error_string(SSL_get_verify_result(ssl_.get()));
    error_ += ")";
  }
  return Status::failed;
}

TlsStream::Status TlsStream::sniff_first_bytes() {
  // A TLS connection opens with a handshake record, content type 22 (RFC
  // 8446 section 5.1). An HTTP/1.1 request line opens with a method token
  // and a space (RFC 9112 section 3); methods are upper case by convention
  // (RFC 9110 section 9.1), which is what nginx's check relies on too.
  // Anything else goes to OpenSSL, which fails it as garbage.
  static constexpr std::size_t kLongestMethod = 16;
  char* data = nullptr;
  const long size = BIO_get_mem_data(in_, &data);
  const std::string_view bytes(data, size > 0 ? static_cast<std::size_t>(size) : 0);
  if (bytes.empty()) return Status::want_more;
  std::size_t letters = 0;
  while (letters < bytes.size() && letters < kLongestMethod && bytes[letters] >= 'A' &&
         bytes[letters] <= 'Z')
    ++letters;
  if (letters == 0) {
    sniffing_ = false;  // a TLS record (or garbage): OpenSSL decides
    return Status::ok;
  }
  if (letters == bytes.size() && letters < kLongestMethod) return Status::want_more;
  if (letters < bytes.size() && bytes[letters] == ' ') {
    plain_http_ = true;
    error_ = "plain HTTP request sent to the TLS port";
    return Status::failed;
  }
  sniffing_ = false;
  return Status::ok;
}

TlsStream::Status TlsStream::handshake() {
  if (sniffing_) {
    const Status sniffed = sniff_first_bytes();
    if (sniffed != Status::ok) return sniffed;
  }
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_.get());
  if (result == 1) return Status::ok;
  return fail(result, "tls handshake failed");
}

TlsStream::Status TlsStream::read(std::span<std::uint8_t> out, std::size_t& n) {
  ERR_clear_error();
  n = 0;
  if (SSL_read_ex(ssl_.get(), out.data(), out.size(), &n) == 1) return Status::ok;
  return fail(0, "tls read failed");
}

bool TlsStream::write(std::span<const std::uint8_t> plaintext) {
  if (plaintext.empty()) return true;
  ERR_clear_error();
  std::size_t written = 0;
  if (SSL_write_ex(ssl_.get(), plaintext.data(), plaintext.size(), &written) == 1 &&
      written == plaintext.size()) {
    return true;
  }
  (void)fail(0, "tls write failed");
  return false;
}

bool TlsStream::write_gathered(std::span<const std::span<const std::uint8_t>> segments,
                               std::span<std::uint8_t> staging) {
  std::size_t staged = 0;
  for (std::span<const std::uint8_t> bytes : segments) {
    while (!bytes.empty()) {
      if (staged == 0 && bytes.size() >= kMaxRecordPlaintext) {
        // Whole records straight from the segment; its tail may join the next.
        const std::size_t whole = bytes.size() / kMaxRecordPlaintext * kMaxRecordPlaintext;
        if (!write(bytes.first(whole))) return false;
        bytes = bytes.subspan(whole);
        continue;
      }
      const std::size_t take = std::min(kMaxRecordPlaintext - staged, bytes.size());
      std::memcpy(staging.data() + staged, bytes.data(), take);
      staged += take;
      bytes = bytes.subspan(take);
      if (staged == kMaxRecordPlaintext) {
        if (!write(staging.first(staged))) return false;
        staged = 0;
      }
    }
  }
  return write(staging.first(staged));
}

void TlsStream::shrink_when_idle() {
  if (pending_size() == 0) out_ = {};
  if (BIO_ctrl_pending(in_) != 0) return;
  // A mem BIO keeps its largest size once read; a fresh one holds nothing.
  BIO* fresh = BIO_new(BIO_s_mem());
  if (fresh == nullptr) return;  // keep the old one: still correct
  BIO_set_mem_eof_return(fresh, -1);
  in_ = fresh;
  SSL_set0_rbio(ssl_.get(), fresh);  // frees the old one
}

void TlsStream::shutdown() noexcept {
  if (!handshake_done()) return;
  ERR_clear_error();
  (void)SSL_shutdown(ssl_.get());
  ERR_clear_error();
}

std::span<const std::uint8_t> TlsStream::pending() noexcept {
  return {out_.data() + sent_, out_.size() - sent_};
}

void TlsStream::consume(std::size_t n) {
  sent_ += n;
  if (sent_ < out_.size()) return;
  sent_ = 0;
  out_.clear();                                  // keeps the capacity for the next flush...
  if (out_.capacity() > kKeepOutput) out_ = {};  // ...unless a big message grew it
}

}  // namespace wsx::net
