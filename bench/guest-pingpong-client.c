/* Native ping-pong client for bench/guest-echo.mjs: N round trips of 64
 * bytes against an echo server on 127.0.0.1:PORT, TCP_NODELAY; prints
 * round trips per second. Usage: guest-pingpong-client PORT N WARMUP */
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

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void trips(int fd, long n)
{
	unsigned char out[64], in[64];
	memset(out, 'x', sizeof out);
	for (long i = 0; i < n; i++) {
		if (send(fd, out, 64, 0) != 64) { perror("send"); exit(1); }
		for (size_t got = 0; got < 64;) {
			ssize_t r = recv(fd, in + got, 64 - got, 0);
			if (r <= 0) { perror("recv"); exit(1); }
			got += (size_t)r;
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) };
	long n = atol(argv[2]), warm = atol(argv[3]);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) { perror("connect"); return 1; }
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	trips(fd, warm);
	double t0 = now();
	trips(fd, n);
	double t = now() - t0;
	printf("{\"round_trips\":%ld,\"seconds\":%.4f,\"rt_per_s\":%.0f}\n", n, t, n / t);
	close(fd);
	return 0;
}
