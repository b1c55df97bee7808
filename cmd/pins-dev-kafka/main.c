/* pins-dev-kafka: an in-process Kafka cluster for development and tests (librdkafka's mock cluster).
 *
 *   pins-dev-kafka [--brokers N] [--partitions N] [--topic NAME]... [--port-file FILE]
 *
 * Creates the service's topics (and any --topic), prints ONE line with the bootstrap address to
 * stdout (and into --port-file, written atomically and removed on a clean stop), then runs until
 * SIGTERM, SIGINT or SIGHUP.
 * SIGUSR1 takes every broker down, SIGUSR2 brings them back; each logs one line on stderr.
 * Everything lives in RAM and the mock keeps only ~5 MiB per partition (older data is dropped).
 * Exit 0 after a signal, 1 when the cluster cannot start, 2 on bad arguments. */
#include "core/status.h"

#include <errno.h>
#include <getopt.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEVK_MAX_TOPICS 64
#define DEVK_EXIT_FAIL 1
#define DEVK_EXIT_USAGE 2

static const char devk_usage[] =
    "usage: pins-dev-kafka [--brokers N] [--partitions N] [--topic NAME]... [--port-file FILE]";

/* The topics the service publishes to (see api/); created up front so they get enough partitions. */
static const char *const devk_default_topics[] = {
    "pins.self-assessments", "pins.engagement-meetings", "pins.quarterly-reports",
    "pins.projects",         "pins.interventions",
};

struct devk_cli {
  int brokers;
  int partitions;
  const char *port_file;
  const char *topics[DEVK_MAX_TOPICS];
  size_t topic_count;
};

static int devk_usage_error(const char *what, const char *arg)
{
  fprintf(stderr, "pins-dev-kafka: %s%s%s; %s\n", what, arg ? ": " : "", arg ? arg : "", devk_usage);
  return DEVK_EXIT_USAGE;
}

/* Parses a whole decimal int in [min, max] into *out. */
static int devk_parse_int(int *out, const char *s, int min, int max)
{
  char *end = NULL;
  long v;

  errno = 0;
  v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > max) return PINS_EINVALID;
  *out = (int)v;
  return PINS_OK;
}

/* Fills cli from argv (defaults first). Returns 0 or the usage exit code (already reported). */
static int devk_parse_args(struct devk_cli *cli, int argc, char **argv)
{
  static const struct option options[] = {
      {"brokers", required_argument, NULL, 'b'}, {"partitions", required_argument, NULL, 'p'},
      {"topic", required_argument, NULL, 't'},   {"port-file", required_argument, NULL, 'f'},
      {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
  };
  int opt;

  cli->brokers = 3;
  cli->partitions = 12;
  for (size_t i = 0; i < sizeof devk_default_topics / sizeof *devk_default_topics; i++)
    cli->topics[cli->topic_count++] = devk_default_topics[i];

  opterr = 0;
  while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
    switch (opt) {
    case 'b':
      if (devk_parse_int(&cli->brokers, optarg, 1, 64) != PINS_OK)
        return devk_usage_error("--brokers must be 1..64", optarg);
      break;
    case 'p':
      if (devk_parse_int(&cli->partitions, optarg, 1, 1000) != PINS_OK)
        return devk_usage_error("--partitions must be 1..1000", optarg);
      break;
    case 't':
      if (*optarg == '\0' || strlen(optarg) > 249)
        return devk_usage_error("--topic needs a name of 1..249 characters", optarg);
      if (cli->topic_count == DEVK_MAX_TOPICS) return devk_usage_error("too many topics", optarg);
      cli->topics[cli->topic_count++] = optarg;
      break;
    case 'f':
      cli->port_file = optarg;
      break;
    case 'h':
      printf("%s\n", devk_usage);
      exit(0);
    case ':':
      return devk_usage_error("option needs a value", argv[optind - 1]);
    default:
      return devk_usage_error("unknown option", argv[optind - 1]);
    }
  }
  if (optind < argc) return devk_usage_error("unexpected argument", argv[optind]);
  return PINS_OK;
}

/* Writes "line\n" to path atomically: a temporary file in the same folder, then rename, so a script
 * polling for the file never reads half an address. */
static int devk_write_port_file(const char *path, const char *line)
{
  int status = PINS_ERROR;
  char tmp[PATH_MAX];
  int fd = -1;
  FILE *f = NULL;

  if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof tmp) {
    errno = ENAMETOOLONG;
    tmp[0] = '\0';
    goto done;
  }
  fd = mkstemp(tmp);
  if (fd < 0) {
    tmp[0] = '\0';
    goto done;
  }
  f = fdopen(fd, "w");
  if (!f) goto done;
  fd = -1; /* the FILE owns it now */
  if (fprintf(f, "%s\n", line) < 0 || fflush(f) != 0 || fchmod(fileno(f), 0644) != 0) goto done;
  if (fclose(f) != 0) {
    f = NULL;
    goto done;
  }
  f = NULL;
  if (rename(tmp, path) != 0) goto done;
  tmp[0] = '\0';
  status = PINS_OK;

done:
  if (f) fclose(f);
  if (fd >= 0) close(fd);
  if (tmp[0]) unlink(tmp);
  return status;
}

/* Creates every topic; replication 3 (or as many brokers as there are), falling back to 1. */
static int devk_create_topics(rd_kafka_mock_cluster_t *mcluster, const struct devk_cli *cli)
{
  int status = PINS_ERROR;
  int replication = cli->brokers < 3 ? cli->brokers : 3;

  for (size_t i = 0; i < cli->topic_count; i++) {
    rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(mcluster, cli->topics[i], cli->partitions, replication);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && replication != 1)
      err = rd_kafka_mock_topic_create(mcluster, cli->topics[i], cli->partitions, 1);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      fprintf(stderr, "pins-dev-kafka: cannot create topic %s: %s\n", cli->topics[i], rd_kafka_err2str(err));
      goto done;
    }
  }
  status = PINS_OK;

done:
  return status;
}

/* Takes every broker (ids 1..count) down or brings it up, and says so on stderr. */
static void devk_set_brokers(rd_kafka_mock_cluster_t *mcluster, int count, bool up)
{
  int failed = 0;

  for (int32_t id = 1; id <= count; id++) {
    rd_kafka_resp_err_t err =
        up ? rd_kafka_mock_broker_set_up(mcluster, id) : rd_kafka_mock_broker_set_down(mcluster, id);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) failed++;
  }
  fprintf(stderr, "pins-dev-kafka: %d broker(s) %s%s\n", count - failed, up ? "up" : "down",
          failed ? " (some brokers refused)" : "");
}

/* Blocks the signals devk_wait handles and puts them in *set. Call before librdkafka starts its
 * threads, so they all inherit the mask and only sigwait receives the signals. A shell starts a
 * background job with SIGINT ignored, and an ignored signal is discarded even when blocked, so
 * the handled ones are reset to the default first (SIGHUP stays ignored under nohup). SIGPIPE is
 * blocked too, so a closed socket or stdout is an error, not death. */
static void devk_signals_take(sigset_t *set)
{
  static const int handled[] = {SIGTERM, SIGINT, SIGUSR1, SIGUSR2};
  struct sigaction hup;
  sigset_t block;

  sigemptyset(set);
  for (size_t i = 0; i < sizeof handled / sizeof *handled; i++) {
    signal(handled[i], SIG_DFL);
    sigaddset(set, handled[i]);
  }
  if (sigaction(SIGHUP, NULL, &hup) == 0 && hup.sa_handler != SIG_IGN) sigaddset(set, SIGHUP);
  block = *set;
  sigaddset(&block, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &block, NULL);
}

/* Waits for signals until one asks to stop. */
static void devk_wait(rd_kafka_mock_cluster_t *mcluster, const sigset_t *signals, int brokers)
{
  for (;;) {
    int sig = 0;

    if (sigwait(signals, &sig) != 0) continue;
    if (sig == SIGUSR1)
      devk_set_brokers(mcluster, brokers, false);
    else if (sig == SIGUSR2)
      devk_set_brokers(mcluster, brokers, true);
    else
      return;
  }
}

int main(int argc, char **argv)
{
  int code = DEVK_EXIT_FAIL;
  struct devk_cli cli = {0};
  sigset_t signals;
  rd_kafka_conf_t *conf = NULL;
  rd_kafka_t *rk = NULL;
  rd_kafka_mock_cluster_t *mcluster = NULL;
  const char *bootstraps;
  char errstr[512];

  if ((code = devk_parse_args(&cli, argc, argv)) != 0) goto done;
  code = DEVK_EXIT_FAIL;

  devk_signals_take(&signals);

  /* The producer only hosts the cluster; it never connects anywhere, so keep its log to errors. */
  conf = rd_kafka_conf_new();
  /* The mock brokers take their sockets' TCP_NODELAY from this setting; a real broker sets it,
   * and without it each connection's last response waits ~40 ms for a delayed ACK. */
  if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "socket.nagle.disable", "true", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "pins-dev-kafka: %s\n", errstr);
    goto done;
  }
  rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    fprintf(stderr, "pins-dev-kafka: cannot create the host handle: %s\n", errstr);
    goto done;
  }
  conf = NULL; /* rd_kafka_new took it */
  mcluster = rd_kafka_mock_cluster_new(rk, cli.brokers);
  if (!mcluster) {
    fprintf(stderr, "pins-dev-kafka: cannot start the mock cluster\n");
    goto done;
  }
  if (devk_create_topics(mcluster, &cli) != PINS_OK) goto done;

  bootstraps = rd_kafka_mock_cluster_bootstraps(mcluster);
  if (cli.port_file && devk_write_port_file(cli.port_file, bootstraps) != PINS_OK) {
    fprintf(stderr, "pins-dev-kafka: cannot write %s: %s\n", cli.port_file, strerror(errno));
    goto done;
  }
  if (printf("%s\n", bootstraps) < 0 || fflush(stdout) != 0) {
    fprintf(stderr, "pins-dev-kafka: cannot write the address to stdout: %s\n", strerror(errno));
    goto done;
  }

  devk_wait(mcluster, &signals, cli.brokers);
  if (cli.port_file) unlink(cli.port_file); /* a stale address would send the next script to a dead port */
  code = 0;

done:
  if (mcluster) rd_kafka_mock_cluster_destroy(mcluster);
  if (rk) rd_kafka_destroy(rk);
  if (conf) rd_kafka_conf_destroy(conf);
  return code;
}
