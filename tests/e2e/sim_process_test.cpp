// The stand-alone `verity-twilio-sim`: a generated auth token goes to the token file (owner
// only) and never into its output, and it works as the simulator's credential.

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "engine/form.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;

constexpr const char* account_sid = "AC0123456789abcdef0123456789abcdef";

std::string basic_auth(const std::string& user, const std::string& password) {
  auto plain = user + ":" + password;
  std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
  auto size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                              reinterpret_cast<const unsigned char*>(plain.data()),
                              static_cast<int>(plain.size()));
  encoded.resize(static_cast<std::size_t>(size));
  return "Authorization: Basic " + encoded;
}

TEST(sim_process_test, a_generated_token_is_written_to_its_file_and_never_logged) {
  std::random_device seed;
  auto directory = std::filesystem::temp_directory_path()
                   / ("verity-sim-" + std::to_string(seed()) + std::to_string(seed()));
  std::filesystem::create_directories(directory);
  auto token_file = (directory / "sim.token").string();
  {
    test::child_process simulator{test::build_directory() + "/verity-twilio-sim",
                                  {"--account-sid", account_sid, "--token-file", token_file,
                                   "--threads", "2", "--log-level", "debug"},
                                  {{"TWILIO_AUTH_TOKEN", ""}}};
    auto base = simulator.wait_for_line(std::regex{R"(verity-twilio-sim listening on (http://\S+))"},
                                        20s);
    ASSERT_TRUE(base) << simulator.output();
    std::ifstream file{token_file};
    std::string token;
    std::getline(file, token);
    ASSERT_EQ(token.size(), 32U);
    auto permissions = std::filesystem::status(token_file).permissions();
    EXPECT_EQ(permissions & std::filesystem::perms::all, std::filesystem::perms::owner_read
                                                           | std::filesystem::perms::owner_write);
    auto created = test::http_call(
      "POST", *base + "/2010-04-01/Accounts/" + account_sid + "/Messages.json",
      encode_form({{"To", "+12015550123"}, {"From", "+12015550100"}, {"Body", "hi"}}),
      {"Content-Type: application/x-www-form-urlencoded", basic_auth(account_sid, token)});
    EXPECT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(simulator.stop(SIGTERM, 10s), 0);
    auto output = simulator.output();
    EXPECT_NE(output.find(token_file), std::string::npos) << output;
    EXPECT_EQ(output.find(token), std::string::npos) << "the token was logged";
  }
  std::filesystem::remove_all(directory);
}

} // namespace
} // namespace verity
