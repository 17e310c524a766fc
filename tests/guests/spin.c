/* Test guest (tests/guest-limits.test.mjs): listens on 127.0.0.1:PORT (argv[1]),
 * opens a second socket, says "ready" and then spins forever without calling
 * the host (or, with a second argument "calls", calling clock_gettime on each
 * turn): only the runner's time limit ends it. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) return 2;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, 4) < 0) { perror("listen"); return 1; }
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	if (u < 0) { perror("socket"); return 1; }
	printf("ready\n");
	fflush(stdout);
	int calls = argc > 2 && strcmp(argv[2], "calls") == 0;
	volatile unsigned long n = 0;
	for (;;) {
		if (calls) {
			struct timespec t;
			clock_gettime(CLOCK_MONOTONIC, &t);
		}
		n++;
	}
}
