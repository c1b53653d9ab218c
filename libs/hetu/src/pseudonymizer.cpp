#include "yhteys/hetu/pseudonymizer.hpp"

#include <openssl/crypto.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "yhteys/hetu/detail/hmac_sha256.hpp"
#include "yhteys/hetu/identity_code.hpp"

namespace yhteys::hetu {
namespace {

constexpr char kShortKeyMessage[] = "pseudonym key must be at least 32 bytes";

// Wipes a string's bytes before it is released.
void Wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

absl::Status FileError(int err, const std::string& path) {
  const std::string message = "pseudonym key file " + path + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR: return absl::NotFoundError(message);
    case EACCES:
    case EPERM: return absl::PermissionDeniedError(message);
    default: return absl::FailedPreconditionError(message);
  }
}

}  // namespace

absl::StatusOr<Pseudonymizer> Pseudonymizer::FromKey(std::string key) {
  if (key.size() < kMinKeyBytes) {
    Wipe(key);
    return absl::InvalidArgumentError(kShortKeyMessage);
  }
  return Pseudonymizer(std::move(key));
}

absl::StatusOr<Pseudonymizer> Pseudonymizer::FromKeyFile(const std::string& path) {
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  errno = 0;
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) return FileError(errno, path);

  std::string key;
  char buffer[4096];
  for (;;) {
    const std::size_t n = std::fread(buffer, 1, sizeof(buffer), file.get());
    key.append(buffer, n);
    if (n < sizeof(buffer)) break;
  }
  const bool read_failed = std::ferror(file.get()) != 0;
  const int read_errno = errno;
  OPENSSL_cleanse(buffer, sizeof(buffer));
  if (read_failed) {
    Wipe(key);
    return FileError(read_errno != 0 ? read_errno : EIO, path);
  }

  if (!key.empty() && key.back() == '\n') {
    key.pop_back();
    if (!key.empty() && key.back() == '\r') key.pop_back();
  }
  if (key.size() < kMinKeyBytes) {
    Wipe(key);
    return absl::InvalidArgumentError("pseudonym key file " + path + ": " + kShortKeyMessage);
  }
  return Pseudonymizer(std::move(key));
}

Pseudonymizer& Pseudonymizer::operator=(const Pseudonymizer& other) {
  if (this != &other) {
    Wipe(key_);
    key_ = other.key_;
  }
  return *this;
}

Pseudonymizer::Pseudonymizer(Pseudonymizer&& other) noexcept : key_(std::move(other.key_)) { Wipe(other.key_); }

Pseudonymizer& Pseudonymizer::operator=(Pseudonymizer&& other) noexcept {
  if (this != &other) {
    Wipe(key_);
    key_ = std::move(other.key_);
    Wipe(other.key_);
  }
  return *this;
}

Pseudonymizer::~Pseudonymizer() { Wipe(key_); }

std::string Pseudonymizer::Pseudonym(std::string_view normalized_identity_code) const {
  std::string code = NormalizeIdentityCode(normalized_identity_code);
  std::string pseudonym = detail::HmacSha256Hex(key_, code);
  Wipe(code);
  return pseudonym;
}

absl::StatusOr<IdentifiedPerson> IdentifyPerson(std::string_view raw_code, std::string_view field,
                                                const ValidationOptions& options, const Pseudonymizer& pseudonymizer) {
  constexpr std::string_view kCodeField = "identity_code";
  const std::string code = NormalizeIdentityCode(raw_code);
  if (code.empty()) return absl::InvalidArgumentError(std::string(field) + ": required");
  auto parsed = ParseIdentityCode(code, options);
  if (!parsed.ok()) {
    // The validator names "identity_code"; name the request's field instead.
    std::string message(parsed.status().message());
    if (std::string_view(message).starts_with(kCodeField)) message.erase(0, kCodeField.size());
    return absl::InvalidArgumentError(std::string(field) + message);
  }
  IdentifiedPerson person;
  person.pseudonym = pseudonymizer.Pseudonym(code);
  person.birth_date = parsed->birth_date;
  person.age_years = AgeOn(*parsed, options.today);
  person.individual_number = parsed->individual_number;
  person.female_by_number = parsed->female_by_number;
  return person;
}

absl::StatusOr<std::string> PseudonymOfIdentityCode(std::string_view raw_code, const ValidationOptions& options,
                                                    const Pseudonymizer& pseudonymizer) {
  auto person = IdentifyPerson(raw_code, "identity_code", options, pseudonymizer);
  if (!person.ok()) return person.status();
  return std::move(person->pseudonym);
}

}  // namespace yhteys::hetu
