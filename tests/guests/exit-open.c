/* Test guest (tests/guest-limits.test.mjs): listens on 127.0.0.1:PORT
 * (argv[1]), opens more sockets, then ends with them open: argv[2] "trap"
 * (__builtin_trap: exit 134), "exit" (_exit(7): proc_exit) or "return"
 * (return 5 from main). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) return 2;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, 4) < 0) { perror("listen"); return 1; }
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || socket(AF_INET6, SOCK_DGRAM, 0) < 0) { perror("socket"); return 1; }
	if (socket(AF_INET, SOCK_DGRAM, 0) < 0) { perror("socket"); return 1; }
	if (strcmp(argv[2], "trap") == 0) __builtin_trap();
	if (strcmp(argv[2], "exit") == 0) _exit(7);
	return 5;
}
