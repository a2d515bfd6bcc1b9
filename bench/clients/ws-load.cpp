/*
 * WebSocket produce load for edge-ws, native, in C++ with websocketpp (0.8,
 * header-only, over standalone asio): the same closed loop, arguments and
 * outputs as clients/ws-load.c, with a WebSocket library that takes received
 * payload in blocks (libwebsockets 4.1 handles it one byte per call; see
 * bench/README.md for what each client costs).
 *
 * One io_context, one thread, `connections` sockets; `concurrency` requests in
 * flight in total, spread evenly over the sockets (16 over 4 by default).
 * Every request is the same text message, read once from a file (a Zaqar
 * message_post frame that the bench built with the Node client's exact bytes);
 * websocketpp frames and masks each send (a fresh masking key per frame).
 * edge-ws answers a socket's requests in order, so a FIFO of send times per
 * socket pairs answers with requests. An answer is OK when it is a whole text
 * message whose part after the echo of the request holds 10 message ids and
 * status 201; anything else counts as an error (the first is reported). A
 * request's time starts when it is handed to websocketpp, which writes every
 * frame queued on a socket in one gathered write. After `seconds` no new
 * request starts; those in flight are awaited.
 *
 * Usage: ws-load-cpp <ws://host:port/path> <frame file> <seconds> <concurrency> <connections>
 * Env BENCH_SAMPLES_FILE: raw float64 (little-endian) latencies in µs, one per
 * OK request (what latency.ts samples() holds). Prints one line:
 * BENCH_RESULT {"requests","errors","firstError","elapsedUs","p50Us","p99Us","messages"}.
 * Exits 1 with a message on stderr if a socket fails or closes early, or if
 * answers are still missing 30 s after the end.
 *
 * Build: c++ -O2 -std=c++17 -DNDEBUG -o ws-load-cpp ws-load.cpp
 * (needs libwebsocketpp-dev and libasio-dev; the bench does it, see tools.ts).
 */
#define ASIO_STANDALONE
#include <cstdint>
#include <cstring>
#include <string>

#include <websocketpp/utf8_validator.hpp>

/*
 * websocketpp checks that every text message is UTF-8, sent or received, one
 * byte per step of a table-driven state machine (~8 cycles a byte, most of
 * this client's CPU with 10 KiB each way per request). Both checks stay, made
 * cheaper: runs of ASCII are skipped 8 bytes at a time, anything else goes
 * through the library's own state machine, so the verdict is the same. The
 * receive side calls validator::decode on std::string iterators (explicitly
 * specialized here); the send side calls validate() on a non-const
 * std::string, which the overload below matches better than the library's
 * const one. Both must be declared before websocketpp's processor is.
 */
namespace websocketpp {
namespace utf8_validator {

inline bool decode_ascii_fast(uint32_t &state, uint32_t &codepoint, const unsigned char *p, const unsigned char *end) {
  while (p < end) {
    if (state == utf8_accept)
      for (uint64_t w; end - p >= 8; p += 8) {
        memcpy(&w, p, 8);
        if (w & 0x8080808080808080ull) break;
      }
    if (p < end && decode(&state, &codepoint, *p++) == utf8_reject) return false;
  }
  return true;
}

template <>
inline bool validator::decode<std::string::iterator>(std::string::iterator begin, std::string::iterator end) {
  if (begin == end) return true;
  const unsigned char *p = reinterpret_cast<const unsigned char *>(&*begin);
  return decode_ascii_fast(m_state, m_codepoint, p, p + (end - begin));
}

inline bool validate(std::string &s) {
  validator v;
  return v.decode(s.begin(), s.end()) && v.complete();
}

} // namespace utf8_validator
} // namespace websocketpp

#include <websocketpp/client.hpp>
#include <websocketpp/config/asio_no_tls_client.hpp>
#include <websocketpp/concurrency/none.hpp>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <vector>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the samples file is float64 little-endian: write it byte-swapped on this host");

namespace {

constexpr int MESSAGES_PER_POST = 10;
/* Answers still missing this long after the end mean the server is stuck. */
constexpr int DRAIN_TIMEOUT_S = 30;
constexpr int CLOSE_TIMEOUT_S = 2;

/*
 * websocketpp's plain asio client, single-threaded: no locks, no strands, and
 * no logging at all (both log channels compiled out, so no per-frame work).
 */
struct load_config : websocketpp::config::asio_client {
  typedef load_config type;
  typedef websocketpp::config::asio_client base;
  typedef websocketpp::concurrency::none concurrency_type;
  typedef websocketpp::log::basic<concurrency_type, websocketpp::log::elevel> elog_type;
  typedef websocketpp::log::basic<concurrency_type, websocketpp::log::alevel> alog_type;
  typedef websocketpp::random::random_device::int_generator<uint32_t, concurrency_type> rng_type;
  struct transport_config : base::transport_config {
    typedef type::concurrency_type concurrency_type;
    typedef type::alog_type alog_type;
    typedef type::elog_type elog_type;
    static bool const enable_multithreading = false;
  };
  typedef websocketpp::transport::asio::endpoint<transport_config> transport_type;
  static const websocketpp::log::level elog_level = websocketpp::log::elevel::none;
  static const websocketpp::log::level alog_level = websocketpp::log::alevel::none;
  /* Reads of up to 64 KiB: an answer (10 KiB echo + ids) in one read. */
  static const size_t connection_read_buffer_size = 1 << 16;
};

typedef websocketpp::client<load_config> client_type;
typedef load_config::message_type::ptr message_ptr;

struct Conn {
  int index = 0, quota = 0; /* quota: requests this socket keeps in flight */
  client_type::connection_ptr con;
  std::vector<double> sent; /* FIFO of send times (µs) of unanswered requests */
  int head = 0, waiting = 0;
  bool closing = false;
};

client_type endpoint;
std::vector<Conn> conns;
message_ptr request; /* the frame's payload, unprepared: websocketpp frames and masks a copy per send */
int established, closed;
double seconds, start_us, deadline_us, end_us;
bool finished;
std::vector<double> samples;
long errors;
std::string first_error;
std::unique_ptr<asio::steady_timer> watchdog;

double now_us() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

[[noreturn]] void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("ws-load-cpp: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

/* The last occurrence of needle in hay (the answer's echo may hold anything, its tail is ours). */
const char *last_of(const char *hay, size_t len, const char *needle) {
  size_t n = strlen(needle);
  if (len < n) return nullptr;
  for (size_t i = len - n + 1; i-- > 0;)
    if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0) return hay + i;
  return nullptr;
}

void record_error(const char *fmt, ...) {
  errors++;
  if (!first_error.empty()) return;
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  first_error = buf;
}

/* A status and up to 200 bytes of the answer's body (after the echo) for the error report. */
void answer_error(const char *a, size_t len, const char *why) {
  const char *st = last_of(a, len, "\"status\":");
  int status = st ? atoi(st + 9) : -1;
  const char *body = last_of(a, len, ",\"body\":");
  body = body ? body + 8 : a;
  int n = (int)(a + len - body > 200 ? 200 : a + len - body);
  record_error("status %d: %s: %.*s", status, why, n, body);
}

/* OK = after the last `,"body":{"message_ids":[`, 10 ids, then "status":201 (the edge writes request, body, headers). */
bool check_answer(const char *a, size_t len) {
  static const char MARK[] = ",\"body\":{\"message_ids\":[";
  const char *end = a + len, *p = last_of(a, len, MARK);
  if (!p) return answer_error(a, len, "no message_ids"), false;
  int ids = 0;
  for (p += sizeof MARK - 1; p < end && *p != ']';) {
    if (*p != '"') return answer_error(a, len, "malformed message_ids"), false;
    for (p++; p < end && *p != '"'; p++)
      if (*p == '\\') p++;
    ids++;
    if (++p < end && *p == ',') p++;
  }
  if (p >= end) return answer_error(a, len, "truncated message_ids"), false;
  const char *st = last_of(p, (size_t)(end - p), "\"status\":201");
  if (!st || (st + 12 < end && st[12] >= '0' && st[12] <= '9')) return answer_error(a, len, "not 201"), false;
  if (ids != MESSAGES_PER_POST) {
    record_error("message_post answered %d ids", ids);
    return false;
  }
  return true;
}

void send_request(Conn &c) {
  c.sent[(c.head + c.waiting) % c.quota] = now_us();
  websocketpp::lib::error_code ec = c.con->send(request);
  if (ec) die("connection %d: send failed: %s", c.index, ec.message().c_str());
  c.waiting++;
}

void begin() {
  start_us = now_us();
  deadline_us = start_us + seconds * 1e6;
  watchdog->expires_after(std::chrono::microseconds((long long)(seconds * 1e6)) + std::chrono::seconds(DRAIN_TIMEOUT_S));
  watchdog->async_wait([](const asio::error_code &ec) {
    if (ec) return; /* cancelled: every answer came */
    long missing = 0;
    for (const Conn &c : conns) missing += c.waiting;
    die("%ld requests still unanswered %d s after the end of the run", missing, DRAIN_TIMEOUT_S);
  });
  for (Conn &c : conns)
    for (int i = 0; i < c.quota; i++) send_request(c);
}

/* Close every socket with 1000, as a well-behaved client does; give up waiting after a while. */
void finish() {
  end_us = now_us();
  finished = true;
  for (Conn &c : conns) {
    c.closing = true;
    websocketpp::lib::error_code ec;
    c.con->close(websocketpp::close::status::normal, "", ec);
  }
  watchdog->expires_after(std::chrono::seconds(CLOSE_TIMEOUT_S));
  watchdog->async_wait([](const asio::error_code &ec) {
    if (!ec) endpoint.stop();
  });
}

void on_answer(Conn &c, const message_ptr &msg) {
  double t = now_us();
  if (c.waiting == 0) return; /* unsolicited (none expected), like the Node client: ignored */
  double sent = c.sent[c.head];
  c.head = (c.head + 1) % c.quota;
  c.waiting--;
  const std::string &payload = msg->get_payload();
  if (msg->get_opcode() != websocketpp::frame::opcode::text) {
    record_error("binary answer of %zu bytes", payload.size());
  } else if (check_answer(payload.data(), payload.size())) {
    samples.push_back(t - sent);
  }
  if (t < deadline_us) return send_request(c);
  /* Past the deadline no request starts; the run ends with the last answer. */
  for (const Conn &o : conns)
    if (o.waiting) return;
  finish();
}

void on_close(Conn &c) {
  if (!c.closing) {
    /* The server's close frame, or 1006 when the socket just ended (then websocketpp's error says why). */
    const std::string &reason = c.con->get_remote_close_reason();
    const std::string why = c.con->get_ec() ? "; " + c.con->get_ec().message() : "";
    die("connection %d: closed early (code %d%s%s%s) with %d requests unanswered", c.index, (int)c.con->get_remote_close_code(),
        reason.empty() ? "" : ": ", reason.c_str(), why.c_str(), c.waiting);
  }
  if (++closed == (int)conns.size()) watchdog->cancel();
}

void json_string(FILE *out, const std::string &s) {
  fputc('"', out);
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\') fprintf(out, "\\%c", ch);
    else if (ch < 0x20) fprintf(out, "\\u%04x", ch);
    else fputc(ch, out);
  }
  fputc('"', out);
}

/* The same rank rule as latency.ts, over sorted samples: the ceil(p% of n)-th smallest. */
double percentile(double p) {
  if (samples.empty()) return 0;
  double x = p / 100 * (double)samples.size();
  long rank = (long)x;
  if ((double)rank < x) rank++;
  rank--;
  if (rank < 0) rank = 0;
  if (rank > (long)samples.size() - 1) rank = (long)samples.size() - 1;
  return samples[(size_t)rank];
}

std::string read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open %s", path);
  std::string buf;
  char chunk[1 << 16];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) buf.append(chunk, got);
  fclose(f);
  return buf;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 6) die("usage: ws-load-cpp <ws://host:port/path> <frame file> <seconds> <concurrency> <connections>");
  if (strncmp(argv[1], "ws://", 5) != 0) die("not a ws:// url: %s", argv[1]);
  const std::string frame = read_file(argv[2]);
  seconds = atof(argv[3]);
  int concurrency = atoi(argv[4]), n_conns = atoi(argv[5]);
  if (frame.empty() || seconds <= 0 || concurrency < 1 || n_conns < 1) die("bad arguments (empty frame, or seconds/concurrency/connections < 1)");
  samples.reserve(1 << 16);

  endpoint.clear_access_channels(websocketpp::log::alevel::all);
  endpoint.clear_error_channels(websocketpp::log::elevel::all);
  endpoint.init_asio();
  watchdog = std::make_unique<asio::steady_timer>(endpoint.get_io_service());
  auto manager = std::make_shared<load_config::con_msg_manager_type>();
  request = manager->get_message(websocketpp::frame::opcode::text, frame.size());
  request->set_payload(frame);

  conns.resize((size_t)n_conns);
  for (int i = 0; i < n_conns; i++) {
    Conn &c = conns[(size_t)i];
    c.index = i;
    c.quota = concurrency / n_conns + (i < concurrency % n_conns ? 1 : 0);
    c.sent.resize((size_t)std::max(c.quota, 1));
    websocketpp::lib::error_code ec;
    c.con = endpoint.get_connection(argv[1], ec);
    if (ec) die("connection %d could not start: %s (%s)", i, ec.message().c_str(), argv[1]);
    /* Connect, then run: the clock starts once every socket is open (begin()). */
    c.con->set_open_handler([&c](websocketpp::connection_hdl) {
      asio::error_code ec;
      c.con->get_socket().set_option(asio::ip::tcp::no_delay(true), ec); /* each frame leaves at once, as lws and Node's ws do */
      if (ec) die("connection %d: TCP_NODELAY: %s", c.index, ec.message().c_str());
      if (++established == (int)conns.size()) begin();
    });
    c.con->set_fail_handler([&c](websocketpp::connection_hdl) {
      die("connection %d failed: %s", c.index, c.con->get_ec().message().c_str());
    });
    c.con->set_close_handler([&c](websocketpp::connection_hdl) { on_close(c); });
    c.con->set_message_handler([&c](websocketpp::connection_hdl, message_ptr msg) { on_answer(c, msg); });
    endpoint.connect(c.con);
  }
  endpoint.run();
  if (!finished) die("the event loop ended before the run did");

  const char *dump = getenv("BENCH_SAMPLES_FILE");
  if (dump) {
    FILE *f = fopen(dump, "wb");
    if (!f || fwrite(samples.data(), sizeof(double), samples.size(), f) != samples.size() || fclose(f) != 0) die("cannot write %s", dump);
  }
  std::sort(samples.begin(), samples.end());
  printf("BENCH_RESULT {\"requests\":%zu,\"errors\":%ld,\"firstError\":", samples.size(), errors);
  if (!first_error.empty()) json_string(stdout, first_error);
  else fputs("null", stdout);
  printf(",\"elapsedUs\":%.1f,\"p50Us\":%.1f,\"p99Us\":%.1f,\"messages\":%zu}\n", end_us - start_us, percentile(50), percentile(99),
         samples.size() * MESSAGES_PER_POST);
  /* The sockets are closed or given up on: leave without tearing down asio. */
  fflush(stdout);
  _exit(0);
}
