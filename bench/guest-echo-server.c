/* The guest echo server of bench/guest-echo.mjs: one connection, 64-byte
 * messages echoed until EOF. Compiled once natively (cc) and once for wasock
 * (wasock cc); the same C either way. Usage: guest-echo-server PORT */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) };
	int s, c, one = 1;
	char buf[4096];
	ssize_t n;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0) { perror("socket"); return 1; }
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0) { perror("bind"); return 1; }
	if (listen(s, 1) < 0) { perror("listen"); return 1; }
	printf("ready\n");
	fflush(stdout);
	if ((c = accept(s, NULL, NULL)) < 0) { perror("accept"); return 1; }
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	while ((n = recv(c, buf, sizeof buf, 0)) > 0)
		if (send(c, buf, n, 0) != n) { perror("send"); return 1; }
	close(c);
	close(s);
	return 0;
}
