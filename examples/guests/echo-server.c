/* Echo server program (the first example of Python's socket documentation, as a C guest):
 *   npx wasock cc -o echo-server.wasm echo-server.c
 *   npx wasock run echo-server.wasm --allow-bind=0.0.0.0:50007 -- [PORT] */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : getenv("PORT") ? atoi(getenv("PORT")) : 50007;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_ANY) };
	struct sockaddr_in peer;
	socklen_t len = sizeof peer;
	char data[1024], host[INET_ADDRSTRLEN];
	int s, conn, one = 1;
	ssize_t n;

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0) { perror("socket"); return 1; }
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0) { perror("bind"); return 1; }
	if (listen(s, 1) < 0) { perror("listen"); return 1; }
	if ((conn = accept(s, (struct sockaddr *)&peer, &len)) < 0) { perror("accept"); return 1; }
	printf("Connected by ('%s', %d)\n", inet_ntop(AF_INET, &peer.sin_addr, host, sizeof host),
	       ntohs(peer.sin_port));
	fflush(stdout);
	while ((n = recv(conn, data, sizeof data, 0)) > 0)
		if (send(conn, data, n, 0) < 0) { perror("send"); return 1; }
	close(conn);
	close(s);
	return 0;
}
