#include "http/listen.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { LISTEN_BACKLOG = 1024 };

static int open_one(const struct addrinfo *ai, int reuseport)
{
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0)
    return -1;
  int on = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) ||
      bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

int listen_open(int *fds, unsigned n, const char *address, unsigned port, char *err, size_t errlen)
{
  char service[8];
  snprintf(service, sizeof service, "%u", port);
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                           .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV};
  struct addrinfo *ai = NULL;
  int rc = getaddrinfo(address, service, &hints, &ai);
  if (rc != 0) {
    snprintf(err, errlen, "listen address %s: %s", address, gai_strerror(rc));
    return -1;
  }
  int probe = open_one(ai, 0);
  if (probe < 0) {
    snprintf(err, errlen, "cannot listen on %s port %u: %s", address, port, strerror(errno));
    freeaddrinfo(ai);
    return -1;
  }
  close(probe);
  unsigned opened = 0;
  for (; opened < n; opened++) {
    fds[opened] = open_one(ai, 1);
    if (fds[opened] < 0 || listen(fds[opened], LISTEN_BACKLOG) != 0) {
      snprintf(err, errlen, "cannot listen on %s port %u: %s", address, port, strerror(errno));
      if (fds[opened] >= 0)
        close(fds[opened]);
      break;
    }
  }
  freeaddrinfo(ai);
  if (opened == n)
    return 0;
  while (opened > 0)
    close(fds[--opened]);
  return -1;
}
