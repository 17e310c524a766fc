/* connect/accept/close cycles per second on loopback, one thread (blocking). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (bind(l, (void *)&a, sizeof a) || listen(l, 128) || getsockname(l, (void *)&a, &len))
		return perror("listen"), 1;
	double t0 = 0;
	for (int i = -200; i < n; i++) {
		if (i == 0)
			t0 = now();
		int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (connect(c, (void *)&a, sizeof a))
			return perror("connect"), 1;
		int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		if (s < 0)
			return perror("accept"), 1;
		close(c);
		close(s);
	}
	printf("{\"rate\": %f}\n", n / (now() - t0));
	return 0;
}
