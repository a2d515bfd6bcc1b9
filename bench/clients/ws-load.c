/*
 * WebSocket produce load for edge-ws, native: the same closed loop as
 * clients/ws.ts in produce mode, in C like wrk, meant to take as little CPU
 * from the server as it can (libwebsockets 4.1, though, parses every received
 * byte on its own: see bench/README.md for what that costs).
 *
 * One libwebsockets context, one thread, `connections` sockets; `concurrency`
 * requests in flight in total, spread evenly over the sockets (16 over 4 by
 * default). Every request is the same text frame, read once from a file (a
 * Zaqar message_post frame that the bench built with the Node client's exact
 * bytes). edge-ws answers a socket's requests in order, so a FIFO of send
 * times per socket pairs answers with requests. An answer is OK when it is a
 * whole text message whose part after the echo of the request holds 10
 * message ids and status 201; anything else counts as an error (the first is
 * reported). Like wrk, a request's time starts when its frame is written;
 * frames due on a socket are written back to back.
 * After `seconds` no new request starts; those in flight are awaited.
 *
 * Usage: ws-load <ws://host:port/path> <frame file> <seconds> <concurrency> <connections>
 * Env BENCH_SAMPLES_FILE: raw float64 (little-endian) latencies in µs, one per
 * OK request (what latency.ts samples() holds). Prints one line:
 * BENCH_RESULT {"requests","errors","firstError","elapsedUs","p50Us","p99Us","messages"}.
 * Exits 1 with a message on stderr if a socket fails or closes early.
 *
 * Build: cc -O2 -o ws-load ws-load.c -lwebsockets (the bench does it, see tools.ts).
 */
#include <libwebsockets.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the samples file is float64 little-endian: write it byte-swapped on this host"
#endif

#define MESSAGES_PER_POST 10
/* Answers still missing this long after the end mean the server is stuck. */
#define DRAIN_TIMEOUT_US (30 * LWS_US_PER_SEC)
#define CLOSE_TIMEOUT_US (2 * LWS_US_PER_SEC)

struct conn {
  struct lws *wsi;
  int index, quota;   /* quota: requests this socket keeps in flight */
  int to_send;        /* requests due to be written when writable */
  double *sent;       /* FIFO of send times (µs) of unanswered requests */
  int head, waiting;
  unsigned char *rx;  /* the answer being reassembled */
  size_t rx_len, rx_cap;
  int rx_binary, open, closing;
};

static struct conn *conns;
static int n_conns, established, closed;
static unsigned char *tx; /* LWS_PRE + frame: lws builds the header in place and masks the payload there */
static unsigned char *frame;
static size_t frame_len;
static double start_us, deadline_us, end_us;
static int finished;
static double *samples;
static size_t n_samples, samples_cap;
static long errors;
static char first_error[256];
static lws_sorted_usec_list_t watchdog;
static struct lws_context *ctx;
static double seconds;
static int close_timed_out;

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("ws-load: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n);
  if (!q) die("out of memory");
  return q;
}

/* The last occurrence of needle in hay (the answer's echo may hold anything, its tail is ours). */
static const unsigned char *last_of(const unsigned char *hay, size_t len, const char *needle) {
  size_t n = strlen(needle);
  if (len < n) return NULL;
  for (size_t i = len - n + 1; i-- > 0;)
    if (hay[i] == (unsigned char)needle[0] && memcmp(hay + i, needle, n) == 0) return hay + i;
  return NULL;
}

static void record_error(const char *fmt, ...) {
  errors++;
  if (first_error[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(first_error, sizeof first_error, fmt, ap);
  va_end(ap);
}

/* A status and up to 200 bytes of the answer's body (after the echo) for the error report. */
static void answer_error(const unsigned char *a, size_t len, const char *why) {
  const unsigned char *st = last_of(a, len, "\"status\":");
  int status = st ? atoi((const char *)st + 9) : -1;
  const unsigned char *body = last_of(a, len, ",\"body\":");
  body = body ? body + 8 : a;
  int n = (int)(a + len - body > 200 ? 200 : a + len - body);
  record_error("status %d: %s: %.*s", status, why, n, (const char *)body);
}

/* OK = after the last `,"body":{"message_ids":[`, 10 ids, then "status":201 (the edge writes request, body, headers). */
static int check_answer(const unsigned char *a, size_t len) {
  static const char MARK[] = ",\"body\":{\"message_ids\":[";
  const unsigned char *end = a + len, *p = last_of(a, len, MARK);
  if (!p) return answer_error(a, len, "no message_ids"), 0;
  int ids = 0;
  for (p += sizeof MARK - 1; p < end && *p != ']';) {
    if (*p != '"') return answer_error(a, len, "malformed message_ids"), 0;
    for (p++; p < end && *p != '"'; p++)
      if (*p == '\\') p++;
    ids++;
    if (++p < end && *p == ',') p++;
  }
  if (p >= end) return answer_error(a, len, "truncated message_ids"), 0;
  const unsigned char *st = last_of(p, (size_t)(end - p), "\"status\":201");
  if (!st || (st + 12 < end && st[12] >= '0' && st[12] <= '9')) return answer_error(a, len, "not 201"), 0;
  if (ids != MESSAGES_PER_POST) {
    record_error("message_post answered %d ids", ids);
    return 0;
  }
  return 1;
}

static void all_writable(void) {
  for (int i = 0; i < n_conns; i++)
    if (conns[i].open) lws_callback_on_writable(conns[i].wsi);
}

static void on_watchdog(lws_sorted_usec_list_t *sul);

static void begin(void) {
  start_us = now_us();
  deadline_us = start_us + seconds * 1e6;
  lws_sul_schedule(ctx, 0, &watchdog, on_watchdog, (lws_usec_t)(seconds * 1e6) + DRAIN_TIMEOUT_US);
  for (int i = 0; i < n_conns; i++) conns[i].to_send = conns[i].quota;
  all_writable();
}

static void on_answer(struct conn *c) {
  double t = now_us();
  if (c->waiting == 0) return; /* unsolicited (none expected), like the Node client: ignored */
  double sent = c->sent[c->head];
  c->head = (c->head + 1) % c->quota;
  c->waiting--;
  if (c->rx_binary) {
    record_error("binary answer of %zu bytes", c->rx_len);
  } else if (check_answer(c->rx, c->rx_len)) {
    if (n_samples == samples_cap) samples = xrealloc(samples, (samples_cap = samples_cap ? 2 * samples_cap : 1 << 16) * sizeof *samples);
    samples[n_samples++] = t - sent;
  }
  if (t < deadline_us) {
    c->to_send++;
    lws_callback_on_writable(c->wsi);
    return;
  }
  /* Past the deadline no request starts (not even one due to be written); the run ends with the last answer. */
  for (int i = 0; i < n_conns; i++) conns[i].to_send = 0;
  for (int i = 0; i < n_conns; i++)
    if (conns[i].waiting) return;
  end_us = now_us();
  finished = 1;
  for (int i = 0; i < n_conns; i++) conns[i].closing = 1;
  all_writable();
  lws_sul_cancel(&watchdog);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
  struct conn *c = user;
  switch (reason) {
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
      die("connection %d failed: %.*s", c ? c->index : -1, in ? (int)len : 17, in ? (const char *)in : "(no reason given)");
      break;
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
      c->open = 1;
      if (++established == n_conns) begin();
      break;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
      if (c->closing) {
        lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
        return -1;
      }
      /*
       * Every frame due goes out now, back to back as a Node client's would,
       * while the socket takes them (lws_send_pipe_choked() is how lws allows
       * more than one write per callback); lws keeps any part the kernel did
       * not take and sends it before anything else.
       */
      for (int first = 1; c->to_send > 0 && (first || !lws_send_pipe_choked(wsi)); first = 0) {
        memcpy(tx + LWS_PRE, frame, frame_len);
        c->sent[(c->head + c->waiting) % c->quota] = now_us();
        if (lws_write(wsi, tx + LWS_PRE, frame_len, LWS_WRITE_TEXT) < (int)frame_len) die("connection %d: write failed", c->index);
        c->waiting++;
        c->to_send--;
      }
      if (c->to_send > 0) lws_callback_on_writable(wsi);
      break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
      if (c->rx_len == 0) c->rx_binary = lws_frame_is_binary(wsi);
      if (c->rx_len + len > c->rx_cap) c->rx = xrealloc(c->rx, c->rx_cap = 2 * (c->rx_len + len));
      memcpy(c->rx + c->rx_len, in, len);
      c->rx_len += len;
      if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
        on_answer(c);
        c->rx_len = 0;
      }
      break;
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
      if (!c->closing)
        die("connection %d: the server closed it (code %d%s%.*s) with %d requests unanswered", c->index,
            len >= 2 ? (((const unsigned char *)in)[0] << 8) | ((const unsigned char *)in)[1] : 1005, len > 2 ? ": " : "",
            len > 2 ? (int)len - 2 : 0, len > 2 ? (const char *)in + 2 : "", c->waiting);
      break;
    case LWS_CALLBACK_CLIENT_CLOSED:
      if (!c->closing) die("connection %d closed early with %d requests unanswered", c->index, c->waiting);
      c->open = 0;
      closed++;
      break;
    default:
      break;
  }
  return 0;
}

static void on_watchdog(lws_sorted_usec_list_t *sul) {
  (void)sul;
  long missing = 0;
  for (int i = 0; i < n_conns; i++) missing += conns[i].waiting;
  die("%ld requests still unanswered %d s after the end of the run", missing, (int)(DRAIN_TIMEOUT_US / LWS_US_PER_SEC));
}

static void on_close_timeout(lws_sorted_usec_list_t *sul) {
  (void)sul;
  close_timed_out = 1;
}

static void json_string(FILE *out, const char *s) {
  fputc('"', out);
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') fprintf(out, "\\%c", ch);
    else if (ch < 0x20) fprintf(out, "\\u%04x", ch);
    else fputc(ch, out);
  }
  fputc('"', out);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The same rank rule as latency.ts, over sorted samples: the ceil(p% of n)-th smallest. */
static double percentile(double p) {
  if (n_samples == 0) return 0;
  double x = p / 100 * (double)n_samples;
  long rank = (long)x;
  if ((double)rank < x) rank++;
  rank--;
  if (rank < 0) rank = 0;
  if (rank > (long)n_samples - 1) rank = (long)n_samples - 1;
  return samples[rank];
}

static unsigned char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open %s", path);
  unsigned char *buf = NULL;
  size_t cap = 0, n = 0, got;
  do {
    if (n == cap) buf = xrealloc(buf, cap = cap ? 2 * cap : 1 << 16);
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  fclose(f);
  *len = n;
  return buf;
}

static const struct lws_protocols protocols[] = {
  /* rx_buffer_size also caps one send(): room for a whole 10 KiB frame, and answers arrive in few pieces. */
  {"zaqar-load", callback, 0, 1 << 16, 0, NULL, 0},
  {NULL, NULL, 0, 0, 0, NULL, 0},
};

int main(int argc, char **argv) {
  if (argc != 6) die("usage: ws-load <ws://host:port/path> <frame file> <seconds> <concurrency> <connections>");
  char url[512];
  snprintf(url, sizeof url, "%s", argv[1]);
  const char *scheme, *address, *rest;
  int port;
  if (lws_parse_uri(url, &scheme, &address, &port, &rest) || strcmp(scheme, "ws") != 0) die("not a ws:// url: %s", argv[1]);
  char path[512], host[300];
  snprintf(path, sizeof path, "/%s", rest);
  snprintf(host, sizeof host, "%s:%d", address, port);
  frame = read_file(argv[2], &frame_len);
  seconds = atof(argv[3]);
  int concurrency = atoi(argv[4]);
  n_conns = atoi(argv[5]);
  if (frame_len == 0 || seconds <= 0 || concurrency < 1 || n_conns < 1) die("bad arguments (empty frame, or seconds/concurrency/connections < 1)");
  tx = xrealloc(NULL, LWS_PRE + frame_len);

  lws_set_log_level(LLL_ERR, NULL);
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = protocols;
  info.pt_serv_buf_size = 1 << 16; /* reads of up to 64 KiB: an answer in one recv() */
  info.gid = -1;
  info.uid = -1;
  ctx = lws_create_context(&info);
  if (!ctx) die("could not create the libwebsockets context");

  conns = calloc((size_t)n_conns, sizeof *conns);
  if (!conns) die("out of memory");
  for (int i = 0; i < n_conns; i++) {
    struct conn *c = &conns[i];
    c->index = i;
    c->quota = concurrency / n_conns + (i < concurrency % n_conns ? 1 : 0);
    c->sent = xrealloc(NULL, (size_t)(c->quota > 0 ? c->quota : 1) * sizeof *c->sent);
    struct lws_client_connect_info cc;
    memset(&cc, 0, sizeof cc);
    cc.context = ctx;
    cc.address = address;
    cc.port = port;
    cc.path = path;
    cc.host = host;
    cc.origin = host;
    cc.local_protocol_name = protocols[0].name; /* bound locally; no Sec-WebSocket-Protocol sent */
    cc.userdata = c;
    cc.pwsi = &c->wsi;
    if (!lws_client_connect_via_info(&cc) && !c->wsi) die("connection %d could not start", i);
  }

  /* Connect, then run: the clock starts once every socket is open (begin()). */
  while (!finished)
    if (lws_service(ctx, 0) < 0) die("event loop failed");
  /* Close every socket with 1000, as a well-behaved client does; give up waiting after a while. */
  lws_sul_schedule(ctx, 0, &watchdog, on_close_timeout, CLOSE_TIMEOUT_US);
  while (closed < n_conns && !close_timed_out) lws_service(ctx, 0);

  const char *dump = getenv("BENCH_SAMPLES_FILE");
  if (dump) {
    FILE *f = fopen(dump, "wb");
    if (!f || fwrite(samples, sizeof *samples, n_samples, f) != n_samples || fclose(f) != 0) die("cannot write %s", dump);
  }
  qsort(samples, n_samples, sizeof *samples, cmp_double);
  printf("BENCH_RESULT {\"requests\":%zu,\"errors\":%ld,\"firstError\":", n_samples, errors);
  if (first_error[0]) json_string(stdout, first_error);
  else fputs("null", stdout);
  printf(",\"elapsedUs\":%.1f,\"p50Us\":%.1f,\"p99Us\":%.1f,\"messages\":%zu}\n", end_us - start_us, percentile(50), percentile(99),
         n_samples * MESSAGES_PER_POST);
  lws_context_destroy(ctx);
  return 0;
}
