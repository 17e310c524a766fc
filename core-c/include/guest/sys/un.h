/* <sys/un.h> for wasock guests (Linux layout). */
#ifndef _SYS_UN_H
#define _SYS_UN_H
#include <wasock_guest.h>
#include <string.h>

struct sockaddr_un {
	sa_family_t sun_family;
	char sun_path[108];
};

#define SUN_LEN(s) (offsetof(struct sockaddr_un, sun_path) + strlen((s)->sun_path))

#endif
