/* Test guest (wasock SDK): given a preopened listening socket at argv[1] and
 * a TCP port argv[2] (not granted), tries to use the listener for anything
 * but accepting, then opens sockets up to its limit. Prints one "what=result"
 * line each (OK or the errno's name; "socketsN" counts the sockets it could make). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *ename(int r)
{
	if (r >= 0) return "OK";
	switch (errno) {
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case EMFILE: return "EMFILE";
	case EISCONN: return "EISCONN";
	case ENOTCONN: return "ENOTCONN";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EPIPE: return "EPIPE";
	default: { static char b[16]; snprintf(b, sizeof b, "E%d", errno); return b; }
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) return 2;
	int l = atoi(argv[1]);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	printf("connect=%s\n", ename(connect(l, (struct sockaddr *)&sa, sizeof sa)));
	printf("sendto=%s\n", ename((int)sendto(l, "x", 1, 0, (struct sockaddr *)&sa, sizeof sa)));
	struct sockaddr_in other = sa;
	other.sin_port = htons(atoi(argv[2]) + 1);
	printf("bind=%s\n", ename(bind(l, (struct sockaddr *)&other, sizeof other)));
	int n = 0;
	while (n < 100 && socket(AF_INET, SOCK_STREAM, 0) >= 0) n++;
	printf("sockets=%d %s\n", n, ename(-1));
	fflush(stdout);
	return 0;
}
