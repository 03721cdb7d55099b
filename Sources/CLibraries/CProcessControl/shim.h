// prctl(2) is variadic, so Swift cannot call it: one fixed-argument wrapper.
// And the fatal-signal handlers, which must be async-signal-safe C.
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/xattr.h>  // llistxattr, lgetxattr: the audit's default deny (CryptoCore/ExtendedAttributes.swift)
#include <unistd.h>

/// Marks the process not dumpable: no core dump (even through a core_pattern
/// pipe), no ptrace or /proc/PID/mem access by other processes of the same user.
static inline int cprocesscontrol_set_not_dumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

/// Whether the process is dumpable (1) or not (0), or -1 on error.
static inline int cprocesscontrol_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }

/// The start of the line the fatal-signal handler writes ("<tool>: "), set once
/// before the handlers are installed. Function-local so that the Swift importer
/// emits it with the functions that use it.
struct cprocesscontrol_prefix {
    char text[128];
    size_t length;
};
static inline struct cprocesscontrol_prefix *cprocesscontrol_fatal_prefix(void) {
    static struct cprocesscontrol_prefix prefix;
    return &prefix;
}

/// The handler: one fixed line on stderr, then _exit(128 + signal). Only
/// async-signal-safe calls (write, _exit); no memory is read but the line.
static void cprocesscontrol_fatal_handler(int sig) {
    char line[192];
    const struct cprocesscontrol_prefix *prefix = cprocesscontrol_fatal_prefix();
    size_t n = prefix->length;
    memcpy(line, prefix->text, n);
    static const char middle[] = "fatal signal ";
    memcpy(line + n, middle, sizeof middle - 1);
    n += sizeof middle - 1;
    if (sig >= 10) line[n++] = (char)('0' + (sig / 10) % 10);
    line[n++] = (char)('0' + sig % 10);
    static const char tail[] = ": ended at once, nothing written, no memory dump\n";
    memcpy(line + n, tail, sizeof tail - 1);
    n += sizeof tail - 1;
    ssize_t ignored = write(STDERR_FILENO, line, n);
    (void)ignored;
    _exit(128 + sig);
}

/// Installs the handler for SIGQUIT, SIGABRT, SIGBUS, SIGILL, SIGSEGV, SIGFPE
/// and SIGTRAP (replacing the Swift runtime's backtracer, which prints memory
/// at each register and may let the process carry on), on an alternate stack
/// so that a stack overflow is handled too, and unblocks them. `tool` names the
/// line (at most 100 bytes are kept). Returns 0, or -1 with errno set.
static inline int cprocesscontrol_install_fatal_signal_handlers(const char *tool) {
    struct cprocesscontrol_prefix *prefix = cprocesscontrol_fatal_prefix();
    size_t length = strnlen(tool, 100);
    memcpy(prefix->text, tool, length);
    prefix->text[length] = ':';
    prefix->text[length + 1] = ' ';
    prefix->length = length + 2;

    static char alternate[65536];  // the importer emits it: local to an emitted function
    stack_t stack;
    memset(&stack, 0, sizeof stack);
    stack.ss_sp = alternate;
    stack.ss_size = sizeof alternate;
    if (sigaltstack(&stack, NULL) != 0) return -1;

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = cprocesscontrol_fatal_handler;
    action.sa_flags = SA_RESETHAND | SA_ONSTACK;
    sigfillset(&action.sa_mask);
    static const int signals[] = {SIGQUIT, SIGABRT, SIGBUS, SIGILL, SIGSEGV, SIGFPE, SIGTRAP};
    sigset_t unblock;
    sigemptyset(&unblock);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
        sigaddset(&unblock, signals[i]);
    }
    // A parent may have started us with these blocked (Foundation's Process
    // does): a blocked SIGQUIT or SIGABRT would stay pending while the tool
    // runs on and writes. Unblocked in this (the main) thread; threads made
    // later inherit its mask.
    return sigprocmask(SIG_UNBLOCK, &unblock, NULL);
}
