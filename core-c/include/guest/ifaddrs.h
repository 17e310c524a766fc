/* <ifaddrs.h> for wasock guests: getifaddrs() through the host
 * (core-c/guest/ifaddrs.c); struct ifaddrs as glibc and musl lay it out. */
#ifndef _IFADDRS_H
#define _IFADDRS_H
#include <wasock_guest.h>
#include <sys/socket.h>
#include <netinet/in.h>

__WSK_BEGIN

struct ifaddrs {
	struct ifaddrs *ifa_next;
	char *ifa_name;
	unsigned ifa_flags;
	struct sockaddr *ifa_addr;
	struct sockaddr *ifa_netmask;
	union {
		struct sockaddr *ifu_broadaddr;
		struct sockaddr *ifu_dstaddr;
	} ifa_ifu;
	void *ifa_data;
};
#define ifa_broadaddr ifa_ifu.ifu_broadaddr
#define ifa_dstaddr ifa_ifu.ifu_dstaddr

int getifaddrs(struct ifaddrs **);
void freeifaddrs(struct ifaddrs *);

__WSK_END
#endif
