/* Test guest: resolves each argument and prints one line per argument.
 *   gai:NAME   getaddrinfo(NAME, 0, AF_UNSPEC, SOCK_STREAM)
 *              -> "gai:NAME=ADDR,ADDR..." (sorted as returned) or "gai:NAME=EAI_xxx"
 *   ghbn:NAME  gethostbyname(NAME)
 *              -> "ghbn:NAME=ADDR,ADDR..." or "ghbn:NAME=HOST_NOT_FOUND" (h_errno's name)
 *   he:NAME    gethostbyname(NAME) whole -> "he:NAME=CANON;ALIAS,ALIAS;ADDR,ADDR" or h_errno
 *   he6:NAME   the same with gethostbyname2(NAME, AF_INET6)
 *   ghba:ADDR  gethostbyaddr(IPv4 ADDR) -> "ghba:ADDR=CANON;ALIAS,..." or h_errno
 *   update:PORT  a DNS UPDATE message sent to 127.0.0.1:PORT over UDP
 *              -> "update:PORT=0" or the errno's name (EACCES)
 * Used by tests/guest-dns.test.mjs for the policy's DNS grants. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char *eai(int e)
{
	switch (e) {
	case EAI_NONAME: return "EAI_NONAME";
	case EAI_AGAIN: return "EAI_AGAIN";
	case EAI_FAIL: return "EAI_FAIL";
	case EAI_NODATA: return "EAI_NODATA";
	case EAI_FAMILY: return "EAI_FAMILY";
	case EAI_SYSTEM: return "EAI_SYSTEM";
	case EAI_MEMORY: return "EAI_MEMORY";
	default: { static char b[16]; snprintf(b, sizeof b, "EAI%d", e); return b; }
	}
}

static const char *herr(int e)
{
	switch (e) {
	case HOST_NOT_FOUND: return "HOST_NOT_FOUND";
	case TRY_AGAIN: return "TRY_AGAIN";
	case NO_RECOVERY: return "NO_RECOVERY";
	case NO_DATA: return "NO_DATA";
	default: { static char b[16]; snprintf(b, sizeof b, "H%d", e); return b; }
	}
}

static void gai(const char *name)
{
	struct addrinfo hints, *res = 0, *ai;
	char buf[INET6_ADDRSTRLEN];
	int r, first = 1;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	r = getaddrinfo(name, 0, &hints, &res);
	printf("gai:%s=", name);
	if (r != 0) {
		printf("%s\n", eai(r));
		return;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		const void *a = ai->ai_family == AF_INET
			? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
			: (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
		inet_ntop(ai->ai_family, a, buf, sizeof buf);
		printf("%s%s", first ? "" : ",", buf);
		first = 0;
	}
	printf("\n");
	freeaddrinfo(res);
}

static void ghbn(const char *name)
{
	struct hostent *he = gethostbyname(name);
	char buf[INET6_ADDRSTRLEN];
	int i;

	printf("ghbn:%s=", name);
	if (!he) {
		printf("%s\n", herr(h_errno));
		return;
	}
	for (i = 0; he->h_addr_list[i]; i++) {
		inet_ntop(he->h_addrtype, he->h_addr_list[i], buf, sizeof buf);
		printf("%s%s", i ? "," : "", buf);
	}
	printf("\n");
}

static void he_print(const char *tag, const char *arg, struct hostent *he)
{
	char buf[INET6_ADDRSTRLEN];
	int i;

	printf("%s:%s=", tag, arg);
	if (!he) {
		printf("%s\n", herr(h_errno));
		return;
	}
	printf("%s;", he->h_name);
	for (i = 0; he->h_aliases[i]; i++)
		printf("%s%s", i ? "," : "", he->h_aliases[i]);
	printf(";");
	for (i = 0; he->h_addr_list[i]; i++) {
		inet_ntop(he->h_addrtype, he->h_addr_list[i], buf, sizeof buf);
		printf("%s%s", i ? "," : "", buf);
	}
	printf("\n");
}

static void ghba(const char *text)
{
	struct in_addr a;

	inet_pton(AF_INET, text, &a);
	he_print("ghba", text, gethostbyaddr(&a, 4, AF_INET));
}

/* An UPDATE (opcode 5) for example.test: what a guest must never get to a
 * nameserver. */
static void update(const char *port)
{
	static const unsigned char msg[] = {
		0x12, 0x34, 0x28, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0,
		0, 6, 0, 1,
	};
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(port));
	sin.sin_addr.s_addr = htonl(0x7f000001);
	printf("update:%s=", port);
	if (sendto(fd, msg, sizeof msg, 0, (struct sockaddr *)&sin, sizeof sin) < 0)
		printf("%s\n", errno == EACCES ? "EACCES" : strerror(errno));
	else
		printf("0\n");
	close(fd);
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "gai:", 4))
			gai(argv[i] + 4);
		else if (!strncmp(argv[i], "ghbn:", 5))
			ghbn(argv[i] + 5);
		else if (!strncmp(argv[i], "he:", 3))
			he_print("he", argv[i] + 3, gethostbyname(argv[i] + 3));
		else if (!strncmp(argv[i], "he6:", 4))
			he_print("he6", argv[i] + 4, gethostbyname2(argv[i] + 4, AF_INET6));
		else if (!strncmp(argv[i], "ghba:", 5))
			ghba(argv[i] + 5);
		else if (!strncmp(argv[i], "update:", 7))
			update(argv[i] + 7);
		else
			printf("%s=?\n", argv[i]);
		fflush(stdout);
	}
	return 0;
}
