#include "net/sim/callback_pool.hpp"

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace verity::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

std::optional<callback_target> parse_callback_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme))
    return std::nullopt;
  auto rest = url.substr(scheme.size());
  auto slash = rest.find_first_of("/?");
  auto authority = rest.substr(0, slash);
  callback_target target{"", "80", slash == std::string_view::npos ? "/" : std::string{rest.substr(slash)}};
  if (target.path.front() == '?')
    target.path.insert(0, "/");
  auto port_colon = authority.rfind(':');
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    target.host = authority.substr(1, close - 1);
    port_colon = close + 1 < authority.size() && authority[close + 1] == ':' ? close + 1
                                                                              : std::string_view::npos;
  } else {
    target.host = authority.substr(0, port_colon);
  }
  if (port_colon != std::string_view::npos)
    target.port = authority.substr(port_colon + 1);
  if (target.host.empty() || target.port.empty() || target.host.find('@') != std::string::npos)
    return std::nullopt;
  return target;
}

namespace {

/// One callback waiting for, or on, a connection.
struct job {
  std::string host_header;
  std::string path;
  std::string body;
  std::string signature;
  sim_callback_pool::completion done;
  clock_type::time_point queued_at;
};

class connection;

/// The connections and queue of one host:port.
struct host_pool {
  std::string host;
  std::string port;
  std::mutex mutex;
  std::deque<job> queue;                           ///< Guarded by mutex.
  std::vector<std::shared_ptr<connection>> idle;   ///< Guarded by mutex.
  std::vector<std::shared_ptr<connection>> all;    ///< Guarded by mutex.
};

/// Counters and limits every connection shares.
struct pool_state {
  callback_pool_limits limits;
  std::atomic<std::uint64_t> opened{0};
  std::atomic<std::uint64_t> dropped{0};
  std::atomic<std::uint64_t> delayed{0};
  std::atomic<std::uint64_t> queued{0};
  std::atomic<bool> stopping{false}; ///< Set when the pool is destroyed: connections wind down.

  /// Hands `pool`'s next queued job to `free`, or parks it idle.
  void next(const std::shared_ptr<host_pool>& pool, const std::shared_ptr<connection>& free);
};

/// One keep-alive connection: sends a job, reads its answer, takes the next; on its own strand.
class connection : public std::enable_shared_from_this<connection> {
public:
  connection(asio::io_context& io, std::shared_ptr<pool_state> state, std::shared_ptr<host_pool> pool)
    : socket_(asio::make_strand(io)), resolver_(socket_.get_executor()), state_(std::move(state)),
      pool_(std::move(pool)) {}

  /// Starts `j` on this (free) connection.
  void run(job j) {
    asio::post(socket_.get_executor(), [self = shared_from_this(), j = std::move(j)]() mutable {
      self->job_ = std::move(j);
      self->started_ = clock_type::now();
      self->busy_ = true;
      self->timed_out_ = false;
      self->reused_ = self->socket_.is_open();
      if (self->reused_)
        self->write();
      else
        self->connect();
    });
  }

  /// Closes the connection when its job has taken longer than `timeout` by `now`.
  void expire_if_late(clock_type::time_point now, std::chrono::milliseconds timeout) {
    asio::post(socket_.get_executor(), [self = shared_from_this(), now, timeout] {
      if (self->busy_ && now - self->started_ >= timeout) {
        self->timed_out_ = true;
        self->close();
      }
    });
  }

  /// Closes the socket (ends whatever it was doing with operation_aborted).
  void close() {
    boost::system::error_code ignored;
    resolver_.cancel();
    socket_.close(ignored);
  }

private:
  void connect() {
    resolver_.async_resolve(pool_->host, pool_->port,
                            [self = shared_from_this()](auto ec, const tcp::resolver::results_type& found) {
                              if (ec)
                                return self->finish_connect_failure(ec);
                              self->connect_to(found);
                            });
  }

  void connect_to(const tcp::resolver::results_type& found) {
    asio::async_connect(socket_, found, [self = shared_from_this()](auto ec, const tcp::endpoint&) {
      if (ec)
        return self->finish_connect_failure(ec);
      ++self->state_->opened;
      boost::system::error_code ignored;
      self->socket_.set_option(tcp::no_delay{true}, ignored);
      self->write();
    });
  }

  void write() {
    request_ = {http::verb::post, job_.path, 11};
    request_.set(http::field::host, job_.host_header);
    request_.set(http::field::content_type, "application/x-www-form-urlencoded");
    request_.set(http::field::user_agent, "TwilioProxy/1.1");
    request_.set("X-Twilio-Signature", job_.signature);
    request_.body() = std::move(job_.body);
    request_.prepare_payload();
    http::async_write(socket_, request_, [self = shared_from_this()](auto ec, std::size_t) {
      if (ec)
        return self->on_failure(ec);
      self->read();
    });
  }

  void read() {
    response_ = {};
    http::async_read(socket_, buffer_, response_, [self = shared_from_this()](auto ec, std::size_t) {
      if (ec)
        return self->on_failure(ec);
      if (!self->response_.keep_alive())
        self->close();
      self->finish({static_cast<long>(self->response_.result_int()), {}, {}, {}, false});
    });
  }

  /// A reused connection the server had closed gets the request once more on a fresh one.
  void on_failure(boost::system::error_code ec) {
    close();
    buffer_.clear();
    if (reused_ && !timed_out_ && !state_->stopping) {
      reused_ = false;
      job_.body = std::move(request_.body());
      return connect();
    }
    finish({0, {}, {}, timed_out_ ? std::string{"timed out"} : ec.message(), false});
  }

  void finish_connect_failure(boost::system::error_code ec) {
    close();
    finish({0, {}, {}, timed_out_ ? std::string{"timed out"} : ec.message(), true});
  }

  void finish(http_outcome outcome) {
    busy_ = false;
    auto done = std::move(job_.done);
    job_ = {};
    if (state_->stopping)
      return;
    done(std::move(outcome));
    state_->next(pool_, shared_from_this());
  }

  tcp::socket socket_;
  tcp::resolver resolver_;
  std::shared_ptr<pool_state> state_;
  std::shared_ptr<host_pool> pool_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  job job_;
  clock_type::time_point started_{};
  bool busy_ = false;
  bool reused_ = false;
  bool timed_out_ = false;
};

void pool_state::next(const std::shared_ptr<host_pool>& pool,
                      const std::shared_ptr<connection>& free) {
  job j;
  {
    std::lock_guard lock{pool->mutex};
    // Checked under the lock shut_down clears the pool with: parking a connection after that
    // would leave it and its pool owning each other.
    if (stopping)
      return;
    if (pool->queue.empty()) {
      pool->idle.push_back(free);
      return;
    }
    j = std::move(pool->queue.front());
    pool->queue.pop_front();
    --queued;
  }
  if (clock_type::now() - j.queued_at >= limits.delayed_after)
    ++delayed;
  free->run(std::move(j));
}

/// How often connections are checked for requests that take too long.
constexpr std::chrono::milliseconds sweep_period{500};

} // namespace

struct sim_callback_pool::impl : std::enable_shared_from_this<sim_callback_pool::impl> {
  impl(asio::io_context& context, callback_pool_limits limits)
    : io(context), state(std::make_shared<pool_state>()), sweeper(context) {
    state->limits = limits;
  }

  std::shared_ptr<host_pool> host_for(const callback_target& target) {
    auto key = target.host + " " + target.port;
    std::lock_guard lock{hosts_mutex};
    auto& pool = hosts[key];
    if (!pool) {
      pool = std::make_shared<host_pool>();
      pool->host = target.host;
      pool->port = target.port;
    }
    return pool;
  }

  /// Where a job goes: a connection free for it now, else the queue, else nowhere (dropped).
  struct placement {
    std::shared_ptr<connection> free;
    bool queued = false;
  };

  /// Finds a place for `j`; moves it into the queue when it waits there.
  placement place(const std::shared_ptr<host_pool>& pool, job& j) {
    std::lock_guard lock{pool->mutex};
    if (!pool->idle.empty()) {
      auto free = std::move(pool->idle.back());
      pool->idle.pop_back();
      return {std::move(free), false};
    }
    if (pool->all.size() < state->limits.connections_per_host) {
      pool->all.push_back(std::make_shared<connection>(io, state, pool));
      return {pool->all.back(), false};
    }
    if (state->queued.load() >= state->limits.max_queued)
      return {};
    ++state->queued;
    pool->queue.push_back(std::move(j));
    return {nullptr, true};
  }

  /// Closes connections whose request outlived the timeout, every sweep_period.
  void sweep() {
    sweeper.expires_after(sweep_period);
    sweeper.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (ec || !self)
        return;
      auto now = clock_type::now();
      for (const auto& pool : self->all_pools())
        for (const auto& conn : self->connections_of(*pool))
          conn->expire_if_late(now, self->state->limits.timeout);
      self->sweep();
    });
  }

  std::vector<std::shared_ptr<host_pool>> all_pools() {
    std::lock_guard lock{hosts_mutex};
    std::vector<std::shared_ptr<host_pool>> pools;
    for (const auto& [key, pool] : hosts)
      pools.push_back(pool);
    return pools;
  }

  static std::vector<std::shared_ptr<connection>> connections_of(host_pool& pool) {
    std::lock_guard lock{pool.mutex};
    return pool.all;
  }

  /// Breaks the pools' ownership of their connections and closes them.
  void shut_down() {
    state->stopping = true;
    sweeper.cancel();
    for (const auto& pool : all_pools()) {
      std::vector<std::shared_ptr<connection>> closing;
      {
        std::lock_guard lock{pool->mutex};
        closing.swap(pool->all);
        pool->idle.clear();
        pool->queue.clear();
      }
      for (const auto& conn : closing)
        asio::post(io, [conn] { conn->close(); });
    }
  }

  asio::io_context& io;
  std::shared_ptr<pool_state> state;
  asio::steady_timer sweeper;
  std::mutex hosts_mutex;
  std::map<std::string, std::shared_ptr<host_pool>> hosts; ///< By "host port"; hosts_mutex.
};

sim_callback_pool::sim_callback_pool(asio::io_context& io, callback_pool_limits limits)
  : impl_(std::make_shared<impl>(io, limits)) {
  impl_->sweep();
}

sim_callback_pool::~sim_callback_pool() {
  impl_->shut_down();
}

void sim_callback_pool::post(const callback_target& target, std::string body,
                             std::string signature, completion done) {
  auto host_header = target.port == "80" ? target.host : target.host + ":" + target.port;
  if (target.host.find(':') != std::string::npos)
    host_header = "[" + target.host + "]" + (target.port == "80" ? "" : ":" + target.port);
  job j{std::move(host_header), target.path, std::move(body), std::move(signature),
        std::move(done), clock_type::now()};
  auto [free, queued] = impl_->place(impl_->host_for(target), j);
  if (free)
    return free->run(std::move(j));
  if (queued)
    return;
  ++impl_->state->dropped;
  j.done({0, {}, {}, "callback queue full: dropped", false});
}

bool sim_callback_pool::saturated() const {
  return 2 * impl_->state->queued.load() >= impl_->state->limits.max_queued;
}

callback_pool_counts sim_callback_pool::counts() const {
  const auto& s = *impl_->state;
  return {s.opened.load(), s.dropped.load(), s.delayed.load(), s.queued.load()};
}

} // namespace verity::net
