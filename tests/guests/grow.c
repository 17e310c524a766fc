/* Test guest (tests/guest-limits.test.mjs): grows its memory 1 MiB at a time
 * up to argv[1] MiB, calling the host after each step: argv[2] says how
 * ("clock": clock_gettime, a WASI call node:wasi answers; "send": a send on
 * a socket, a wasock import). Prints "done N" and exits 0 when it got there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) return 2;
	int mib = atoi(argv[1]);
	int sv[2] = { -1, -1 };
	if (strcmp(argv[2], "send") == 0 && socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0) { perror("socketpair"); return 1; }
	for (int i = 0; i < mib; i++) {
		char *p = malloc(1 << 20);
		if (!p) { printf("malloc failed at %d\n", i); return 3; }
		memset(p, i, 1 << 20);
		if (sv[0] >= 0) {
			char b[64];
			send(sv[0], p, 16, 0);
			recv(sv[1], b, sizeof b, 0);
		} else {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
		}
	}
	printf("done %d\n", mib);
	return 0;
}
