/* Echo server program, IPv4 and IPv6 (the third example of Python's socket documentation, as a C guest):
 * the first address getaddrinfo(NULL, PORT, AI_PASSIVE) gives that binds. */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *port = argc > 1 ? argv[1] : getenv("PORT") ? getenv("PORT") : "50007";
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE }, *res, *ai;
	struct sockaddr_storage peer;
	socklen_t len = sizeof peer;
	char data[1024], host[NI_MAXHOST], serv[NI_MAXSERV];
	int s = -1, conn, r, one = 1;
	ssize_t n;

	if ((r = getaddrinfo(NULL, port, &hints, &res)) != 0) {
		fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(r));
		return 1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if ((s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) < 0)
			continue;
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(s, ai->ai_addr, ai->ai_addrlen) == 0 && listen(s, 1) == 0)
			break;
		perror("bind");
		close(s);
		s = -1;
	}
	freeaddrinfo(res);
	if (s < 0) {
		printf("could not open socket\n");
		return 1;
	}
	if ((conn = accept(s, (struct sockaddr *)&peer, &len)) < 0) { perror("accept"); return 1; }
	getnameinfo((struct sockaddr *)&peer, len, host, sizeof host, serv, sizeof serv,
		    NI_NUMERICHOST | NI_NUMERICSERV);
	printf("Connected by ('%s', %s)\n", host, serv);
	fflush(stdout);
	while ((n = recv(conn, data, sizeof data, 0)) > 0)
		if (send(conn, data, n, 0) < 0) { perror("send"); return 1; }
	close(conn);
	close(s);
	return 0;
}
