#include "server/tls_material.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>

#include "http/host.h"
#include "util/encoding.h"
#include "util/file.h"

namespace kubeiam::server {
namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::unexpected<Error> OpenSslError(const std::string& what) {
  return Fail(ErrorCode::kInternal, what + " failed (OpenSSL)");
}

Key NewKey() { return Key(EVP_EC_gen("P-256")); }

std::string Pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size_t(n));
}

std::string Pem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size_t(n));
}

Result<Key> ReadKey(const std::string& path) {
  auto text = ReadFile(path);
  if (!text) return std::unexpected(text.error());
  Bio bio(BIO_new_mem_buf(text->data(), int(text->size())));
  Key k(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!k) return Fail(ErrorCode::kInvalidArgument, path + " is not a PEM private key");
  return k;
}

Result<Cert> ReadCert(const std::string& path) {
  auto text = ReadFile(path);
  if (!text) return std::unexpected(text.error());
  Bio bio(BIO_new_mem_buf(text->data(), int(text->size())));
  Cert c(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!c) return Fail(ErrorCode::kInvalidArgument, path + " is not a PEM certificate");
  return c;
}

void AddExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext) {
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
}

Result<Cert> NewCert(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key, bool ca,
                     const std::string& sans, long days) {
  Cert c(X509_new());
  X509_set_version(c.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(c.get()), -300);
  X509_gmtime_adj(X509_getm_notAfter(c.get()), days * 86400);
  X509_set_pubkey(c.get(), key);
  X509_NAME* name = X509_get_subject_name(c.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* signer = issuer ? issuer : c.get();
  X509_set_issuer_name(c.get(), X509_get_subject_name(signer));
  if (ca) {
    AddExt(c.get(), signer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    AddExt(c.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  } else {
    AddExt(c.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    AddExt(c.get(), signer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    AddExt(c.get(), signer, NID_ext_key_usage, "serverAuth");
    AddExt(c.get(), signer, NID_subject_alt_name, sans);
  }
  AddExt(c.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer) AddExt(c.get(), signer, NID_authority_key_identifier, "keyid:always");
  if (X509_sign(c.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0) return OpenSslError("signing a certificate");
  return c;
}

std::string SanList(const std::vector<std::string>& hosts) {
  std::vector<std::string> all = {"127.0.0.1", "::1", "localhost"};
  for (const auto& h : hosts) {
    if (!h.empty() && h != "0.0.0.0" && h != "::" && std::find(all.begin(), all.end(), h) == all.end()) all.push_back(h);
  }
  std::string out;
  for (const auto& h : all) {
    bool ip = http::IsIpLiteral(h);
    out += (out.empty() ? "" : ",") + std::string(ip ? "IP:" : "DNS:") + h;
  }
  return out;
}

}  // namespace

TlsPaths TlsPathsIn(const std::string& dir) {
  return {dir + "/ca.crt", dir + "/ca.key", dir + "/server.crt", dir + "/server.key", dir + "/kubeconfig.yaml",
          dir + "/authorize-kubeconfig.yaml"};
}

Result<TlsPaths> EnsureTlsMaterial(const std::string& state_dir, const std::vector<std::string>& hosts) {
  if (auto s = MakeDirs(state_dir, 0700); !s) return std::unexpected(s.error());
  TlsPaths p = TlsPathsIn(state_dir);
  Key ca_key;
  Cert ca_cert;
  if (Exists(p.ca_cert) && Exists(p.ca_key)) {
    auto k = ReadKey(p.ca_key);
    if (!k) return std::unexpected(k.error());
    auto c = ReadCert(p.ca_cert);
    if (!c) return std::unexpected(c.error());
    ca_key = std::move(*k);
    ca_cert = std::move(*c);
  } else {
    ca_key = NewKey();
    if (!ca_key) return OpenSslError("generating the CA key");
    auto c = NewCert(ca_key.get(), "kubeiam CA", nullptr, nullptr, true, "", 3650);
    if (!c) return std::unexpected(c.error());
    ca_cert = std::move(*c);
    if (auto s = WriteFileAtomic(p.ca_key, Pem(ca_key.get()), 0600); !s) return std::unexpected(s.error());
    if (auto s = WriteFileAtomic(p.ca_cert, Pem(ca_cert.get()), 0644); !s) return std::unexpected(s.error());
  }
  if (!Exists(p.server_cert) || !Exists(p.server_key)) {
    Key key = NewKey();
    if (!key) return OpenSslError("generating the server key");
    auto c = NewCert(key.get(), "kubeiam", ca_cert.get(), ca_key.get(), false, SanList(hosts), 825);
    if (!c) return std::unexpected(c.error());
    if (auto s = WriteFileAtomic(p.server_key, Pem(key.get()), 0600); !s) return std::unexpected(s.error());
    if (auto s = WriteFileAtomic(p.server_cert, Pem(c->get()), 0644); !s) return std::unexpected(s.error());
  }
  return p;
}

std::string AuthenticateUrl(const std::string& host, int port) {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "https://" + h + ":" + std::to_string(port) + "/authenticate";
}

std::string AuthorizeUrl(const std::string& host, int port) {
  std::string url = AuthenticateUrl(host, port);
  return url.substr(0, url.rfind('/')) + "/authorize";
}

namespace {

Status WriteKubeconfig(const TlsPaths& paths, const std::string& path, const std::string& server_url) {
  auto ca = ReadFile(paths.ca_cert);
  if (!ca) return std::unexpected(ca.error());
  std::string text = "apiVersion: v1\nkind: Config\nclusters:\n- name: kubeiam\n  cluster:\n"
                     "    certificate-authority-data: " + Base64Encode(*ca) + "\n    server: " + server_url +
                     "\n# user refers to the API server client\nusers:\n- name: apiserver\n"
                     "current-context: webhook\ncontexts:\n- name: webhook\n  context:\n    cluster: kubeiam\n"
                     "    user: apiserver\n";
  return WriteFileAtomic(path, text, 0600);
}

}  // namespace

Status WriteWebhookKubeconfig(const TlsPaths& paths, const std::string& server_url) {
  return WriteKubeconfig(paths, paths.kubeconfig, server_url);
}

Status WriteWebhookKubeconfigs(const TlsPaths& paths, const std::string& host, int port) {
  if (auto s = WriteKubeconfig(paths, paths.kubeconfig, AuthenticateUrl(host, port)); !s) return s;
  return WriteKubeconfig(paths, paths.authorize_kubeconfig, AuthorizeUrl(host, port));
}

}  // namespace kubeiam::server
