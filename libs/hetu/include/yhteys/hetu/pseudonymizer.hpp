// Keyed pseudonyms for identity codes: lowercase hex HMAC-SHA-256 over the
// normalised code, with a secret key (at least 32 bytes) usually read from a
// secret file. Events and logs carry the pseudonym, never the code.
//
// Thread-safety: a Pseudonymizer is immutable after construction; Pseudonym()
// is const and safe to call concurrently from any number of threads.
//
// Failure modes: FromKey / FromKeyFile return InvalidArgument for a key shorter
// than 32 bytes and NotFound / PermissionDenied / FailedPrecondition when the
// key file cannot be read. Error messages may name the file path but never
// contain key material. The key has no accessor and no printer; it is wiped
// from memory when the object is destroyed or assigned over.
#ifndef YHTEYS_HETU_PSEUDONYMIZER_HPP_
#define YHTEYS_HETU_PSEUDONYMIZER_HPP_

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"

namespace yhteys::hetu {

class Pseudonymizer {
 public:
  static constexpr std::size_t kMinKeyBytes = 32;

  // Takes the key bytes as they are. Fails with InvalidArgument
  // "pseudonym key must be at least 32 bytes" for shorter keys.
  static absl::StatusOr<Pseudonymizer> FromKey(std::string key);

  // Reads the key from `path` (binary); exactly one trailing newline ("\n" or
  // "\r\n") is stripped, anything else is key material.
  static absl::StatusOr<Pseudonymizer> FromKeyFile(const std::string& path);

  // Copies share nothing; every copy wipes its own key when destroyed or
  // overwritten (best effort: buffers the standard library freed earlier,
  // e.g. while reading the file, are not tracked).
  Pseudonymizer(const Pseudonymizer& other) = default;
  Pseudonymizer& operator=(const Pseudonymizer& other);
  Pseudonymizer(Pseudonymizer&& other) noexcept;
  Pseudonymizer& operator=(Pseudonymizer&& other) noexcept;
  ~Pseudonymizer();

  // 64 lowercase hex characters: HMAC-SHA-256(key, code). Surrounding
  // whitespace is trimmed first (NormalizeIdentityCode), so " X " and "X" give
  // the same pseudonym; otherwise the bytes are used as given. The code is
  // not validated: pass a code that ParseIdentityCode accepted.
  std::string Pseudonym(std::string_view normalized_identity_code) const;

 private:
  explicit Pseudonymizer(std::string key) : key_(std::move(key)) {}

  std::string key_;
};

struct ValidationOptions;

// The pseudonym of an identity code as a request sent it: trimmed
// (NormalizeIdentityCode), required ("identity_code: required"), validated
// (ParseIdentityCode under `options`), then pseudonymised. Errors are
// INVALID_ARGUMENT naming identity_code and never echo the code.
absl::StatusOr<std::string> PseudonymOfIdentityCode(std::string_view raw_code, const ValidationOptions& options,
                                                    const Pseudonymizer& pseudonymizer);

// What a service keeps of a person a request names by identity code: the
// pseudonym, and what the code says (birth date, age on the validation day,
// the individual number and its parity); never the code itself.
struct IdentifiedPerson {
  std::string pseudonym;
  std::chrono::year_month_day birth_date;
  int age_years = 0;  // on options.today
  int individual_number = 0;
  bool female_by_number = false;
};

// PseudonymOfIdentityCode, keeping what the code says. `field` is the
// request field in errors ("identity_code", or "members[2].identity_code"
// for a code inside a repeated message).
absl::StatusOr<IdentifiedPerson> IdentifyPerson(std::string_view raw_code, std::string_view field,
                                                const ValidationOptions& options, const Pseudonymizer& pseudonymizer);

}  // namespace yhteys::hetu

#endif  // YHTEYS_HETU_PSEUDONYMIZER_HPP_
