/* A small HTTP/1.0 server guest: answers GET / (and any path) with a page
 * naming the path, HEAD with the headers only, others with 501.
 *   npx wasock run http-server.wasm --allow-bind=127.0.0.1:8080 -- 8080 [COUNT]
 * COUNT: serve that many requests, then exit 0 (default: forever). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void serve(int c)
{
	char req[4096] = "", body[512], head[256], method[16] = "", path[1024] = "";
	size_t got = 0;
	ssize_t n;
	struct pollfd p = { .fd = c, .events = POLLIN };

	while (got < sizeof req - 1 && !strstr(req, "\r\n\r\n") && !strstr(req, "\n\n")) {
		if (poll(&p, 1, 5000) <= 0)
			return;
		if ((n = recv(c, req + got, sizeof req - 1 - got, 0)) <= 0)
			return;
		got += n;
		req[got] = 0;
	}
	sscanf(req, "%15s %1023s", method, path);
	int isget = !strcmp(method, "GET"), ishead = !strcmp(method, "HEAD");
	int blen = isget || ishead
		? snprintf(body, sizeof body, "<html><body><h1>Hello from a wasock guest</h1><p>%.200s</p></body></html>\n", path)
		: snprintf(body, sizeof body, "not implemented\n");
	int hlen = snprintf(head, sizeof head, "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nServer: wasock-guest\r\n\r\n",
			    isget || ishead ? "200 OK" : "501 Not Implemented",
			    isget || ishead ? "text/html" : "text/plain", blen);
	send(c, head, hlen, 0);
	if (!ishead)
		send(c, body, blen, 0);
	printf("%s %s\n", method, path);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 8080, count = argc > 2 ? atoi(argv[2]) : -1;
	const char *addr = getenv("ADDR") ? getenv("ADDR") : "127.0.0.1";
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s, one = 1;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) { fprintf(stderr, "bad ADDR %s\n", addr); return 2; }
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0) { perror("socket"); return 1; }
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0) { perror("bind"); return 1; }
	if (listen(s, 16) < 0) { perror("listen"); return 1; }
	printf("listening on %s:%d\n", addr, port);
	fflush(stdout);
	while (count != 0) {
		int c = accept(s, NULL, NULL);
		if (c < 0) { perror("accept"); return 1; }
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		serve(c);
		shutdown(c, SHUT_WR);
		close(c);
		if (count > 0)
			count--;
	}
	close(s);
	return 0;
}
