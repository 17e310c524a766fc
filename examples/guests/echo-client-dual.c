/* Echo client program, IPv4 and IPv6 (the fourth example of Python's socket documentation, as a C guest):
 * connects to the first address of getaddrinfo(HOST, PORT) that answers. */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *host = argc > 1 ? argv[1] : getenv("HOST") ? getenv("HOST") : "localhost";
	const char *port = argc > 2 ? argv[2] : getenv("PORT") ? getenv("PORT") : "50007";
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
	char data[1024];
	int s = -1, r;
	ssize_t n;

	if ((r = getaddrinfo(host, port, &hints, &res)) != 0) {
		fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(r));
		return 1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if ((s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) < 0)
			continue;
		if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		perror("connect");
		close(s);
		s = -1;
	}
	freeaddrinfo(res);
	if (s < 0) {
		printf("could not open socket\n");
		return 1;
	}
	send(s, "Hello, world", 12, 0);
	n = recv(s, data, sizeof data, 0);
	close(s);
	printf("Received '%.*s'\n", (int)(n > 0 ? n : 0), data);
	return 0;
}
