// Internationalised domain names for the "hostname" and "idn-hostname"
// formats: Punycode (RFC 3492) and a deliberately small subset of the IDNA
// rules (RFC 5890-5893). Like the format checks that use it, it is linear in
// the input, non-recursive and allocation-free, so it is safe on very long
// strings inside the server.
#pragma once

#include <string_view>

namespace schemareg {

// True when UTF-8 `name` is a valid "hostname", or with `idn` an "idn-hostname".
bool IsValidHostname(std::string_view name, bool idn);

}  // namespace schemareg
