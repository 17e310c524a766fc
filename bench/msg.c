// 64-byte UDP datagrams over 127.0.0.1 with one control message each way, one
// thread: sendmsg with IP_TOS as ancillary data, recvmsg with IP_RECVTOS (the
// TOS comes back as a control message). Usage: msg [messages] [warmup]
// Prints one JSON line.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "bench.h"

#define MSG 64

static void loop(int tx, int rx, const struct sockaddr_in *to, long n) {
	unsigned char out[MSG], in[MSG];
	union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } sc, rc;
	struct sockaddr_in from;
	memset(out, 'x', MSG);
	for (long i = 0; i < n; i++) {
		struct iovec iov = { out, MSG };
		struct msghdr m = { (void *)to, sizeof *to, &iov, 1, sc.buf, sizeof sc.buf, 0 };
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		int tos = 0x10;
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_TOS;
		c->cmsg_len = CMSG_LEN(sizeof tos);
		memcpy(CMSG_DATA(c), &tos, sizeof tos);
		if (sendmsg(tx, &m, 0) != MSG) die("sendmsg");
		struct iovec riov = { in, MSG };
		struct msghdr r = { &from, sizeof from, &riov, 1, rc.buf, sizeof rc.buf, 0 };
		if (recvmsg(rx, &r, 0) != MSG || !CMSG_FIRSTHDR(&r)) die("recvmsg");
	}
}

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) : 100000;
	long warm = argc > 2 ? atol(argv[2]) : 10000;
	int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0), on = 1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;
	if (rx < 0 || tx < 0) die("socket");
	if (bind(rx, (struct sockaddr *)&a, sizeof a) || getsockname(rx, (struct sockaddr *)&a, &alen)) die("bind");
	if (setsockopt(rx, IPPROTO_IP, IP_RECVTOS, &on, sizeof on)) die("IP_RECVTOS");
	loop(tx, rx, &a, warm);
	double t0 = now();
	loop(tx, rx, &a, n);
	double dt = now() - t0;
	printf("{\"impl\":\"c\",\"test\":\"msg\",\"messages\":%ld,\"warmup\":%ld,\"seconds\":%.6f,\"rate\":%.1f}\n",
	       n, warm, dt, n / dt);
	return 0;
}
