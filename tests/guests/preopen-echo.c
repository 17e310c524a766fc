/* Test guest built with PLAIN wasi-libc (no wasock SDK): serves argv[2]
 * connections on the preopened listening socket argv[1] (wasi-libc's accept:
 * sock_accept), reading one request (fd_read) and answering (fd_write)
 * "echo:" + the request, or, when argv[3] names a file (in a preopened
 * directory), an HTTP/1.0 response whose body is that file. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) return 2;
	int lfd = atoi(argv[1]), n = atoi(argv[2]);
	const char *file = argc > 3 ? argv[3] : NULL;
	for (int i = 0; i < n; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		int c = accept(lfd, (struct sockaddr *)&ss, &len);
		if (c < 0) { perror("accept"); return 1; }
		char buf[512];
		ssize_t r = read(c, buf, sizeof buf);
		if (r < 0) { perror("read"); return 1; }
		char out[1024];
		int k;
		if (file) {
			int f = open(file, O_RDONLY);
			if (f < 0) { perror(file); return 1; }
			char body[256];
			ssize_t b = read(f, body, sizeof body);
			close(f);
			if (b < 0) { perror("read file"); return 1; }
			k = snprintf(out, sizeof out, "HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%.*s", (int)b, (int)b, body);
		} else {
			k = snprintf(out, sizeof out, "echo:%.*s", (int)r, buf);
		}
		if (write(c, out, k) != k) { perror("write"); return 1; }
		if (close(c) != 0) { perror("close"); return 1; }
	}
	printf("served %d\n", n);
	return 0;
}
