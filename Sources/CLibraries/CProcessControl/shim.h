// prctl(2) is variadic, so Swift cannot call it: one fixed-argument wrapper.
#include <sys/prctl.h>

/// Marks the process not dumpable: no core dump (even through a core_pattern
/// pipe), no ptrace or /proc/PID/mem access by other processes of the same user.
static inline int cprocesscontrol_set_not_dumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

/// Whether the process is dumpable (1) or not (0), or -1 on error.
static inline int cprocesscontrol_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }
