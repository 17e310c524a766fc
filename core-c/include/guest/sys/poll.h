/* <poll.h> for wasock guests: Linux event bits; poll() spans socket and WASI
 * descriptors (the host answers for both). */
#ifndef _SYS_POLL_H_WSK
#define _SYS_POLL_H_WSK
#include <poll.h>

#endif
