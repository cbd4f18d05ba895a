#include "net/api/static_routes.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/net/api/api_fixture.hpp"

namespace verity::net::test {
namespace {

/// The page's sources, next to the test data.
const std::filesystem::path page_dir = std::filesystem::path{VERITY_TEST_DATA_DIR} / "../../web/demo";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(static_routes, content_types_follow_the_extension) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("demo.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("demo.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("favicon.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("README"), "application/octet-stream");
  EXPECT_EQ(content_type_for("demo.js.map.bak"), "application/octet-stream");
}

TEST(static_routes, every_file_of_the_page_is_embedded_byte_for_byte) {
  std::size_t on_disk = 0;
  for (const auto& entry : std::filesystem::directory_iterator{page_dir}) {
    ++on_disk;
    auto name = entry.path().filename().string();
    auto assets = demo_assets();
    auto found = std::find_if(assets.begin(), assets.end(),
                              [&](const static_asset& asset) { return asset.name == name; });
    ASSERT_NE(found, assets.end()) << name << " is not embedded";
    EXPECT_EQ(found->bytes, read_file(entry.path())) << name;
  }
  EXPECT_EQ(demo_assets().size(), on_disk);
}

/// The demo page as the server answers it (the API fixture adds it: no Twilio credentials).
class static_routes_test : public api_fixture {};

TEST_F(static_routes_test, the_page_is_served_with_type_cache_and_security_headers) {
  auto page = call("GET", "/demo/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(page.headers["cache-control"], "no-cache");
  EXPECT_EQ(page.headers["content-security-policy"], static_csp);
  EXPECT_EQ(page.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(page.headers["referrer-policy"], "no-referrer");
  EXPECT_EQ(page.body, read_file(page_dir / "index.html"));
  EXPECT_EQ(call("GET", "/demo/index.html").body, page.body);

  auto script = call("GET", "/demo/demo.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(script.headers["content-security-policy"], static_csp);
  EXPECT_EQ(call("GET", "/demo/demo.css").headers["content-type"], "text/css; charset=utf-8");
}

TEST_F(static_routes_test, the_csp_allows_no_inline_code_or_foreign_origin) {
  std::string csp{static_csp};
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe"), std::string::npos);
  EXPECT_EQ(csp.find("http"), std::string::npos);
  auto page = call("GET", "/demo/").body;
  EXPECT_EQ(page.find("<script>"), std::string::npos) << "no inline script";
  EXPECT_EQ(page.find("style="), std::string::npos) << "no inline style";
}

TEST_F(static_routes_test, the_folder_without_slash_redirects_and_unknown_files_are_404) {
  auto folder = call("GET", "/demo");
  EXPECT_EQ(folder.status, 308);
  EXPECT_EQ(folder.headers["location"], "/demo/");
  EXPECT_EQ(call("GET", "/demo/missing.js").status, 404);
  EXPECT_EQ(call("POST", "/demo/", "{}").status, 405);
}

} // namespace
} // namespace verity::net::test
