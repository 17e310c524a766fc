/* Test guest (tests/guest-limits.test.mjs): closes its fds 0, 1 and 2, makes
 * sockets (which take those numbers), sleeps argv[1] ms (the embedder opens
 * files meanwhile) and exits with the sockets still open. Exit 0 when every
 * close and the sockets' numbers went as POSIX says. */
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int ms = argc > 1 ? atoi(argv[1]) : 300;
	for (int fd = 0; fd < 3; fd++)
		if (close(fd) != 0) return 10 + fd;
	if (close(1) == 0) return 20;
	int a = socket(AF_INET, SOCK_STREAM, 0);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) return 21;
	if (a != 0 || sv[0] != 1 || sv[1] != 2) return 22;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
	if (write(sv[0], "x", 1) != 1) return 23;
	return 0;
}
