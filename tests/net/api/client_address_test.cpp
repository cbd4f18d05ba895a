// The client address behind trusted proxies: X-Forwarded-For and Forwarded walked from the
// right, never believed from an untrusted peer, and garbage falling back to the socket address.
#include "net/api/client_address.hpp"

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace verity::net {
namespace {

/// The networks of `cidrs` (comma-separated), which must parse.
std::vector<ip_network> networks(std::string_view cidrs) {
  return parse_networks(cidrs).value();
}

/// A request from the socket address `peer` carrying `headers` (name, value), in order.
http_request from(std::string peer,
                  std::initializer_list<std::pair<std::string, std::string>> headers = {}) {
  http_request request;
  request.method = "GET";
  request.target = "/api/referrals/delivery-status/SM1";
  request.remote_address = std::move(peer);
  request.headers = headers;
  return request;
}

const auto proxy = networks("127.0.0.1/32");

TEST(client_address_test, without_trusted_proxies_the_headers_are_never_believed) {
  auto request = from("198.51.100.7", {{"X-Forwarded-For", "203.0.113.1"},
                                       {"Forwarded", "for=203.0.113.2"}});
  EXPECT_EQ(client_address(request, {}), "198.51.100.7");
  EXPECT_EQ(client_address(request, proxy), "198.51.100.7") << "the peer is not the proxy";
}

TEST(client_address_test, a_trusted_peer_names_the_client_in_x_forwarded_for) {
  EXPECT_EQ(client_address(from("127.0.0.1", {{"X-Forwarded-For", "203.0.113.1"}}), proxy),
            "203.0.113.1");
  EXPECT_EQ(client_address(from("127.0.0.1", {{"x-forwarded-for", " 2001:DB8::1 "}}), proxy),
            "2001:db8::1");
}

TEST(client_address_test, spoofed_left_entries_lose_to_the_right_most_untrusted_hop) {
  auto trusted = networks("127.0.0.1,10.0.0.0/8");
  auto request = from("127.0.0.1", {{"X-Forwarded-For", "1.1.1.1, 203.0.113.9, 10.0.0.5"}});
  EXPECT_EQ(client_address(request, trusted), "203.0.113.9");
}

TEST(client_address_test, when_every_hop_is_trusted_the_left_most_is_the_client) {
  auto trusted = networks("127.0.0.1,10.0.0.0/8");
  EXPECT_EQ(client_address(from("127.0.0.1", {{"X-Forwarded-For", "10.1.1.1, 10.2.2.2"}}),
                           trusted),
            "10.1.1.1");
}

TEST(client_address_test, several_header_lines_are_one_list_in_order) {
  auto trusted = networks("127.0.0.1,10.0.0.0/8");
  auto request = from("127.0.0.1", {{"X-Forwarded-For", "203.0.113.1, 198.51.100.2"},
                                    {"Accept", "*/*"},
                                    {"X-Forwarded-For", "10.0.0.1"}});
  EXPECT_EQ(client_address(request, trusted), "198.51.100.2");
}

TEST(client_address_test, ipv6_and_mixed_chains_and_ports) {
  auto trusted = networks("::1,fd00::/8,127.0.0.1");
  EXPECT_EQ(client_address(from("::1", {{"X-Forwarded-For", "203.0.113.1, fd00::7"}}), trusted),
            "203.0.113.1");
  EXPECT_EQ(client_address(from("127.0.0.1", {{"X-Forwarded-For", "[2001:db8::5]:4711"}}),
                           trusted),
            "2001:db8::5");
  EXPECT_EQ(client_address(from("127.0.0.1", {{"X-Forwarded-For", "203.0.113.1:4711"}}), trusted),
            "203.0.113.1");
  EXPECT_EQ(client_address(from("::ffff:127.0.0.1", {{"X-Forwarded-For", "::ffff:203.0.113.4"}}),
                           trusted),
            "203.0.113.4")
    << "an IPv4-mapped peer is its IPv4 address";
}

TEST(client_address_test, forwarded_is_read_when_x_forwarded_for_is_absent) {
  auto trusted = networks("127.0.0.1,10.0.0.0/8");
  EXPECT_EQ(client_address(from("127.0.0.1", {{"Forwarded", "for=203.0.113.60;proto=https"}}),
                           trusted),
            "203.0.113.60");
  EXPECT_EQ(client_address(
              from("127.0.0.1", {{"Forwarded", R"(For="[2001:db8:cafe::17]:4711", for=10.0.0.2)"}}),
              trusted),
            "2001:db8:cafe::17");
  EXPECT_EQ(client_address(from("127.0.0.1", {{"Forwarded", "for=192.0.2.43"},
                                              {"Forwarded", "proto=http;for=\"10.0.0.9\""}}),
                           trusted),
            "192.0.2.43");
  EXPECT_EQ(client_address(from("127.0.0.1", {{"Forwarded", "for=192.0.2.43"},
                                              {"X-Forwarded-For", "198.51.100.1"}}),
                           trusted),
            "198.51.100.1")
    << "X-Forwarded-For wins when both are sent";
}

TEST(client_address_test, unknown_and_obfuscated_nodes_fall_back_to_the_socket_address) {
  for (const char* forwarded : {"for=unknown", "for=_hidden", "for=\"_SEVKISEK\"",
                                "proto=https", "for=", "for=\"[2001:db8::1\"", "by=10.0.0.1"}) {
    EXPECT_EQ(client_address(from("127.0.0.1", {{"Forwarded", forwarded}}), proxy), "127.0.0.1")
      << forwarded;
  }
  EXPECT_EQ(client_address(from("127.0.0.1", {{"Forwarded", "for=10.9.9.9, for=unknown"}}), proxy),
            "127.0.0.1")
    << "the walk stops at the first hop that names no address";
}

TEST(client_address_test, garbage_falls_back_to_the_socket_address) {
  for (const char* value :
       {"", " ", ",", "not an address", "203.0.113.1:port", "203.0.113.1:123456", "[::1",
        "[::1]x", "203.0.113.1/24", "1.2.3.4.5", "::1::2", "\"203.0.113.1\"", "203.0.113.1 ,, ",
        "\xff\xfe", "203.0.113.1\r\n"}) {
    EXPECT_EQ(client_address(from("127.0.0.1", {{"X-Forwarded-For", value}}), proxy), "127.0.0.1")
      << value;
  }
  EXPECT_EQ(client_address(from("127.0.0.1", {{"X-Forwarded-For", "garbage, 203.0.113.1"}}), proxy),
            "203.0.113.1")
    << "garbage left of the client is never reached";
  std::string long_chain;
  for (int i = 0; i < 10'000; ++i)
    long_chain += "127.0.0.1,";
  long_chain += "127.0.0.1";
  EXPECT_EQ(client_address(from("127.0.0.1", {{"X-Forwarded-For", long_chain}}), proxy),
            "127.0.0.1");
}

TEST(client_address_test, a_trusted_peer_without_forwarding_headers_is_the_client) {
  EXPECT_EQ(client_address(from("127.0.0.1"), proxy), "127.0.0.1");
}

TEST(client_address_test, a_peer_that_is_no_address_is_passed_on) {
  EXPECT_EQ(client_address(from(""), proxy), "");
  EXPECT_EQ(client_address(from("", {{"X-Forwarded-For", "203.0.113.1"}}), proxy), "");
}

} // namespace
} // namespace verity::net
