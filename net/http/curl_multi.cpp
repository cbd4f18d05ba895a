#include "net/http/curl_multi.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <curl/curl.h>
#include <spdlog/spdlog.h>

namespace verity::net {

namespace asio = boost::asio;

namespace {

/// Responses larger than this are cut off with an error: no peer of ours sends that much.
constexpr std::size_t max_response_body = 1024 * 1024;

/// Finished easy handles kept for reuse at most: a reset handle keeps its buffers, where a fresh
/// one allocates them again (malloc was the largest item of the simulator's profile).
constexpr std::size_t max_idle_handles = 256;

struct easy_deleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct multi_deleter {
  void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};
struct slist_deleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

using easy_handle = std::unique_ptr<CURL, easy_deleter>;
using multi_handle = std::unique_ptr<CURLM, multi_deleter>;
using header_list = std::unique_ptr<curl_slist, slist_deleter>;
using strand_type = asio::strand<asio::io_context::executor_type>;

/// Initialises libcurl once per process (thread-safe in this libcurl: CURL_VERSION_THREADSAFE).
void ensure_global_init() {
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK)
    throw std::runtime_error(std::string{"libcurl failed to initialise: "}
                             + curl_easy_strerror(code));
}

/// One transfer: the easy handle and everything it points into while it runs.
struct transfer {
  http_call call;
  curl_multi::completion done;
  easy_handle easy;
  header_list headers;
  http_outcome outcome;
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& body = static_cast<transfer*>(user)->outcome.body;
  if (body.size() + size * count > max_response_body)
    return 0; // libcurl fails the transfer with CURLE_WRITE_ERROR
  body.append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& headers = static_cast<transfer*>(user)->outcome.headers;
  std::string_view line{data, size * count};
  if (line.starts_with("HTTP/")) {
    headers.clear(); // a new response head (after 100 Continue or a redirect)
    return size * count;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos)
    return size * count;
  std::string name{line.substr(0, colon)};
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto value = line.substr(colon + 1);
  auto first = value.find_first_not_of(" \t");
  auto last = value.find_last_not_of(" \t\r\n");
  value = first == std::string_view::npos ? std::string_view{}
                                          : value.substr(first, last - first + 1);
  headers.emplace_back(std::move(name), std::string{value});
  return size * count;
}

/// Appends a header line; false when libcurl runs out of memory (the list is kept).
bool append_header(header_list& list, const char* line) {
  curl_slist* head = curl_slist_append(list.get(), line);
  if (head == nullptr)
    return false;
  static_cast<void>(list.release()); // the same list, or a new one when it was empty
  list.reset(head);
  return true;
}

/// Applies every option of `t.call` to its easy handle; the first failure wins.
CURLcode configure(transfer& t) {
  CURL* easy = t.easy.get();
  const auto& call = t.call;
  CURLcode code = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK)
      code = curl_easy_setopt(easy, option, value);
  };
  for (const auto& line : call.headers)
    if (!append_header(t.headers, line.c_str()))
      return CURLE_OUT_OF_MEMORY;
  // libcurl would wait for "100 Continue" before larger bodies; our peers answer at once.
  if (!append_header(t.headers, "Expect:"))
    return CURLE_OUT_OF_MEMORY;
  set(CURLOPT_URL, call.url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  // Over TLS, wait for ALPN to tell whether a new transfer can share an HTTP/2 connection
  // rather than opening another; plain http stays HTTP/1.1, where waiting would serialise.
  if (call.url.starts_with("https://"))
    set(CURLOPT_PIPEWAIT, 1L);
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(call.connect_timeout.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(call.total_timeout.count()));
  set(CURLOPT_HTTPHEADER, t.headers.get());
  set(CURLOPT_ERRORBUFFER, t.error_buffer.data());
  set(CURLOPT_WRITEFUNCTION, on_body);
  set(CURLOPT_WRITEDATA, &t);
  set(CURLOPT_HEADERFUNCTION, on_header);
  set(CURLOPT_HEADERDATA, &t);
  if (call.method == "GET") {
    set(CURLOPT_HTTPGET, 1L);
  } else {
    if (call.method != "POST")
      set(CURLOPT_CUSTOMREQUEST, call.method.c_str());
    set(CURLOPT_POSTFIELDS, call.body.data());
    set(CURLOPT_POSTFIELDSIZE, static_cast<long>(call.body.size()));
  }
  if (!call.username.empty()) {
    set(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    set(CURLOPT_USERNAME, call.username.c_str());
    set(CURLOPT_PASSWORD, call.password.c_str());
  }
  return code;
}

/// True for failures that mean no connection could be made at all.
bool is_connect_failure(CURLcode code) {
  return code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST
         || code == CURLE_COULDNT_RESOLVE_PROXY;
}

/// One socket libcurl asked us to watch. Its descriptor never closes the socket: libcurl
/// owns it, so the descriptor is released instead.
struct socket_watch {
  socket_watch(const strand_type& strand, curl_socket_t socket) : fd(socket), descriptor(strand) {}
  ~socket_watch() { stop(); }

  socket_watch(const socket_watch&) = delete;
  socket_watch& operator=(const socket_watch&) = delete;

  /// Cancels the pending waits (they see operation_aborted) and lets go of the socket.
  void stop() {
    active = false;
    if (descriptor.is_open())
      descriptor.release();
  }

  curl_socket_t fd;
  asio::posix::stream_descriptor descriptor;
  int wanted = 0;       ///< CURL_POLL_IN / CURL_POLL_OUT bits libcurl asked for.
  bool reading = false; ///< A read wait is pending.
  bool writing = false; ///< A write wait is pending.
  bool active = true;   ///< False once libcurl removed the socket.
};

} // namespace

std::string_view http_outcome::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (key == name)
      return value;
  return {};
}

/// The multi handle and its Asio plumbing. Handlers hold it weakly: once the owner lets go,
/// pending handlers find nothing and return.
struct curl_multi::impl : std::enable_shared_from_this<curl_multi::impl> {
  explicit impl(asio::io_context& io) : strand(asio::make_strand(io)), timer(strand) {
    ensure_global_init();
    multi.reset(curl_multi_init());
    if (!multi)
      throw std::runtime_error("libcurl failed to create a multi handle");
    expect(curl_multi_setopt(multi.get(), CURLMOPT_SOCKETFUNCTION, &impl::socket_callback));
    expect(curl_multi_setopt(multi.get(), CURLMOPT_SOCKETDATA, this));
    expect(curl_multi_setopt(multi.get(), CURLMOPT_TIMERFUNCTION, &impl::timer_callback));
    expect(curl_multi_setopt(multi.get(), CURLMOPT_TIMERDATA, this));
    expect(curl_multi_setopt(multi.get(), CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX));
  }

  ~impl() {
    for (const auto& entry : transfers)
      curl_multi_remove_handle(multi.get(), entry.first);
    transfers.clear();
    multi.reset(); // may still report sockets as removed, so `sockets` lives until after
    sockets.clear();
  }

  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  static void expect(CURLMcode code) {
    if (code != CURLM_OK)
      throw std::runtime_error(std::string{"libcurl refused a multi option: "}
                               + curl_multi_strerror(code));
  }

  static int socket_callback(CURL*, curl_socket_t socket, int what, void* self, void*) {
    return static_cast<impl*>(self)->on_socket(socket, what);
  }

  static int timer_callback(CURLM*, long timeout_ms, void* self) {
    static_cast<impl*>(self)->on_timer_request(timeout_ms);
    return 0;
  }

  /// Adds a transfer to the multi handle (on the strand).
  void add(std::unique_ptr<transfer> t) {
    t->easy = reusable_handle();
    if (!t->easy)
      return fail(*t, "libcurl failed to create an easy handle");
    if (auto code = configure(*t); code != CURLE_OK)
      return fail(*t, curl_easy_strerror(code));
    CURL* easy = t->easy.get();
    if (auto code = curl_multi_add_handle(multi.get(), easy); code != CURLM_OK)
      return fail(*t, curl_multi_strerror(code));
    transfers.emplace(easy, std::move(t));
  }

  /// A finished handle reset to its defaults, or a new one (null when libcurl cannot make one).
  easy_handle reusable_handle() {
    if (idle.empty())
      return easy_handle{curl_easy_init()};
    auto handle = std::move(idle.back());
    idle.pop_back();
    curl_easy_reset(handle.get());
    return handle;
  }

  static void fail(transfer& t, std::string message) {
    t.outcome = {};
    t.outcome.error = std::move(message);
    t.done(std::move(t.outcome));
  }

  /// libcurl tells which socket to watch for what.
  int on_socket(curl_socket_t socket, int what) {
    if (what == CURL_POLL_REMOVE) {
      if (auto found = sockets.find(socket); found != sockets.end()) {
        found->second->stop();
        sockets.erase(found);
      }
      return 0;
    }
    auto& watch = sockets[socket];
    if (!watch) {
      watch = std::make_shared<socket_watch>(strand, socket);
      boost::system::error_code ec;
      watch->descriptor.assign(socket, ec);
      if (ec) {
        spdlog::error("curl socket {} cannot be watched: {}", socket, ec.message());
        sockets.erase(socket);
        return -1;
      }
    }
    watch->wanted = what;
    arm(watch);
    return 0;
  }

  /// Starts the waits libcurl wants that are not pending yet.
  void arm(const std::shared_ptr<socket_watch>& watch) {
    if ((watch->wanted & CURL_POLL_IN) != 0 && !watch->reading) {
      watch->reading = true;
      wait(watch, asio::posix::stream_descriptor::wait_read);
    }
    if ((watch->wanted & CURL_POLL_OUT) != 0 && !watch->writing) {
      watch->writing = true;
      wait(watch, asio::posix::stream_descriptor::wait_write);
    }
  }

  void wait(const std::shared_ptr<socket_watch>& watch,
            asio::posix::stream_descriptor::wait_type type) {
    watch->descriptor.async_wait(
      type, [self = weak_from_this(), watch, type](const boost::system::error_code& ec) {
        if (auto me = self.lock())
          me->on_ready(watch, type, ec);
      });
  }

  void on_ready(const std::shared_ptr<socket_watch>& watch,
                asio::posix::stream_descriptor::wait_type type, boost::system::error_code ec) {
    bool read = type == asio::posix::stream_descriptor::wait_read;
    (read ? watch->reading : watch->writing) = false;
    if (ec == asio::error::operation_aborted || !watch->active)
      return;
    if ((watch->wanted & (read ? CURL_POLL_IN : CURL_POLL_OUT)) == 0)
      return; // libcurl no longer cares about this direction
    act(watch->fd, ec ? CURL_CSELECT_ERR : (read ? CURL_CSELECT_IN : CURL_CSELECT_OUT));
    if (watch->active)
      arm(watch);
  }

  /// libcurl asks to be called after `timeout_ms` (-1: never).
  void on_timer_request(long timeout_ms) {
    timer.cancel();
    if (timeout_ms < 0)
      return;
    timer.expires_after(std::chrono::milliseconds{timeout_ms});
    timer.async_wait([self = weak_from_this()](const boost::system::error_code& ec) {
      if (ec == asio::error::operation_aborted)
        return;
      if (auto me = self.lock())
        me->act(CURL_SOCKET_TIMEOUT, 0);
    });
  }

  /// Lets libcurl work on `socket` (or on its timeouts), then completes finished transfers.
  void act(curl_socket_t socket, int events) {
    int running = 0;
    if (auto code = curl_multi_socket_action(multi.get(), socket, events, &running);
        code != CURLM_OK)
      spdlog::error("curl multi failed to process socket events: {}", curl_multi_strerror(code));
    finish_completed();
  }

  void finish_completed() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &left)) {
      if (message->msg != CURLMSG_DONE)
        continue;
      CURL* easy = message->easy_handle;
      CURLcode result = message->data.result;
      auto found = transfers.find(easy);
      if (found == transfers.end()) {
        spdlog::error("curl multi reported an unknown transfer as done");
        continue;
      }
      auto done = std::move(found->second);
      transfers.erase(found);
      curl_multi_remove_handle(multi.get(), easy);
      complete(*done, result);
      if (idle.size() < max_idle_handles)
        idle.push_back(std::move(done->easy));
    }
  }

  static void complete(transfer& t, CURLcode result) {
    if (result == CURLE_OK) {
      curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &t.outcome.status);
      t.done(std::move(t.outcome));
      return;
    }
    http_outcome failed;
    failed.error = t.error_buffer[0] != '\0' ? std::string{t.error_buffer.data()}
                                             : std::string{curl_easy_strerror(result)};
    failed.connect_failed = is_connect_failure(result);
    t.done(std::move(failed));
  }

  strand_type strand;
  asio::steady_timer timer;
  std::map<curl_socket_t, std::shared_ptr<socket_watch>> sockets;
  std::map<CURL*, std::unique_ptr<transfer>> transfers;
  std::vector<easy_handle> idle; ///< Finished handles for reuse (see max_idle_handles).
  multi_handle multi;
};

curl_multi::curl_multi(asio::io_context& io) : impl_(std::make_shared<impl>(io)) {}

curl_multi::~curl_multi() = default;

void curl_multi::start(http_call call, completion done) {
  auto t = std::make_unique<transfer>();
  t->call = std::move(call);
  t->done = std::move(done);
  asio::post(impl_->strand, [self = std::weak_ptr<impl>{impl_}, t = std::move(t)]() mutable {
    if (auto me = self.lock())
      me->add(std::move(t));
  });
}

} // namespace verity::net
