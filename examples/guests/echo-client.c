/* Echo client program (the second example of Python's socket documentation, as a C guest):
 *   npx wasock run echo-client.wasm --allow-connect=127.0.0.1:50007 -- [HOST [PORT]] */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *host = argc > 1 ? argv[1] : getenv("HOST") ? getenv("HOST") : "127.0.0.1";
	const char *port = argc > 2 ? argv[2] : getenv("PORT") ? getenv("PORT") : "50007";
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	char data[1024];
	int s, r;
	ssize_t n;

	if ((r = getaddrinfo(host, port, &hints, &res)) != 0) {
		fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(r));
		return 1;
	}
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0) { perror("socket"); return 1; }
	if (connect(s, res->ai_addr, res->ai_addrlen) < 0) { perror("connect"); return 1; }
	freeaddrinfo(res);
	if (send(s, "Hello, world", 12, 0) != 12) { perror("send"); return 1; }
	if ((n = recv(s, data, sizeof data, 0)) < 0) { perror("recv"); return 1; }
	close(s);
	printf("Received '%.*s'\n", (int)n, data);
	return 0;
}
