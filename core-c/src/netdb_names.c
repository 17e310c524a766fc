/*
 * The netdb functions of Python's socket module beyond getaddrinfo and
 * getnameinfo, as exports for the TypeScript library (and, with the same
 * signatures, for guests): getservbyname/getservbyport, getprotobyname, the
 * gethostbyname/gethostbyaddr lookups, whose answer is one static
 * struct wsk_hostent (wsk_hostent_out) read by the caller.
 */
#include <wasock/core.h>
#include <wasock/netdb.h>
#include <wasock/resolv.h>

static struct wsk_hostent hostent_out;
static struct wsk_servent servent_out;

WSK_EXPORT("wsk_hostent_out")
struct wsk_hostent *wsk_hostent_out(void)
{
	return &hostent_out;
}

WSK_EXPORT("wsk_servent_out")
struct wsk_servent *wsk_servent_out(void)
{
	return &servent_out;
}

/* 1 with wsk_servent_out filled, 0 when not found. proto may be NULL. */
WSK_EXPORT("wsk_getservbyname")
int wsk_getservbyname(const char *name, const char *proto)
{
	uint32_t len;
	const char *text = wsk_rfile(WSK_RFILE_SERVICES, &len);

	return wsk_services_byname(text, len, name, proto, &servent_out);
}

WSK_EXPORT("wsk_getservbyport")
int wsk_getservbyport(int port, const char *proto)
{
	uint32_t len;
	const char *text = wsk_rfile(WSK_RFILE_SERVICES, &len);

	return wsk_services_byport(text, len, port, proto, &servent_out);
}

/* The protocol number, or -1 when /etc/protocols does not name it. */
WSK_EXPORT("wsk_getprotobyname")
int wsk_getprotobyname(const char *name)
{
	uint32_t len;
	const char *text = wsk_rfile(WSK_RFILE_PROTOCOLS, &len);
	int num;

	return wsk_protocols_byname(text, len, name, &num) ? num : -1;
}

/* glibc's gethostbyname2_r for one family: 0, or -h_errno. The numeric
 * forms are glibc's __nss_hostname_digits_dots. */
WSK_EXPORT("wsk_gethostbyname")
int wsk_gethostbyname(const char *name, int af)
{
	uint8_t a[16];
	int herr;

	uint32_t be;

	/* IPv4 in every inet_aton form ("127.1"), as digits_dots reads it. */
	if (af == WSK_AF_INET && wsk_inet_aton(name, &be))
		wsk_memcpy(a, &be, 4);
	if ((af == WSK_AF_INET && wsk_inet_aton(name, &be)) ||
	    (af != WSK_AF_INET && wsk_inet_pton(af, name, a) == 1)) {
		wsk_hostent_init(&hostent_out, af);
		wsk_hostent_add_name(&hostent_out, name, (uint32_t)wsk_strlen(name));
		wsk_hostent_add_addr(&hostent_out, af, a);
		return 0;
	}
	return wsk_lookup_name(name, af, &hostent_out, &herr) == 0 ? 0 : -herr;
}

/* gethostbyaddr_r: 0, or -h_errno. addr is 4 or 16 bytes. */
WSK_EXPORT("wsk_gethostbyaddr")
int wsk_gethostbyaddr(const uint8_t *addr, int af)
{
	int herr;

	return wsk_lookup_addr(af, addr, &hostent_out, &herr) == 0 ? 0 : -herr;
}
