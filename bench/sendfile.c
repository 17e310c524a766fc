/* socket.sendfile's native limit: a file sent over TCP on 127.0.0.1 with a
 * sendfile(2) loop on a blocking socket, a receiver pthread recv()ing into
 * one preallocated 64 KiB buffer. The timed part starts after a warm-up
 * sendfile of the file's first warmup_bytes and ends when the receiver has
 * every byte (pthread_join). Each call asks for at most 1 GiB, as CPython's
 * socket.sendfile does.
 * Usage: sendfile FILE [total_bytes] [warmup_bytes]. Prints one JSON line. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 65536
#define BLOCK_MAX (1LL << 30)

static void die(const char *what) { perror(what); exit(1); }

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct rx { int fd; long long expect; long long got; };

static void *receiver(void *arg) {
	struct rx *r = arg;
	static unsigned char buf[CHUNK];
	while (r->got < r->expect) {
		ssize_t n = recv(r->fd, buf, CHUNK, 0);
		if (n <= 0) die("recv");
		r->got += n;
	}
	return NULL;
}

/* count bytes of in from offset 0. */
static void send_file(int out, int in, long long count) {
	off_t off = 0;
	while (off < count) {
		long long left = count - off;
		ssize_t n = sendfile(out, in, &off, left < BLOCK_MAX ? left : BLOCK_MAX);
		if (n <= 0) die("sendfile");
	}
}

int main(int argc, char **argv) {
	if (argc < 2) { fprintf(stderr, "usage: sendfile FILE [total] [warmup]\n"); return 2; }
	int in = open(argv[1], O_RDONLY);
	if (in < 0) die("open");
	long long total = argc > 2 ? atoll(argv[2]) : (1LL << 30);
	long long warm = argc > 3 ? atoll(argv[3]) : (64LL << 20);
	struct sockaddr_in sa = {0};
	socklen_t salen = sizeof sa;
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	int lst = socket(AF_INET, SOCK_STREAM, 0);
	if (lst < 0) die("socket");
	if (bind(lst, (struct sockaddr *)&sa, sizeof sa) < 0) die("bind");
	if (listen(lst, 1) < 0) die("listen");
	if (getsockname(lst, (struct sockaddr *)&sa, &salen) < 0) die("getsockname");
	int rxfd = socket(AF_INET, SOCK_STREAM, 0);
	if (rxfd < 0) die("socket");
	if (connect(rxfd, (struct sockaddr *)&sa, sizeof sa) < 0) die("connect");
	int txfd = accept(lst, NULL, NULL);
	if (txfd < 0) die("accept");

	struct rx r = { rxfd, warm + total, 0 };
	pthread_t th;
	if (pthread_create(&th, NULL, receiver, &r)) die("pthread_create");
	send_file(txfd, in, warm);
	double t0 = now();
	send_file(txfd, in, total);
	pthread_join(th, NULL);
	double dt = now() - t0;

	close(txfd); close(rxfd); close(lst); close(in);
	printf("{\"impl\":\"c\",\"test\":\"sendfile\",\"bytes\":%lld,\"warmup\":%lld,"
	       "\"seconds\":%.6f,\"rate\":%.1f,\"receiver\":\"pthread\"}\n",
	       total, warm, dt, total / dt / 1048576.0);
	return 0;
}
