/* Test guest: resolves each argument and prints one line per argument.
 *   gai:NAME   getaddrinfo(NAME, 0, AF_UNSPEC, SOCK_STREAM)
 *              -> "gai:NAME=ADDR,ADDR..." (sorted as returned) or "gai:NAME=EAI_xxx"
 *   ghbn:NAME  gethostbyname(NAME)
 *              -> "ghbn:NAME=ADDR,ADDR..." or "ghbn:NAME=HOST_NOT_FOUND" (h_errno's name)
 * Used by tests/guest-dns.test.mjs for the policy's DNS grants. */
#include <arpa/inet.h>
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

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "gai:", 4))
			gai(argv[i] + 4);
		else if (!strncmp(argv[i], "ghbn:", 5))
			ghbn(argv[i] + 5);
		else
			printf("%s=?\n", argv[i]);
		fflush(stdout);
	}
	return 0;
}
