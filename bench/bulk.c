// Bulk transfer over TCP on 127.0.0.1: a sender thread (main) writes the total
// in 64 KiB chunks, a receiver pthread recv()s into one preallocated 64 KiB
// buffer. The timed part starts after a warm-up transfer and ends when the
// receiver has every byte (pthread_join).
// With "poll" both threads use non-blocking calls and wait in poll() on
// EAGAIN: how an event loop moves data (the native limit for the Promise
// API's bulk, bench/async-net.mjs bulk). With "loop" both ends run in the
// one thread, non-blocking, waiting in poll() only when neither can move
// (the native limit for bench/async-net.mjs bulk1). With "sendfile FILE" the
// sender sends the first bytes of FILE with a sendfile(2) loop instead, each
// call asking for at most 1 GiB as CPython's socket.sendfile does (the native
// limit for socket.sendfile; the warm-up and the timed part each start at the
// file's offset 0). With "sendfile FILE SINK" the receiver is the program SINK
// run as "SINK sink PORT BYTES" (this program's sink mode: a process that
// connects, receives BYTES and answers one byte), the same receiver for every
// implementation, so that only the senders differ; the timed part ends at
// that answer.
// Usage: bulk [total_bytes] [warmup_bytes] [poll|loop|sendfile FILE [SINK]]
//        bulk sink PORT BYTES
// Prints one JSON line (sink mode: nothing).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bench.h"

#define CHUNK 65536
#define SENDFILE_BLOCK_MAX (1LL << 30)

/* MSG_DONTWAIT and poll() on EAGAIN ("poll"), or plain blocking calls. */
static int nb_flags;

static void wait_for(int fd, short events) {
	struct pollfd p = { fd, events, 0 };
	if (poll(&p, 1, -1) < 0) die("poll");
}

struct rx { int fd; long long expect; long long got; };

static void *receiver(void *arg) {
	struct rx *r = arg;
	static unsigned char buf[CHUNK];
	while (r->got < r->expect) {
		ssize_t n = recv(r->fd, buf, CHUNK, nb_flags);
		if (n < 0 && nb_flags && errno == EAGAIN) {
			wait_for(r->fd, POLLIN);
			continue;
		}
		if (n <= 0) die("recv");
		r->got += n;
	}
	return NULL;
}

static void send_all(int fd, const unsigned char *buf, size_t len) {
	while (len) {
		ssize_t n = send(fd, buf, len, nb_flags);
		if (n < 0 && nb_flags && errno == EAGAIN) {
			wait_for(fd, POLLOUT);
			continue;
		}
		if (n < 0) die("send");
		buf += n; len -= (size_t)n;
	}
}

/* count bytes of in from its offset 0. */
static void send_file(int out, int in, long long count) {
	off_t off = 0;
	while (off < count) {
		long long left = count - off;
		if (sendfile(out, in, &off, left < SENDFILE_BLOCK_MAX ? left : SENDFILE_BLOCK_MAX) <= 0)
			die("sendfile");
	}
}

static void nonblocking(int fd) {
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) die("fcntl");
}

/* Both ends in this thread; returns the seconds from the end of the warm-up
 * sends until every byte is received. */
static double one_loop(int tx, int rx, long long warm, long long total) {
	static unsigned char chunk[CHUNK], buf[CHUNK];
	long long expect = warm + total, sent = 0, got = 0;
	size_t off = 0;
	double t0 = warm == 0 ? now() : 0;
	memset(chunk, 'x', CHUNK);
	nonblocking(tx);
	nonblocking(rx);
	while (got < expect) {
		int moved = 0;
		if (sent < expect) {
			ssize_t n = send(tx, chunk + off, CHUNK - off, 0);
			if (n > 0) {
				off = (off + (size_t)n) % CHUNK;
				sent += n;
				moved = 1;
				if (t0 == 0 && sent >= warm) t0 = now();
			} else if (errno != EAGAIN) {
				die("send");
			}
		}
		ssize_t n = recv(rx, buf, CHUNK, 0);
		if (n > 0) {
			got += n;
			moved = 1;
		} else if (n == 0 || errno != EAGAIN) {
			die("recv");
		}
		if (!moved) {
			struct pollfd p[2] = { { rx, POLLIN, 0 }, { tx, POLLOUT, 0 } };
			if (poll(p, sent < expect ? 2 : 1, -1) < 0) die("poll");
		}
	}
	return now() - t0;
}

/* The sink mode: the receiver process of "sendfile FILE SINK". */
static int sink(int port, long long expect) {
	struct sockaddr_in sa = {0};
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) die("socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) die("connect");
	struct rx r = { fd, expect, 0 };
	receiver(&r);
	if (send(fd, "k", 1, MSG_NOSIGNAL) != 1) die("send");
	close(fd);
	return 0;
}

/* sendfile mode: FILE's first bytes to the in-process receiver thread, or
 * (with sink_exe) to a sink process. */
static int sendfile_main(int lst, const struct sockaddr_in *sa, const char *file, const char *sink_exe,
			 long long total, long long warm) {
	int in = open(file, O_RDONLY);
	if (in < 0) die("open");
	int rxfd = -1;
	pid_t pid = 0;
	pthread_t th;
	struct rx r;
	if (sink_exe) {
		char port[16], bytes[32];
		snprintf(port, sizeof port, "%d", ntohs(sa->sin_port));
		snprintf(bytes, sizeof bytes, "%lld", warm + total);
		char *args[] = { (char *)sink_exe, "sink", port, bytes, NULL };
		if (posix_spawn(&pid, sink_exe, NULL, NULL, args, NULL)) die("posix_spawn");
	} else {
		rxfd = socket(AF_INET, SOCK_STREAM, 0);
		if (rxfd < 0) die("socket");
		if (connect(rxfd, (const struct sockaddr *)sa, sizeof *sa) < 0) die("connect");
	}
	int txfd = accept(lst, NULL, NULL);
	if (txfd < 0) die("accept");
	if (!sink_exe) {
		r = (struct rx){ rxfd, warm + total, 0 };
		if (pthread_create(&th, NULL, receiver, &r)) die("pthread_create");
	}
	send_file(txfd, in, warm);
	double t0 = now();
	send_file(txfd, in, total);
	if (sink_exe) {
		char ack;
		if (recv(txfd, &ack, 1, 0) != 1) die("recv");
		waitpid(pid, NULL, 0);
	} else {
		pthread_join(th, NULL);
		close(rxfd);
	}
	double dt = now() - t0;
	close(in); close(txfd); close(lst);
	printf("{\"impl\":\"c\",\"test\":\"sendfile\",\"bytes\":%lld,\"warmup\":%lld,"
	       "\"seconds\":%.6f,\"rate\":%.1f,\"receiver\":\"%s\"}\n",
	       total, warm, dt, total / dt / 1048576.0, sink_exe ? "sink process" : "pthread");
	return 0;
}

int main(int argc, char **argv) {
	if (argc > 3 && strcmp(argv[1], "sink") == 0)
		return sink(atoi(argv[2]), atoll(argv[3]));
	long long total = argc > 1 ? atoll(argv[1]) : (1LL << 30);
	long long warm = argc > 2 ? atoll(argv[2]) : (64LL << 20);
	struct sockaddr_in sa = {0};
	socklen_t salen = sizeof sa;
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	int lst = socket(AF_INET, SOCK_STREAM, 0);
	if (lst < 0) die("socket");
	if (bind(lst, (struct sockaddr *)&sa, sizeof sa) < 0) die("bind");
	if (listen(lst, 1) < 0) die("listen");
	if (getsockname(lst, (struct sockaddr *)&sa, &salen) < 0) die("getsockname");
	if (argc > 4 && strcmp(argv[3], "sendfile") == 0)
		return sendfile_main(lst, &sa, argv[4], argc > 5 ? argv[5] : NULL, total, warm);
	int rxfd = socket(AF_INET, SOCK_STREAM, 0);
	if (rxfd < 0) die("socket");
	if (connect(rxfd, (struct sockaddr *)&sa, sizeof sa) < 0) die("connect");
	int txfd = accept(lst, NULL, NULL);
	if (txfd < 0) die("accept");

	if (argc > 3 && strcmp(argv[3], "loop") == 0) {
		double dt = one_loop(txfd, rxfd, warm, total);
		close(txfd); close(rxfd); close(lst);
		printf("{\"impl\":\"c\",\"test\":\"bulk1\",\"bytes\":%lld,\"warmup\":%lld,\"chunk\":%d,"
		       "\"seconds\":%.6f,\"rate\":%.1f,\"receiver\":\"same thread\"}\n",
		       total, warm, CHUNK, dt, total / dt / 1048576.0);
		return 0;
	}

	if (argc > 3 && strcmp(argv[3], "poll") == 0)
		nb_flags = MSG_DONTWAIT;
	struct rx r = { rxfd, warm + total, 0 };
	pthread_t th;
	if (pthread_create(&th, NULL, receiver, &r)) die("pthread_create");

	static unsigned char chunk[CHUNK];
	memset(chunk, 'x', CHUNK);
	for (long long s = 0; s < warm; s += CHUNK) send_all(txfd, chunk, CHUNK);
	double t0 = now();
	for (long long s = 0; s < total; s += CHUNK) send_all(txfd, chunk, CHUNK);
	pthread_join(th, NULL);
	double dt = now() - t0;

	close(txfd); close(rxfd); close(lst);
	printf("{\"impl\":\"c\",\"test\":\"bulk\",\"bytes\":%lld,\"warmup\":%lld,\"chunk\":%d,"
	       "\"seconds\":%.6f,\"rate\":%.1f,\"receiver\":\"pthread\",\"io\":\"%s\"}\n",
	       total, warm, CHUNK, dt, total / dt / 1048576.0, nb_flags ? "poll" : "blocking");
	return 0;
}
