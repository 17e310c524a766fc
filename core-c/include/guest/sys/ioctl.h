/* <sys/ioctl.h> for wasock guests: Linux request numbers (wasi-libc's
 * FIONREAD and FIONBIO are WASI's own 1 and 2), and only the requests the
 * SDK carries (see core-c/guest/ioctl.c); any other is ENOTTY. */
#ifndef _SYS_IOCTL_H
#define _SYS_IOCTL_H
#include <wasock_guest.h>

#define __wasilibc___header_sys_ioctl_h

__WSK_BEGIN

#define FIONREAD 0x541B
#define FIONBIO 0x5421
#define TIOCOUTQ 0x5411
#define SIOCINQ FIONREAD
#define SIOCOUTQ TIOCOUTQ
#define SIOCATMARK 0x8905

int ioctl(int, int, ...);

__WSK_END
#endif
