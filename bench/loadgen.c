/*
 * The benchmark's load generator, run on the "camera" side of the bench's private network. Compiled
 * by bench/run.ts at bench time (gcc -O2); each mode prints one JSON object on stdout.
 *
 *   loadgen closed  --target IP:PORT --clients N --duration-ms D [--warmup-ms W] [--timeout-ms T]
 *                   [--samples FILE] [--pace-ms P]
 *       N sockets, each sends an M-SEARCH and waits for the answer before sending the next one;
 *       with P > 0 the next one goes P ms after the previous send, as a camera paces its searches.
 *       Latencies (ns, uint32 little-endian) of the measured window go to FILE.
 *   loadgen open    --target IP:PORT --rate R --duration-ms D [--qualifying-every K] [--drain-ms M]
 *       Paced sending at R datagrams/s. One in K is a qualifying M-SEARCH (K=1: all), sent from its
 *       own socket; the rest is chatter from a second socket, so answers to each are told apart even
 *       from responders that answer everything. A receiver thread counts answers.
 *   loadgen flood   --target IP:PORT --count C [--qualifying-every K] [--window W] [--timeout-ms T]
 *                   [--max-ms M]
 *       C datagrams as fast as the responder takes them without overflowing its socket buffer: at
 *       most W qualifying searches (and the chatter between them) are in flight at once. Stops
 *       early after M ms (default 60 s) whatever was sent.
 *   loadgen http    --target IP:PORT --path P --conns N --duration-ms D [--warmup-ms W]
 *                   [--timeout-ms T] [--samples FILE]
 *       N concurrent loops of: connect, GET P, read to close. Latency is connect to close.
 *   loadgen startup [--udp IP:PORT] [--http IP:PORT --path P] [--interval-ms I] [--timeout-ms T]
 *                   [--log FILE] -- ARGV...
 *       Starts ARGV (output to FILE), probes every I ms until the first answer and the first
 *       description arrive, prints the times from the fork, then stays as the program's parent:
 *       SIGTERM is passed on to it, and loadgen exits when it does.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char MSEARCH[] = "M-SEARCH * HTTP/1.1\r\n"
                              "HOST: 239.255.255.250:1900\r\n"
                              "MAN: \"ssdp:discover\"\r\n"
                              "MX: 2\r\n"
                              "ST: upnp:rootdevice\r\n"
                              "\r\n";

/* What else a busy LAN carries to port 1900: searches for other devices, and other devices'
 * announcements. None of it may be answered by the helper. */
static const char *const CHATTER[] = {
    "M-SEARCH * HTTP/1.1\r\n"
    "HOST: 239.255.255.250:1900\r\n"
    "MAN: \"ssdp:discover\"\r\n"
    "MX: 3\r\n"
    "ST: urn:schemas-upnp-org:device:MediaRenderer:1\r\n"
    "\r\n",
    "NOTIFY * HTTP/1.1\r\n"
    "HOST: 239.255.255.250:1900\r\n"
    "CACHE-CONTROL: max-age=1800\r\n"
    "LOCATION: http://10.77.0.2:49152/description.xml\r\n"
    "NT: upnp:rootdevice\r\n"
    "NTS: ssdp:alive\r\n"
    "SERVER: Linux/6.1 UPnP/1.0 BenchTV/1.0\r\n"
    "USN: uuid:2fac1234-31f8-11b4-a222-08002b34c003::upnp:rootdevice\r\n"
    "\r\n",
    "M-SEARCH * HTTP/1.1\r\n"
    "HOST: 239.255.255.250:1900\r\n"
    "MAN: \"ssdp:discover\"\r\n"
    "MX: 1\r\n"
    "ST: urn:dial-multiscreen-org:service:dial:1\r\n"
    "USER-AGENT: Bench/1.0 UPnP/1.1\r\n"
    "\r\n",
    "NOTIFY * HTTP/1.1\r\n"
    "HOST: 239.255.255.250:1900\r\n"
    "CACHE-CONTROL: max-age=1800\r\n"
    "LOCATION: http://10.77.0.2:49153/MediaServer.xml\r\n"
    "NT: urn:schemas-upnp-org:service:ContentDirectory:1\r\n"
    "NTS: ssdp:alive\r\n"
    "SERVER: Linux/6.1 UPnP/1.0 BenchNAS/1.0\r\n"
    "USN: uuid:5a1c0de0-0000-1000-8000-00226b7f1c2d::urn:schemas-upnp-org:service:ContentDirectory:1\r\n"
    "\r\n",
};
#define CHATTER_KINDS (sizeof CHATTER / sizeof CHATTER[0])

static const char ANSWER_PREFIX[] = "HTTP/1.1 200 OK";

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void usage(const char *why) {
  fprintf(stderr, "loadgen: %s (see the comment at the top of bench/loadgen.c)\n", why);
  exit(2);
}

/* ---- options ---- */

struct options {
  const char *target, *udp, *http, *path, *samples, *log;
  long clients, conns, duration_ms, warmup_ms, timeout_ms, rate, qualifying_every, drain_ms, count,
      window, interval_ms, max_ms, pace_ms;
  char **argv; /* startup: the program to start */
};

static long parse_long(const char *name, const char *text) {
  char *end;
  long v = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || v < 0) {
    fprintf(stderr, "loadgen: %s wants a non-negative integer, not \"%s\"\n", name, text);
    exit(2);
  }
  return v;
}

static void parse_options(int argc, char **argv, struct options *o) {
  *o = (struct options){.clients = 1, .conns = 1, .duration_ms = 1000, .warmup_ms = 0,
                        .timeout_ms = 200, .rate = 1000, .qualifying_every = 1, .drain_ms = 200,
                        .count = 0, .window = 4, .interval_ms = 2, .max_ms = 60000, .pace_ms = 0,
                        .path = "/"};
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      o->argv = &argv[i + 1];
      return;
    }
    if (i + 1 >= argc) usage("an option lacks its value");
    const char *v = argv[++i];
    if (strcmp(a, "--target") == 0) o->target = v;
    else if (strcmp(a, "--udp") == 0) o->udp = v;
    else if (strcmp(a, "--http") == 0) o->http = v;
    else if (strcmp(a, "--path") == 0) o->path = v;
    else if (strcmp(a, "--samples") == 0) o->samples = v;
    else if (strcmp(a, "--log") == 0) o->log = v;
    else if (strcmp(a, "--clients") == 0) o->clients = parse_long(a, v);
    else if (strcmp(a, "--conns") == 0) o->conns = parse_long(a, v);
    else if (strcmp(a, "--duration-ms") == 0) o->duration_ms = parse_long(a, v);
    else if (strcmp(a, "--warmup-ms") == 0) o->warmup_ms = parse_long(a, v);
    else if (strcmp(a, "--timeout-ms") == 0) o->timeout_ms = parse_long(a, v);
    else if (strcmp(a, "--rate") == 0) o->rate = parse_long(a, v);
    else if (strcmp(a, "--qualifying-every") == 0) o->qualifying_every = parse_long(a, v);
    else if (strcmp(a, "--drain-ms") == 0) o->drain_ms = parse_long(a, v);
    else if (strcmp(a, "--count") == 0) o->count = parse_long(a, v);
    else if (strcmp(a, "--window") == 0) o->window = parse_long(a, v);
    else if (strcmp(a, "--interval-ms") == 0) o->interval_ms = parse_long(a, v);
    else if (strcmp(a, "--max-ms") == 0) o->max_ms = parse_long(a, v);
    else if (strcmp(a, "--pace-ms") == 0) o->pace_ms = parse_long(a, v);
    else usage("unknown option");
  }
  /* Every loop below is bounded by these; refuse values that would make a run unbounded. */
  if (o->duration_ms > 60000 || o->max_ms > 120000 || o->warmup_ms > 60000 || o->timeout_ms > 10000 || o->drain_ms > 10000)
    usage("durations are capped at 60 s, timeouts at 10 s");
  if (o->clients < 1 || o->clients > 1024 || o->conns < 1 || o->conns > 1024)
    usage("--clients and --conns must be 1..1024");
  if (o->qualifying_every < 1 || o->window < 1 || o->interval_ms < 1) usage("zero is not allowed here");
  if (o->rate > 1000000 || o->count > 100000000) usage("--rate or --count too large");
}

static struct sockaddr_in parse_endpoint(const char *text) {
  if (!text) usage("an IP:PORT is missing");
  char host[64];
  const char *colon = strrchr(text, ':');
  if (!colon || (size_t)(colon - text) >= sizeof host) usage("endpoints are IP:PORT");
  memcpy(host, text, (size_t)(colon - text));
  host[colon - text] = '\0';
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
  if (inet_pton(AF_INET, host, &a.sin_addr) != 1) usage("endpoints need an IPv4 address");
  return a;
}

static int udp_connected(const struct sockaddr_in *to, int nonblocking) {
  int fd = socket(AF_INET, SOCK_DGRAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) die("socket");
  /* Room for every answer of a burst: a lost answer must mean the responder lost it, not us. */
  int size = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  if (connect(fd, (const struct sockaddr *)to, sizeof *to) < 0) die("connect");
  return fd;
}

static int is_answer(const char *buf, ssize_t n) {
  return n >= (ssize_t)(sizeof ANSWER_PREFIX - 1) &&
         memcmp(buf, ANSWER_PREFIX, sizeof ANSWER_PREFIX - 1) == 0;
}

/* ---- latency samples ---- */

struct samples {
  uint32_t *v;
  size_t n, cap;
};

static void sample_add(struct samples *s, uint64_t ns) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 65536;
    s->v = realloc(s->v, s->cap * sizeof *s->v);
    if (!s->v) die("realloc");
  }
  s->v[s->n++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

static void samples_write(const struct samples *s, const char *path) {
  if (!path) return;
  FILE *f = fopen(path, "wb");
  if (!f) die("open samples file");
  if (s->n && fwrite(s->v, sizeof *s->v, s->n, f) != s->n) die("write samples");
  if (fclose(f) != 0) die("close samples file");
}

/* ---- closed loop ---- */

static int run_closed(const struct options *o) {
  struct sockaddr_in to = parse_endpoint(o->target);
  int n = (int)o->clients;
  int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  int *fds = calloc((size_t)n, sizeof *fds);
  uint64_t *sent_at = calloc((size_t)n, sizeof *sent_at);
  /* Paced: when each client's next search is due (0: none waiting, its search is in flight). */
  uint64_t *due_at = calloc((size_t)n, sizeof *due_at);
  uint64_t pace = (uint64_t)o->pace_ms * 1000000u;
  if (!fds || !sent_at || !due_at) die("calloc");
  uint64_t start = now_ns();
  uint64_t measure_from = start + (uint64_t)o->warmup_ms * 1000000u;
  uint64_t end = measure_from + (uint64_t)o->duration_ms * 1000000u;
  uint64_t timeout = (uint64_t)o->timeout_ms * 1000000u;
  long answers = 0, timeouts = 0, bad = 0, send_errors = 0;
  struct samples s = {0};

  for (int i = 0; i < n; i++) {
    fds[i] = udp_connected(&to, 1);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0) die("epoll_ctl");
    sent_at[i] = now_ns();
    if (send(fds[i], MSEARCH, sizeof MSEARCH - 1, 0) < 0) send_errors++;
  }
  struct epoll_event events[1024];
  char buf[2048];
  uint64_t last_scan = start;
  for (;;) {
    uint64_t t = now_ns();
    if (t >= end) break;
    int ready = epoll_wait(ep, events, n, 5);
    if (ready < 0 && errno != EINTR) die("epoll_wait");
    for (int k = 0; k < ready; k++) {
      int i = (int)events[k].data.u32;
      ssize_t got;
      int answered = 0;
      /* Drain: a late answer to a timed-out search may sit before the current one. */
      while ((got = recv(fds[i], buf, sizeof buf, MSG_DONTWAIT)) >= 0 || errno == ECONNREFUSED) {
        if (got < 0) continue; /* ICMP from a responder not (yet) listening: not an answer */
        if (is_answer(buf, got)) answered = 1;
        else bad++;
      }
      if (!answered) continue;
      uint64_t r = now_ns();
      if (sent_at[i] >= measure_from && r <= end) {
        answers++;
        sample_add(&s, r - sent_at[i]);
      }
      if (r >= end) continue;
      if (pace) {
        due_at[i] = sent_at[i] + pace;
        continue;
      }
      sent_at[i] = now_ns();
      if (send(fds[i], MSEARCH, sizeof MSEARCH - 1, 0) < 0) send_errors++;
    }
    t = now_ns();
    if (pace || t - last_scan >= 1000000u) {
      last_scan = t;
      for (int i = 0; i < n; i++) {
        if (due_at[i]) {
          if (t < due_at[i]) continue;
          due_at[i] = 0;
          sent_at[i] = now_ns();
          if (send(fds[i], MSEARCH, sizeof MSEARCH - 1, 0) < 0) send_errors++;
          continue;
        }
        if (t - sent_at[i] < timeout) continue;
        if (sent_at[i] >= measure_from) timeouts++;
        sent_at[i] = now_ns();
        if (send(fds[i], MSEARCH, sizeof MSEARCH - 1, 0) < 0) send_errors++;
      }
    }
  }
  samples_write(&s, o->samples);
  double secs = (double)(end - measure_from) / 1e9;
  printf("{\"mode\":\"closed\",\"clients\":%d,\"answers\":%ld,\"timeouts\":%ld,\"bad\":%ld,"
         "\"send_errors\":%ld,\"seconds\":%.6f,\"rate\":%.1f}\n",
         n, answers, timeouts, bad, send_errors, secs, (double)answers / secs);
  return 0;
}

/* ---- open loop ---- */

struct open_rx {
  int qfd, cfd;
  atomic_int stop;
  atomic_long q_answers, c_answers, bad;
};

static void *open_receiver(void *arg) {
  struct open_rx *rx = arg;
  char buf[2048];
  struct pollfd p[2] = {{.fd = rx->qfd, .events = POLLIN}, {.fd = rx->cfd, .events = POLLIN}};
  int nfds = rx->cfd >= 0 ? 2 : 1;
  while (!atomic_load(&rx->stop)) {
    int ready = poll(p, (nfds_t)nfds, 5);
    if (ready <= 0) continue;
    for (int k = 0; k < nfds; k++) {
      if (!(p[k].revents & (POLLIN | POLLERR))) continue;
      ssize_t got;
      while ((got = recv(p[k].fd, buf, sizeof buf, MSG_DONTWAIT)) >= 0 || errno == ECONNREFUSED) {
        if (got < 0) continue;
        if (!is_answer(buf, got)) atomic_fetch_add(&rx->bad, 1);
        else if (k == 0) atomic_fetch_add(&rx->q_answers, 1);
        else atomic_fetch_add(&rx->c_answers, 1);
      }
    }
  }
  return NULL;
}

static void sleep_ns(long ns) {
  struct timespec ts = {.tv_sec = ns / 1000000000L, .tv_nsec = ns % 1000000000L};
  nanosleep(&ts, NULL);
}

static int run_open(const struct options *o) {
  struct sockaddr_in to = parse_endpoint(o->target);
  if (o->rate < 1) usage("--rate must be at least 1");
  /* Sleeps of tens of µs pace the sender; the default 50 µs timer slack would double them. */
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  struct open_rx rx = {.qfd = udp_connected(&to, 0), .cfd = -1};
  if (o->qualifying_every > 1) rx.cfd = udp_connected(&to, 0);
  pthread_t thread;
  if (pthread_create(&thread, NULL, open_receiver, &rx) != 0) die("pthread_create");

  long total = (long)((double)o->rate * (double)o->duration_ms / 1000.0);
  long q_sent = 0, c_sent = 0, send_errors = 0;
  uint64_t start = now_ns();
  long i = 0;
  while (i < total) {
    uint64_t elapsed = now_ns() - start;
    long due = (long)((double)elapsed * (double)o->rate / 1e9) + 1;
    if (due > total) due = total;
    for (; i < due; i++) {
      ssize_t r;
      if (i % o->qualifying_every == 0) {
        r = send(rx.qfd, MSEARCH, sizeof MSEARCH - 1, 0);
        q_sent++;
      } else {
        const char *m = CHATTER[(size_t)c_sent % CHATTER_KINDS];
        r = send(rx.cfd, m, strlen(m), 0);
        c_sent++;
      }
      if (r < 0) send_errors++;
    }
    if (i < total) {
      /* Sleep until the next datagram is due, but never less than 50 µs: spinning would take a whole
       * core from a 2-core machine's subject, and a burst of a few datagrams per wake-up is nothing to
       * a socket buffer of hundreds. */
      uint64_t next = start + (uint64_t)((double)i * 1e9 / (double)o->rate);
      uint64_t t = now_ns();
      long wait = next > t ? (long)(next - t) : 0;
      sleep_ns(wait < 50000 ? 50000 : wait);
    }
  }
  uint64_t send_end = now_ns();
  sleep_ns(o->drain_ms * 1000000L);
  atomic_store(&rx.stop, 1);
  pthread_join(thread, NULL);
  double secs = (double)(send_end - start) / 1e9;
  printf("{\"mode\":\"open\",\"rate\":%ld,\"sent\":%ld,\"q_sent\":%ld,\"c_sent\":%ld,"
         "\"q_answers\":%ld,\"c_answers\":%ld,\"bad\":%ld,\"send_errors\":%ld,\"seconds\":%.6f,"
         "\"achieved_rate\":%.1f}\n",
         o->rate, q_sent + c_sent, q_sent, c_sent, atomic_load(&rx.q_answers),
         atomic_load(&rx.c_answers), atomic_load(&rx.bad), send_errors, secs,
         (double)(q_sent + c_sent) / secs);
  return 0;
}

/* ---- flood (memory test) ---- */

static long drain_answers(int fd, long *bad) {
  char buf[2048];
  long n = 0;
  ssize_t got;
  while ((got = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) >= 0 || errno == ECONNREFUSED) {
    if (got < 0) continue;
    if (is_answer(buf, got)) n++;
    else (*bad)++;
  }
  return n;
}

static int run_flood(const struct options *o) {
  struct sockaddr_in to = parse_endpoint(o->target);
  int qfd = udp_connected(&to, 1);
  int cfd = o->qualifying_every > 1 ? udp_connected(&to, 1) : -1;
  long q_sent = 0, c_sent = 0, q_answers = 0, c_answers = 0, bad = 0, stalls = 0, send_errors = 0;
  long outstanding = 0;
  uint64_t timeout = (uint64_t)o->timeout_ms * 1000000u;
  uint64_t start = now_ns();
  uint64_t stop_at = start + (uint64_t)o->max_ms * 1000000u;
  for (long i = 0; i < o->count; i++) {
    if (now_ns() >= stop_at) break;
    if (i % o->qualifying_every == 0) {
      /* Self-clocking: wait for the responder to catch up before putting more in flight. */
      uint64_t waited_from = now_ns();
      while (outstanding >= o->window && now_ns() < stop_at) {
        struct pollfd p = {.fd = qfd, .events = POLLIN};
        poll(&p, 1, 2);
        long got = drain_answers(qfd, &bad);
        q_answers += got;
        outstanding -= got;
        if (got > 0) waited_from = now_ns();
        else if (now_ns() - waited_from > timeout) {
          stalls++; /* an answer was lost: stop waiting for it */
          outstanding = o->window - 1;
        }
      }
      if (send(qfd, MSEARCH, sizeof MSEARCH - 1, 0) < 0) send_errors++;
      q_sent++;
      outstanding++;
    } else {
      const char *m = CHATTER[(size_t)c_sent % CHATTER_KINDS];
      if (send(cfd, m, strlen(m), 0) < 0) send_errors++;
      c_sent++;
    }
    if ((i & 63) == 0 && cfd >= 0) c_answers += drain_answers(cfd, &bad);
  }
  uint64_t send_end = now_ns();
  uint64_t give_up = send_end + timeout;
  while (outstanding > 0 && now_ns() < give_up) {
    struct pollfd p = {.fd = qfd, .events = POLLIN};
    poll(&p, 1, 2);
    long got = drain_answers(qfd, &bad);
    q_answers += got;
    outstanding -= got;
  }
  if (cfd >= 0) c_answers += drain_answers(cfd, &bad);
  double secs = (double)(send_end - start) / 1e9;
  printf("{\"mode\":\"flood\",\"sent\":%ld,\"q_sent\":%ld,\"c_sent\":%ld,\"q_answers\":%ld,"
         "\"c_answers\":%ld,\"bad\":%ld,\"stalls\":%ld,\"send_errors\":%ld,\"seconds\":%.6f,"
         "\"achieved_rate\":%.1f}\n",
         q_sent + c_sent, q_sent, c_sent, q_answers, c_answers, bad, stalls, send_errors, secs,
         (double)(q_sent + c_sent) / secs);
  return 0;
}

/* ---- HTTP description fetches ---- */

enum conn_state { IDLE, CONNECTING, READING };

struct conn {
  int fd;
  enum conn_state state;
  uint64_t started;
  size_t got;
  char head[16];
};

static int http_request(char *out, size_t size, const char *path, const struct sockaddr_in *to) {
  char host[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &to->sin_addr, host, sizeof host);
  return snprintf(out, size, "GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n", path,
                  host, ntohs(to->sin_port));
}

static int conn_open(struct conn *c, int ep, uint32_t id, const struct sockaddr_in *to) {
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (c->fd < 0) die("socket");
  c->started = now_ns();
  c->got = 0;
  c->state = CONNECTING;
  int r = connect(c->fd, (const struct sockaddr *)to, sizeof *to);
  if (r < 0 && errno != EINPROGRESS) {
    close(c->fd);
    c->fd = -1;
    c->state = IDLE;
    return -1;
  }
  struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.u32 = id};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl");
  return 0;
}

static void conn_close(struct conn *c) {
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->state = IDLE;
}

/* Advances one connection on readiness. Returns 1 when a whole response was read, -1 on an error,
 * 0 while it is still going. */
static int conn_step(struct conn *c, int ep, uint32_t id, const char *req, int reqlen) {
  if (c->state == CONNECTING) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return -1;
    /* The request is tiny: one write fits the empty send buffer of a fresh connection. */
    if (send(c->fd, req, (size_t)reqlen, MSG_NOSIGNAL) != reqlen) return -1;
    c->state = READING;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = id};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    return 0;
  }
  char buf[8192];
  for (;;) {
    ssize_t n = recv(c->fd, buf, sizeof buf, 0);
    if (n > 0) {
      if (c->got < sizeof c->head) {
        size_t take = sizeof c->head - c->got < (size_t)n ? sizeof c->head - c->got : (size_t)n;
        memcpy(c->head + c->got, buf, take);
      }
      c->got += (size_t)n;
      continue;
    }
    if (n == 0) {
      /* Read to close: a whole response, if it started with a 200 status line. */
      return c->got >= 12 && memcmp(c->head, "HTTP/1.1 200", 12) == 0 ? 1 : -1;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    if (errno == EINTR) continue;
    return -1;
  }
}

static int run_http(const struct options *o) {
  struct sockaddr_in to = parse_endpoint(o->target);
  char req[512];
  int reqlen = http_request(req, sizeof req, o->path, &to);
  int n = (int)o->conns;
  int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  struct conn *conns = calloc((size_t)n, sizeof *conns);
  if (!conns) die("calloc");
  uint64_t start = now_ns();
  uint64_t measure_from = start + (uint64_t)o->warmup_ms * 1000000u;
  uint64_t end = measure_from + (uint64_t)o->duration_ms * 1000000u;
  uint64_t timeout = (uint64_t)o->timeout_ms * 1000000u;
  long done = 0, errors = 0, timeouts = 0;
  struct samples s = {0};
  for (int i = 0; i < n; i++) {
    conns[i].fd = -1;
    if (conn_open(&conns[i], ep, (uint32_t)i, &to) < 0) errors++;
  }
  struct epoll_event events[1024];
  uint64_t last_scan = start;
  for (;;) {
    uint64_t t = now_ns();
    if (t >= end) break;
    int ready = epoll_wait(ep, events, n, 5);
    if (ready < 0 && errno != EINTR) die("epoll_wait");
    for (int k = 0; k < ready; k++) {
      uint32_t i = events[k].data.u32;
      struct conn *c = &conns[i];
      if (c->state == IDLE) continue;
      int r = conn_step(c, ep, i, req, reqlen);
      if (r == 0) continue;
      uint64_t fin = now_ns();
      if (c->started >= measure_from && fin <= end) {
        if (r > 0) {
          done++;
          sample_add(&s, fin - c->started);
        } else errors++;
      }
      conn_close(c);
      if (fin < end && conn_open(c, ep, i, &to) < 0 && c->started >= measure_from) errors++;
    }
    t = now_ns();
    if (t - last_scan >= 1000000u) {
      last_scan = t;
      for (int i = 0; i < n; i++) {
        struct conn *c = &conns[i];
        if (c->state != IDLE && t - c->started < timeout) continue;
        if (c->state != IDLE && c->started >= measure_from) timeouts++;
        conn_close(c);
        conn_open(c, ep, (uint32_t)i, &to);
      }
    }
  }
  for (int i = 0; i < n; i++) conn_close(&conns[i]);
  samples_write(&s, o->samples);
  double secs = (double)(end - measure_from) / 1e9;
  printf("{\"mode\":\"http\",\"conns\":%d,\"responses\":%ld,\"errors\":%ld,\"timeouts\":%ld,"
         "\"seconds\":%.6f,\"rate\":%.1f}\n",
         n, done, errors, timeouts, secs, (double)done / secs);
  return 0;
}

/* ---- start-up ---- */

static volatile sig_atomic_t child_pid = 0;

static void forward_signal(int sig) {
  if (child_pid > 0) kill((pid_t)child_pid, sig);
}

static int run_startup(const struct options *o) {
  if (!o->argv || !o->argv[0]) usage("startup needs -- ARGV...");
  int use_udp = o->udp != NULL, use_http = o->http != NULL;
  struct sockaddr_in udp_to = use_udp ? parse_endpoint(o->udp) : (struct sockaddr_in){0};
  struct sockaddr_in http_to = use_http ? parse_endpoint(o->http) : (struct sockaddr_in){0};
  char req[512];
  int reqlen = use_http ? http_request(req, sizeof req, o->path, &http_to) : 0;
  int ufd = use_udp ? udp_connected(&udp_to, 1) : -1;

  struct sigaction sa = {.sa_handler = forward_signal};
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  fflush(stdout);
  uint64_t t0 = now_ns();
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    int out = open(o->log ? o->log : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || in < 0) _exit(127);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    execvp(o->argv[0], o->argv);
    _exit(127);
  }
  child_pid = pid;

  uint64_t first_answer = 0, first_desc = 0;
  uint64_t deadline = t0 + (uint64_t)o->timeout_ms * 1000000u;
  uint64_t interval = (uint64_t)o->interval_ms * 1000000u;
  uint64_t next_probe = t0;
  struct conn c = {.fd = -1, .state = IDLE};
  int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  if (use_udp) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
    epoll_ctl(ep, EPOLL_CTL_ADD, ufd, &ev);
  }
  int exited = 0, status = 0;
  while ((use_udp && !first_answer) || (use_http && !first_desc)) {
    uint64_t t = now_ns();
    if (t >= deadline) break;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = 1;
      break;
    }
    if (t >= next_probe) {
      next_probe = t + interval;
      if (use_udp && !first_answer) send(ufd, MSEARCH, sizeof MSEARCH - 1, 0);
      /* One description attempt at a time; a refused one is retried at the next tick. */
      if (use_http && !first_desc && c.state == IDLE) conn_open(&c, ep, 0, &http_to);
    }
    struct epoll_event events[4];
    int wait_ms = (int)((next_probe > t ? next_probe - t + 999999u : 0) / 1000000u);
    int ready = epoll_wait(ep, events, 4, wait_ms);
    for (int k = 0; k < ready; k++) {
      if (events[k].data.u32 == UINT32_MAX) {
        char buf[2048];
        ssize_t got;
        while ((got = recv(ufd, buf, sizeof buf, MSG_DONTWAIT)) >= 0 || errno == ECONNREFUSED) {
          if (got > 0 && is_answer(buf, got) && !first_answer) first_answer = now_ns();
        }
      } else if (c.state != IDLE) {
        int r = conn_step(&c, ep, 0, req, reqlen);
        if (r > 0 && !first_desc) first_desc = now_ns();
        if (r != 0) conn_close(&c);
      }
    }
  }
  conn_close(&c);
  int ok = !exited && (!use_udp || first_answer) && (!use_http || first_desc);
  printf("{\"mode\":\"startup\",\"ok\":%s,\"pid\":%d,\"exited\":%s,\"first_answer_us\":%.1f,"
         "\"first_description_us\":%.1f}\n",
         ok ? "true" : "false", (int)pid, exited ? "true" : "false",
         first_answer ? (double)(first_answer - t0) / 1e3 : -1.0,
         first_desc ? (double)(first_desc - t0) / 1e3 : -1.0);
  fflush(stdout);
  if (exited) return 1;
  /* Stay the program's parent until it ends (the bench sends SIGTERM, passed on above). */
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv) {
  if (argc < 2) usage("a mode is needed");
  signal(SIGPIPE, SIG_IGN);
  struct options o;
  parse_options(argc, argv, &o);
  const char *mode = argv[1];
  if (strcmp(mode, "closed") == 0) return run_closed(&o);
  if (strcmp(mode, "open") == 0) return run_open(&o);
  if (strcmp(mode, "flood") == 0) return run_flood(&o);
  if (strcmp(mode, "http") == 0) return run_http(&o);
  if (strcmp(mode, "startup") == 0) return run_startup(&o);
  usage("unknown mode");
  return 2;
}
