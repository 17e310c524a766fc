// 64-byte TCP ping-pong over 127.0.0.1, both ends in one thread, blocking
// sockets, TCP_NODELAY on both ends. Usage: pingpong [round_trips] [warmup]
// Prints one JSON line.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "bench.h"

#define MSG 64

static void recv_full(int fd, unsigned char *buf) {
	size_t got = 0;
	while (got < MSG) {
		ssize_t n = recv(fd, buf + got, MSG - got, 0);
		if (n <= 0) die("recv");
		got += (size_t)n;
	}
}

static void send_msg(int fd, const unsigned char *buf) {
	if (send(fd, buf, MSG, 0) != MSG) die("send");
}

static void loop(int client, int server, long n) {
	unsigned char out[MSG], in[MSG], echo[MSG];
	memset(out, 'x', MSG);
	for (long i = 0; i < n; i++) {
		send_msg(client, out);
		recv_full(server, echo);
		send_msg(server, echo);
		recv_full(client, in);
	}
}

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) : 100000;
	long warm = argc > 2 ? atol(argv[2]) : 10000;
	int one = 1;
	struct sockaddr_in sa = {0};
	socklen_t salen = sizeof sa;
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	int lst = socket(AF_INET, SOCK_STREAM, 0);
	if (lst < 0) die("socket");
	if (bind(lst, (struct sockaddr *)&sa, sizeof sa) < 0) die("bind");
	if (listen(lst, 1) < 0) die("listen");
	if (getsockname(lst, (struct sockaddr *)&sa, &salen) < 0) die("getsockname");

	int client = socket(AF_INET, SOCK_STREAM, 0);
	if (client < 0) die("socket");
	if (setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) die("setsockopt");
	if (connect(client, (struct sockaddr *)&sa, sizeof sa) < 0) die("connect");
	int server = accept(lst, NULL, NULL);
	if (server < 0) die("accept");
	if (setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) die("setsockopt");

	loop(client, server, warm);
	double t0 = now();
	loop(client, server, n);
	double dt = now() - t0;

	close(client); close(server); close(lst);
	printf("{\"impl\":\"c\",\"test\":\"pingpong\",\"round_trips\":%ld,\"warmup\":%ld,"
	       "\"seconds\":%.6f,\"rate\":%.1f}\n", n, warm, dt, n / dt);
	return 0;
}
