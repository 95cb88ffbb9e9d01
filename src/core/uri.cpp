#include "core/uri.hpp"

#include <cctype>

namespace schemareg {

namespace {

struct UriParts {
  std::string scheme, authority, path, query, fragment;
  bool has_scheme = false, has_authority = false, has_query = false, has_fragment = false;
};

UriParts Parse(std::string_view s) {
  UriParts p;
  size_t i = 0;
  // A scheme is ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) followed by ':'.
  size_t colon = s.find(':');
  if (colon != std::string_view::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(s[0]))) {
    bool ok = true;
    for (size_t k = 0; k < colon; k++) {
      char c = s[k];
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.')) {
        ok = false;
        break;
      }
    }
    if (ok) {
      p.has_scheme = true;
      p.scheme = std::string(s.substr(0, colon));
      i = colon + 1;
    }
  }
  if (s.substr(i, 2) == "//") {
    p.has_authority = true;
    size_t end = s.find_first_of("/?#", i + 2);
    if (end == std::string_view::npos) end = s.size();
    p.authority = std::string(s.substr(i + 2, end - i - 2));
    i = end;
  }
  size_t end = s.find_first_of("?#", i);
  if (end == std::string_view::npos) end = s.size();
  p.path = std::string(s.substr(i, end - i));
  i = end;
  if (i < s.size() && s[i] == '?') {
    p.has_query = true;
    end = s.find('#', i);
    if (end == std::string_view::npos) end = s.size();
    p.query = std::string(s.substr(i + 1, end - i - 1));
    i = end;
  }
  if (i < s.size() && s[i] == '#') {
    p.has_fragment = true;
    p.fragment = std::string(s.substr(i + 1));
  }
  return p;
}

// RFC 3986 section 5.2.4, reading the input by position (erasing from its
// front would make long paths quadratic).
std::string RemoveDotSegments(const std::string& path) {
  std::string_view in(path);
  std::string out;
  auto starts = [&in](std::string_view prefix) { return in.substr(0, prefix.size()) == prefix; };
  auto drop_last_segment = [&out] {
    size_t last = out.rfind('/');
    out.erase(last == std::string::npos ? 0 : last);
  };
  while (!in.empty()) {
    if (starts("../")) {
      in.remove_prefix(3);
    } else if (starts("./")) {
      in.remove_prefix(2);
    } else if (starts("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (starts("/../")) {
      in.remove_prefix(3);
      drop_last_segment();
    } else if (in == "/..") {
      in = "/";
      drop_last_segment();
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      size_t next = in.find('/', in[0] == '/' ? 1 : 0);
      if (next == std::string_view::npos) next = in.size();
      out.append(in.substr(0, next));
      in.remove_prefix(next);
    }
  }
  return out;
}

std::string Compose(const UriParts& p) {
  std::string out;
  if (p.has_scheme) out += p.scheme + ":";
  if (p.has_authority) out += "//" + p.authority;
  out += p.path;
  if (p.has_query) out += "?" + p.query;
  if (p.has_fragment) out += "#" + p.fragment;
  return out;
}

}  // namespace

std::string ResolveUri(std::string_view base, std::string_view ref) {
  UriParts r = Parse(ref);
  UriParts b = Parse(base);
  UriParts t;
  if (r.has_scheme) {
    t = r;
    t.path = RemoveDotSegments(r.path);
  } else {
    t.scheme = b.scheme;
    t.has_scheme = b.has_scheme;
    if (r.has_authority) {
      t.has_authority = true;
      t.authority = r.authority;
      t.path = RemoveDotSegments(r.path);
      t.has_query = r.has_query;
      t.query = r.query;
    } else {
      t.has_authority = b.has_authority;
      t.authority = b.authority;
      if (r.path.empty()) {
        t.path = b.path;
        t.has_query = r.has_query || b.has_query;
        t.query = r.has_query ? r.query : b.query;
      } else {
        if (r.path[0] == '/') {
          t.path = RemoveDotSegments(r.path);
        } else if (b.has_authority && b.path.empty()) {
          t.path = RemoveDotSegments("/" + r.path);
        } else {
          size_t slash = b.path.rfind('/');
          std::string merged = slash == std::string::npos ? "" : b.path.substr(0, slash + 1);
          t.path = RemoveDotSegments(merged + r.path);
        }
        t.has_query = r.has_query;
        t.query = r.query;
      }
    }
  }
  t.has_fragment = r.has_fragment;
  t.fragment = r.fragment;
  return Compose(t);
}

void SplitFragment(std::string_view uri, std::string* without_fragment, std::string* fragment) {
  size_t hash = uri.find('#');
  if (hash == std::string_view::npos) {
    *without_fragment = std::string(uri);
    fragment->clear();
  } else {
    *without_fragment = std::string(uri.substr(0, hash));
    *fragment = std::string(uri.substr(hash + 1));
  }
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace schemareg
