#pragma once
// Splitting identity URIs and audit paths (std::string_view throughout).

#include <string_view>
#include <vector>

namespace yhteys::access::detail {

// `text` split at every `sep` (empty parts kept).
inline std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t at = text.find(sep); at != std::string_view::npos; at = text.find(sep, start)) {
    parts.push_back(text.substr(start, at - start));
    start = at + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

}  // namespace yhteys::access::detail
