#pragma once
// Makes every Yhteys contract available in protobuf's generated descriptor
// pool, so events can be decoded by their ce_type (the message's full
// name). The linker drops shared libraries nothing refers to; calling this
// refers to each of them.

namespace yhteys::proto {

void LinkAllContracts();

}  // namespace yhteys::proto
