/*
 * The machine's ceiling for the benchmark: a UDP responder that answers every datagram it receives
 * with one fixed SSDP answer, with no parsing, no logging and no allocation. Whatever the helper
 * does on top of this (parsing, deciding, logging, the runtime) shows up as the distance to it.
 *
 *   ceiling PORT LOCATION
 *
 * Binds 0.0.0.0:PORT and runs until SIGTERM or SIGINT. Compiled by bench/run.ts at bench time.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: ceiling PORT LOCATION\n");
    return 2;
  }
  int port = atoi(argv[1]);
  char answer[1024];
  /* The same header set our helper sends, so the bytes on the wire are comparable. */
  int len = snprintf(answer, sizeof answer,
                     "HTTP/1.1 200 OK\r\n"
                     "ST: upnp:rootdevice\r\n"
                     "USN: uuid:00000000-0000-4000-8000-000000000000::upnp:rootdevice\r\n"
                     "LOCATION: %s\r\n"
                     "Cache-Control: max-age=900\r\n"
                     "Server: Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0\r\n"
                     "Ext: \r\n"
                     "\r\n",
                     argv[2]);
  if (len <= 0 || len >= (int)sizeof answer) {
    fprintf(stderr, "ceiling: LOCATION too long\n");
    return 2;
  }

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = {htonl(INADDR_ANY)}};
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    perror("bind");
    return 1;
  }
  /* Default dispositions end the process on SIGTERM/SIGINT, which is all the bench needs. */
  char buf[2048];
  for (;;) {
    struct sockaddr_in from;
    socklen_t fromlen = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromlen);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("recvfrom");
      return 1;
    }
    /* A failed send (buffer full, peer gone) is a lost answer, as it would be for any responder. */
    sendto(fd, answer, (size_t)len, 0, (struct sockaddr *)&from, fromlen);
  }
}
