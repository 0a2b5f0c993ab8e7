/*
 * triplane-kafka-mock: a real Kafka-protocol server on one machine.
 *
 * Wraps librdkafka's mock cluster (rdkafka_mock.h) in a small daemon so that
 * any Kafka client (kafkajs in our case) can talk to N local brokers, and adds
 * a line-based TCP control interface so tests can inject faults (broker down,
 * leader moves, request errors, latency) while clients are connected.
 *
 * Usage:
 *   triplane-kafka-mock --state-file PATH [--brokers N] [--control-port N]
 *                       [--topic NAME:PARTITIONS]...
 *
 * Control protocol (127.0.0.1, one command per line, one response line per
 * command, "ok [payload]" or "err <message>"):
 *   ping | bootstrap | topics | topic-create NAME PARTITIONS
 *   broker-down ID | broker-up ID | leader TOPIC PARTITION BROKER_ID
 *   request-errors API_KEY ERROR_CODE COUNT | clear-errors API_KEY
 *   rtt BROKER_ID MS | shutdown
 *
 * Threading: librdkafka runs the mock brokers on its own threads; this
 * program's main thread only serves the control socket and signals through a
 * single poll() loop. The mock API calls used here are thread-safe (they are
 * either queued to the mock thread and awaited, or take the cluster lock).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define PROG "triplane-kafka-mock"
#define MAX_BROKERS 64
#define MAX_PARTITIONS 10000
#define MAX_CLIENTS 64
#define MAX_LINE 1024
#define MAX_TOKENS 8
#define MAX_ERROR_COUNT 100000
#define MAX_RTT_MS 600000
#define TOPIC_NAME_MAX 249

typedef struct {
        char *name;
        int partitions;
} topic_t;

typedef struct {
        int fd;
        size_t len;
        /* Set while discarding the rest of an over-long line. */
        bool overflow;
        char buf[MAX_LINE];
} client_t;

static struct {
        int brokers;
        const char *state_file;
        int control_port;
        topic_t *topics;
        size_t topic_cnt;
        size_t topic_cap;

        rd_kafka_t *rk;
        rd_kafka_mock_cluster_t *mcluster;
        char *bootstrap;
        char control_addr[64];
        int listen_fd;
        int signal_fd;
        bool state_written;
        bool running;
        client_t clients[MAX_CLIENTS];
} g = {.brokers = 3, .listen_fd = -1, .signal_fd = -1};

static void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_err(const char *fmt, ...) {
        va_list ap;
        fprintf(stderr, PROG ": ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

static void usage(FILE *fp) {
        fprintf(fp,
                "usage: " PROG
                " --state-file PATH [--brokers N] [--control-port N]\n"
                "       [--topic NAME:PARTITIONS]...\n"
                "  --brokers N            mock brokers, 1..%d (default 3)\n"
                "  --state-file PATH      JSON state written once ready, "
                "removed on exit\n"
                "  --control-port N       control port on 127.0.0.1 "
                "(default 0 = any free port)\n"
                "  --topic NAME:PARTS     create a topic up front "
                "(repeatable)\n",
                MAX_BROKERS);
}

static void die_usage(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
static void die_usage(const char *fmt, ...) {
        va_list ap;
        fprintf(stderr, PROG ": ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        usage(stderr);
        exit(1);
}

/* Strict integer parsing: the whole string must be a number in range, so a
 * typo in a fault-injection command is rejected rather than half-applied. */
static bool parse_long(const char *s, long min, long max, long *out) {
        char *end;
        long v;

        if (!s || !*s)
                return false;
        errno = 0;
        v     = strtol(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return false;
        *out = v;
        return true;
}

/* Kafka's legal topic characters; restricting to them also means names never
 * need escaping in the JSON state file or the control protocol. */
static bool valid_topic_name(const char *name) {
        size_t len = strlen(name);
        size_t i;

        if (len == 0 || len > TOPIC_NAME_MAX || !strcmp(name, ".") ||
            !strcmp(name, ".."))
                return false;
        for (i = 0; i < len; i++) {
                char c = name[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                      c == '-'))
                        return false;
        }
        return true;
}

static topic_t *topic_find(const char *name) {
        size_t i;
        for (i = 0; i < g.topic_cnt; i++)
                if (!strcmp(g.topics[i].name, name))
                        return &g.topics[i];
        return NULL;
}

static bool topic_add(const char *name, int partitions) {
        if (g.topic_cnt == g.topic_cap) {
                size_t cap   = g.topic_cap ? g.topic_cap * 2 : 8;
                topic_t *arr = realloc(g.topics, cap * sizeof(*arr));
                if (!arr)
                        return false;
                g.topics    = arr;
                g.topic_cap = cap;
        }
        if (!(g.topics[g.topic_cnt].name = strdup(name)))
                return false;
        g.topics[g.topic_cnt].partitions = partitions;
        g.topic_cnt++;
        return true;
}

static void topics_free(void) {
        size_t i;
        for (i = 0; i < g.topic_cnt; i++)
                free(g.topics[i].name);
        free(g.topics);
        g.topics    = NULL;
        g.topic_cnt = g.topic_cap = 0;
}

static void parse_args(int argc, char **argv) {
        int i;

        for (i = 1; i < argc; i++) {
                const char *arg = argv[i];
                const char *val = i + 1 < argc ? argv[i + 1] : NULL;
                long n;

                if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
                        usage(stdout);
                        exit(0);
                }
                if (!val)
                        die_usage("missing value for %s", arg);
                i++;

                if (!strcmp(arg, "--brokers")) {
                        if (!parse_long(val, 1, MAX_BROKERS, &n))
                                die_usage("--brokers must be 1..%d, got '%s'",
                                          MAX_BROKERS, val);
                        g.brokers = (int)n;
                } else if (!strcmp(arg, "--state-file")) {
                        if (!*val)
                                die_usage("--state-file must not be empty");
                        g.state_file = val;
                } else if (!strcmp(arg, "--control-port")) {
                        if (!parse_long(val, 0, 65535, &n))
                                die_usage("--control-port must be 0..65535, "
                                          "got '%s'",
                                          val);
                        g.control_port = (int)n;
                } else if (!strcmp(arg, "--topic")) {
                        const char *colon = strrchr(val, ':');
                        char name[TOPIC_NAME_MAX + 1];
                        size_t len;

                        if (!colon)
                                die_usage("--topic expects NAME:PARTITIONS, "
                                          "got '%s'",
                                          val);
                        len = (size_t)(colon - val);
                        if (len > TOPIC_NAME_MAX)
                                die_usage("topic name too long in '%s'", val);
                        memcpy(name, val, len);
                        name[len] = '\0';
                        if (!valid_topic_name(name))
                                die_usage("invalid topic name '%s' (allowed: "
                                          "[a-zA-Z0-9._-], 1..%d chars)",
                                          name, TOPIC_NAME_MAX);
                        if (!parse_long(colon + 1, 1, MAX_PARTITIONS, &n))
                                die_usage("partitions for topic '%s' must be "
                                          "1..%d, got '%s'",
                                          name, MAX_PARTITIONS, colon + 1);
                        if (topic_find(name))
                                die_usage("topic '%s' given twice", name);
                        if (!topic_add(name, (int)n))
                                die_usage("out of memory");
                } else {
                        die_usage("unknown argument '%s'", arg);
                }
        }

        if (!g.state_file)
                die_usage("--state-file is required");
}

static int replication_factor(void) {
        return g.brokers < 3 ? g.brokers : 3;
}

/* Written to PATH.tmp then renamed so a reader never sees a half-written
 * file: the state file's existence is the "ready" signal. */
static bool write_state_file(void) {
        size_t plen = strlen(g.state_file);
        char *tmp   = malloc(plen + 5);
        FILE *fp;
        size_t i;
        bool ok = true;

        if (!tmp) {
                log_err("out of memory");
                return false;
        }
        memcpy(tmp, g.state_file, plen);
        memcpy(tmp + plen, ".tmp", 5);

        if (!(fp = fopen(tmp, "w"))) {
                log_err("cannot write %s: %s", tmp, strerror(errno));
                free(tmp);
                return false;
        }
        fprintf(fp,
                "{\"pid\":%ld,\"bootstrap\":\"%s\",\"control\":\"%s\","
                "\"brokers\":%d,\"topics\":{",
                (long)getpid(), g.bootstrap, g.control_addr, g.brokers);
        for (i = 0; i < g.topic_cnt; i++)
                fprintf(fp, "%s\"%s\":%d", i ? "," : "", g.topics[i].name,
                        g.topics[i].partitions);
        fprintf(fp, "}}\n");

        if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
                ok = false;
        if (fclose(fp) != 0)
                ok = false;
        if (!ok) {
                log_err("cannot write %s: %s", tmp, strerror(errno));
                unlink(tmp);
                free(tmp);
                return false;
        }
        if (rename(tmp, g.state_file) != 0) {
                log_err("cannot rename %s to %s: %s", tmp, g.state_file,
                        strerror(errno));
                unlink(tmp);
                free(tmp);
                return false;
        }
        free(tmp);
        g.state_written = true;
        return true;
}

static bool create_mock_topic(const char *name, int partitions, char *errbuf,
                              size_t errsize) {
        rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(
            g.mcluster, name, partitions, replication_factor());
        if (err) {
                snprintf(errbuf, errsize, "cannot create topic %s: %s (%s)",
                         name, rd_kafka_err2name(err), rd_kafka_err2str(err));
                return false;
        }
        return true;
}

static bool start_cluster(void) {
        char errstr[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        const char *bs;
        size_t i;

        /* The handle only hosts the mock cluster; it never produces. Errors
         * (level 3) still reach stderr, chatter does not. */
        if (rd_kafka_conf_set(conf, "log_level", "3", errstr,
                              sizeof(errstr)) != RD_KAFKA_CONF_OK ||
            rd_kafka_conf_set(conf, "client.id", PROG, errstr,
                              sizeof(errstr)) != RD_KAFKA_CONF_OK) {
                log_err("config: %s", errstr);
                rd_kafka_conf_destroy(conf);
                return false;
        }

        g.rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!g.rk) {
                log_err("rd_kafka_new: %s", errstr);
                rd_kafka_conf_destroy(conf);
                return false;
        }

        g.mcluster = rd_kafka_mock_cluster_new(g.rk, g.brokers);
        if (!g.mcluster) {
                log_err("cannot create mock cluster with %d brokers",
                        g.brokers);
                return false;
        }

        bs = rd_kafka_mock_cluster_bootstraps(g.mcluster);
        if (!bs || !(g.bootstrap = strdup(bs))) {
                log_err("mock cluster has no bootstrap servers");
                return false;
        }

        for (i = 0; i < g.topic_cnt; i++) {
                if (!create_mock_topic(g.topics[i].name,
                                       g.topics[i].partitions, errstr,
                                       sizeof(errstr))) {
                        log_err("%s", errstr);
                        return false;
                }
        }
        return true;
}

static bool start_control(void) {
        struct sockaddr_in addr;
        socklen_t alen = sizeof(addr);
        int one        = 1;

        g.listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (g.listen_fd < 0) {
                log_err("socket: %s", strerror(errno));
                return false;
        }
        setsockopt(g.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));

        memset(&addr, 0, sizeof(addr));
        addr.sin_family      = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port        = htons((uint16_t)g.control_port);
        if (bind(g.listen_fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
                log_err("cannot bind control port 127.0.0.1:%d: %s",
                        g.control_port, strerror(errno));
                return false;
        }
        if (listen(g.listen_fd, 16) != 0) {
                log_err("listen: %s", strerror(errno));
                return false;
        }
        if (getsockname(g.listen_fd, (struct sockaddr *)&addr, &alen) != 0) {
                log_err("getsockname: %s", strerror(errno));
                return false;
        }
        snprintf(g.control_addr, sizeof(g.control_addr), "127.0.0.1:%u",
                 (unsigned)ntohs(addr.sin_port));
        return true;
}

/* ------------------------------------------------------------------------ */
/* Control protocol                                                          */
/* ------------------------------------------------------------------------ */

static void client_close(client_t *c) {
        if (c->fd >= 0)
                close(c->fd);
        c->fd       = -1;
        c->len      = 0;
        c->overflow = false;
}

/* Returns false if the client is gone or not reading; it is then dropped. */
static bool client_send(client_t *c, const char *data, size_t len) {
        while (len > 0) {
                ssize_t r = send(c->fd, data, len, MSG_NOSIGNAL);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        return false;
                }
                data += r;
                len -= (size_t)r;
        }
        return true;
}

typedef struct {
        char *buf;
        size_t len;
        size_t cap;
        bool oom;
} strbuf_t;

static void sb_append(strbuf_t *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void sb_append(strbuf_t *sb, const char *fmt, ...) {
        va_list ap;
        int n;

        if (sb->oom)
                return;
        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
                sb->oom = true;
                return;
        }
        if (sb->len + (size_t)n + 1 > sb->cap) {
                size_t cap = (sb->len + (size_t)n + 1) * 2;
                char *nb   = realloc(sb->buf, cap);
                if (!nb) {
                        sb->oom = true;
                        return;
                }
                sb->buf = nb;
                sb->cap = cap;
        }
        va_start(ap, fmt);
        vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
        va_end(ap);
        sb->len += (size_t)n;
}

#define REPLY_OK(...) sb_append(out, "ok" __VA_ARGS__)

static void reply_err(strbuf_t *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void reply_err(strbuf_t *out, const char *fmt, ...) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        sb_append(out, "err %s", msg);
}

static void reply_mock_result(strbuf_t *out,
                              rd_kafka_resp_err_t err,
                              const char *what) {
        if (err)
                reply_err(out, "%s failed: %s (%s)", what,
                          rd_kafka_err2name(err), rd_kafka_err2str(err));
        else
                sb_append(out, "ok");
}

/* Broker ids in the mock are 1..N; -1 addresses all brokers at once. */
static bool parse_broker_id(const char *s, bool allow_all, long *out) {
        long n;
        if (!parse_long(s, allow_all ? -1 : 1, g.brokers, &n) || n == 0)
                return false;
        *out = n;
        return true;
}

static void handle_command(char *line, strbuf_t *out) {
        char *tok[MAX_TOKENS + 1];
        int ntok = 0;
        char *save = NULL;
        char *t;
        const char *cmd;
        long a, b, c;

        for (t = strtok_r(line, " \t", &save); t;
             t = strtok_r(NULL, " \t", &save)) {
                if (ntok == MAX_TOKENS) {
                        reply_err(out, "too many arguments");
                        return;
                }
                tok[ntok++] = t;
        }
        tok[ntok] = NULL;
        cmd       = tok[0];

#define USAGE(cond, text)                                                      \
        do {                                                                   \
                if (!(cond)) {                                                 \
                        reply_err(out, "usage: %s", text);                     \
                        return;                                                \
                }                                                              \
        } while (0)

        if (!strcmp(cmd, "ping")) {
                USAGE(ntok == 1, "ping");
                REPLY_OK(" pong");

        } else if (!strcmp(cmd, "bootstrap")) {
                USAGE(ntok == 1, "bootstrap");
                sb_append(out, "ok %s", g.bootstrap);

        } else if (!strcmp(cmd, "topics")) {
                size_t i;
                USAGE(ntok == 1, "topics");
                sb_append(out, "ok ");
                for (i = 0; i < g.topic_cnt; i++)
                        sb_append(out, "%s%s:%d", i ? "," : "",
                                  g.topics[i].name, g.topics[i].partitions);

        } else if (!strcmp(cmd, "topic-create")) {
                char errstr[512];
                USAGE(ntok == 3, "topic-create NAME PARTITIONS");
                if (!valid_topic_name(tok[1])) {
                        reply_err(out,
                                  "invalid topic name (allowed: "
                                  "[a-zA-Z0-9._-], 1..%d chars)",
                                  TOPIC_NAME_MAX);
                        return;
                }
                if (!parse_long(tok[2], 1, MAX_PARTITIONS, &a)) {
                        reply_err(out, "partitions must be 1..%d",
                                  MAX_PARTITIONS);
                        return;
                }
                if (topic_find(tok[1])) {
                        reply_err(out, "topic %s already exists", tok[1]);
                        return;
                }
                if (!create_mock_topic(tok[1], (int)a, errstr,
                                       sizeof(errstr))) {
                        reply_err(out, "%s", errstr);
                        return;
                }
                if (!topic_add(tok[1], (int)a)) {
                        reply_err(out, "out of memory");
                        return;
                }
                /* Keep the state file truthful for readers that never talk
                 * to the control port; the topic exists either way. */
                if (!write_state_file())
                        log_err("topic %s created but state file not updated",
                                tok[1]);
                REPLY_OK();

        } else if (!strcmp(cmd, "broker-down") || !strcmp(cmd, "broker-up")) {
                bool up = !strcmp(cmd, "broker-up");
                USAGE(ntok == 2, up ? "broker-up BROKER_ID (1..N or -1 = all)"
                                    : "broker-down BROKER_ID (1..N or -1 = "
                                      "all)");
                if (!parse_broker_id(tok[1], true, &a)) {
                        reply_err(out, "broker id must be 1..%d or -1",
                                  g.brokers);
                        return;
                }
                reply_mock_result(
                    out,
                    up ? rd_kafka_mock_broker_set_up(g.mcluster, (int32_t)a)
                       : rd_kafka_mock_broker_set_down(g.mcluster, (int32_t)a),
                    cmd);

        } else if (!strcmp(cmd, "leader")) {
                topic_t *tp;
                USAGE(ntok == 4,
                      "leader TOPIC PARTITION BROKER_ID (-1 = leaderless)");
                /* Only topics we created: the mock would silently auto-create
                 * an unknown topic with PARTITION+1 partitions. */
                if (!(tp = topic_find(tok[1]))) {
                        reply_err(out,
                                  "unknown topic %s (only topics created by "
                                  "this daemon can be managed)",
                                  tok[1]);
                        return;
                }
                if (!parse_long(tok[2], 0, tp->partitions - 1, &b)) {
                        reply_err(out, "partition must be 0..%d for %s",
                                  tp->partitions - 1, tp->name);
                        return;
                }
                if (!parse_broker_id(tok[3], true, &c)) {
                        reply_err(out, "broker id must be 1..%d or -1",
                                  g.brokers);
                        return;
                }
                reply_mock_result(
                    out,
                    rd_kafka_mock_partition_set_leader(
                        g.mcluster, tp->name, (int32_t)b, (int32_t)c),
                    "leader");

        } else if (!strcmp(cmd, "request-errors")) {
                rd_kafka_resp_err_t *errs;
                long i;
                USAGE(ntok == 4, "request-errors API_KEY ERROR_CODE COUNT");
                if (!parse_long(tok[1], 0, INT16_MAX, &a)) {
                        reply_err(out, "API_KEY must be 0..%d", INT16_MAX);
                        return;
                }
                if (!parse_long(tok[2], INT16_MIN, INT16_MAX, &b)) {
                        reply_err(out, "ERROR_CODE must fit in int16");
                        return;
                }
                if (!parse_long(tok[3], 1, MAX_ERROR_COUNT, &c)) {
                        reply_err(out, "COUNT must be 1..%d", MAX_ERROR_COUNT);
                        return;
                }
                if (!(errs = malloc((size_t)c * sizeof(*errs)))) {
                        reply_err(out, "out of memory");
                        return;
                }
                for (i = 0; i < c; i++)
                        errs[i] = (rd_kafka_resp_err_t)b;
                rd_kafka_mock_push_request_errors_array(
                    g.mcluster, (int16_t)a, (size_t)c, errs);
                free(errs);
                REPLY_OK();

        } else if (!strcmp(cmd, "clear-errors")) {
                USAGE(ntok == 2, "clear-errors API_KEY");
                if (!parse_long(tok[1], 0, INT16_MAX, &a)) {
                        reply_err(out, "API_KEY must be 0..%d", INT16_MAX);
                        return;
                }
                rd_kafka_mock_clear_request_errors(g.mcluster, (int16_t)a);
                REPLY_OK();

        } else if (!strcmp(cmd, "rtt")) {
                USAGE(ntok == 3, "rtt BROKER_ID MS (BROKER_ID -1 = all)");
                if (!parse_broker_id(tok[1], true, &a)) {
                        reply_err(out, "broker id must be 1..%d or -1",
                                  g.brokers);
                        return;
                }
                if (!parse_long(tok[2], 0, MAX_RTT_MS, &b)) {
                        reply_err(out, "MS must be 0..%d", MAX_RTT_MS);
                        return;
                }
                reply_mock_result(out,
                                  rd_kafka_mock_broker_set_rtt(
                                      g.mcluster, (int32_t)a, (int)b),
                                  "rtt");

        } else if (!strcmp(cmd, "shutdown")) {
                USAGE(ntok == 1, "shutdown");
                g.running = false;
                REPLY_OK();

        } else {
                reply_err(out,
                          "unknown command '%.64s' (try: ping bootstrap "
                          "topics topic-create broker-down broker-up leader "
                          "request-errors clear-errors rtt shutdown)",
                          cmd);
        }
#undef USAGE
}

/* Handles every complete line buffered for the client. Returns false when the
 * connection should be closed. */
static bool client_process(client_t *c) {
        char *start = c->buf;
        char *nl;
        size_t rest;

        while (g.running &&
               (nl = memchr(start, '\n', c->len - (size_t)(start - c->buf)))) {
                strbuf_t out = {0};
                size_t linelen = (size_t)(nl - start);
                bool sent;

                if (linelen > 0 && start[linelen - 1] == '\r')
                        linelen--;
                start[linelen] = '\0';

                /* Blank lines carry no command, so they get no response. */
                if (strspn(start, " \t") != linelen ||
                    memchr(start, '\0', linelen)) {
                        if (memchr(start, '\0', linelen))
                                reply_err(&out, "NUL byte in command");
                        else
                                handle_command(start, &out);
                        sb_append(&out, "\n");
                        if (out.oom) {
                                free(out.buf);
                                return false;
                        }
                        sent = client_send(c, out.buf, out.len);
                        free(out.buf);
                        if (!sent)
                                return false;
                }
                start = nl + 1;
        }

        rest = c->len - (size_t)(start - c->buf);
        memmove(c->buf, start, rest);
        c->len = rest;
        return true;
}

static void client_read(client_t *c) {
        static const char too_long[] = "err line too long\n";
        ssize_t r;

        r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
                return;
        if (r <= 0) {
                client_close(c);
                return;
        }
        c->len += (size_t)r;

        /* An over-long line is answered with one err once its end arrives,
         * instead of dropping the connection, so the client stays in sync. */
        if (c->overflow) {
                char *nl = memchr(c->buf, '\n', c->len);
                size_t rest;

                if (!nl) {
                        c->len = 0;
                        return;
                }
                if (!client_send(c, too_long, sizeof(too_long) - 1)) {
                        client_close(c);
                        return;
                }
                rest = c->len - (size_t)(nl + 1 - c->buf);
                memmove(c->buf, nl + 1, rest);
                c->len      = rest;
                c->overflow = false;
        }

        if (!client_process(c)) {
                client_close(c);
                return;
        }
        if (c->len == sizeof(c->buf)) {
                c->overflow = true;
                c->len      = 0;
        }
}

static void accept_client(void) {
        struct timeval tv = {.tv_sec = 1, .tv_usec = 0};
        int fd = accept4(g.listen_fd, NULL, NULL, SOCK_CLOEXEC);
        int i;

        if (fd < 0)
                return;
        /* A client that stops reading must not stall the whole daemon. */
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

        for (i = 0; i < MAX_CLIENTS; i++) {
                if (g.clients[i].fd < 0) {
                        g.clients[i].fd       = fd;
                        g.clients[i].len      = 0;
                        g.clients[i].overflow = false;
                        return;
                }
        }
        {
                static const char msg[] = "err too many control clients\n";
                ssize_t r = send(fd, msg, sizeof(msg) - 1,
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
                (void)r;
                close(fd);
        }
}

static void serve(void) {
        struct pollfd pfds[2 + MAX_CLIENTS];
        int map[2 + MAX_CLIENTS];
        int i;

        g.running = true;
        while (g.running) {
                int n = 0;

                pfds[n].fd       = g.signal_fd;
                pfds[n++].events = POLLIN;
                pfds[n].fd       = g.listen_fd;
                pfds[n++].events = POLLIN;
                for (i = 0; i < MAX_CLIENTS; i++) {
                        if (g.clients[i].fd < 0)
                                continue;
                        map[n]           = i;
                        pfds[n].fd       = g.clients[i].fd;
                        pfds[n++].events = POLLIN;
                }

                if (poll(pfds, (nfds_t)n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        log_err("poll: %s", strerror(errno));
                        break;
                }

                if (pfds[0].revents) {
                        struct signalfd_siginfo si;
                        if (read(g.signal_fd, &si, sizeof(si)) > 0)
                                g.running = false;
                        break;
                }
                if (pfds[1].revents & POLLIN)
                        accept_client();
                for (i = 2; i < n && g.running; i++) {
                        client_t *c = &g.clients[map[i]];
                        if (pfds[i].revents & POLLIN)
                                client_read(c);
                        else if (pfds[i].revents & (POLLERR | POLLHUP |
                                                    POLLNVAL))
                                client_close(c);
                }
        }
}

static void cleanup(void) {
        int i;

        /* Remove the state file first so nobody picks up a bootstrap list
         * that is about to stop answering. */
        if (g.state_written && g.state_file)
                unlink(g.state_file);
        for (i = 0; i < MAX_CLIENTS; i++)
                client_close(&g.clients[i]);
        if (g.listen_fd >= 0)
                close(g.listen_fd);
        if (g.signal_fd >= 0)
                close(g.signal_fd);
        if (g.mcluster)
                rd_kafka_mock_cluster_destroy(g.mcluster);
        if (g.rk)
                rd_kafka_destroy(g.rk);
        /* Confirms every librdkafka thread has been joined. */
        if (g.rk && rd_kafka_wait_destroyed(5000) != 0)
                log_err("librdkafka threads still running at exit");
        free(g.bootstrap);
        topics_free();
}

int main(int argc, char **argv) {
        sigset_t mask;
        int i;

        for (i = 0; i < MAX_CLIENTS; i++)
                g.clients[i].fd = -1;

        parse_args(argc, argv);

        /* Block termination signals before librdkafka starts its threads, so
         * they inherit the mask and the signals are only ever consumed
         * synchronously through the signalfd in the main loop. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        if (pthread_sigmask(SIG_BLOCK, &mask, NULL) != 0) {
                log_err("cannot block signals");
                return 1;
        }
        signal(SIGPIPE, SIG_IGN);
        g.signal_fd = signalfd(-1, &mask, SFD_CLOEXEC);
        if (g.signal_fd < 0) {
                log_err("signalfd: %s", strerror(errno));
                return 1;
        }

        if (!start_cluster() || !start_control() || !write_state_file()) {
                cleanup();
                return 1;
        }

        printf(PROG " ready bootstrap=%s control=%s\n", g.bootstrap,
               g.control_addr);
        fflush(stdout);

        serve();

        cleanup();
        return 0;
}
