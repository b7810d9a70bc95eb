/* SPDX-License-Identifier: MIT */
/* -o never destroys what the user did not name as the output. A regular file (or the file a
 * symbolic link leads to, so the link stays a link) is replaced atomically by a temporary file
 * made beside it, with the old file's permissions, or the umask's for a new one; a device, a
 * FIFO or a descriptor (/dev/stdout, /dev/fd/N) is written in place. A signal that ends the
 * run removes the temporary file, so the old file stays byte for byte, and says so. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a signal handler finds: the temporary file to remove and what to say. */
enum { OUT_NONE, OUT_TEMP, OUT_DIRECT, OUT_DONE };
static char *volatile sig_tmp;
static const char *volatile sig_path;
static volatile sig_atomic_t sig_state;

static void
say(const char *s)
{
    ssize_t r = write(STDERR_FILENO, s, strlen(s));
    (void)r;
}

static void
on_signal(int sig)
{
    int saved = errno;
    if (sig_state == OUT_TEMP && sig_tmp)
        unlink(sig_tmp);
    say("pingan-index: stopped by ");
    say(sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP");
    if (sig_path) {
        say("; ");
        say(sig_path);
        say(sig_state == OUT_DIRECT ? " got only part of the output\n"
            : sig_state == OUT_DONE ? " was written whole\n"
                                    : " is left as it was\n");
    } else {
        say("\n");
    }
    errno = saved;
    raise(sig); /* SA_RESETHAND: the default action now ends the process with this signal */
}

void
out_signals(const char *path)
{
    sig_path = path;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGHUP);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* past a file-size limit a write fails with EFBIG, which out_close reports, instead of the
     * process being killed with its temporary file left behind */
    signal(SIGXFSZ, SIG_IGN);
}

/* The handler sees the state and the file names change together. */
static void
block_signals(int block, sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGHUP);
    if (block)
        sigprocmask(SIG_BLOCK, &s, old);
    else
        sigprocmask(SIG_SETMASK, old, NULL);
}

int
out_same_file(const char *path, const char *other)
{
    struct stat a, b;
    return stat(path, &a) == 0 && stat(other, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

/* The descriptor that /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N stands for, or
 * -1. Written through that descriptor, the output lands where the shell redirected it (at its
 * offset, appending where it appends), which opening the path anew would not do. */
static int
fd_of_path(const char *path)
{
    if (strcmp(path, "/dev/stdout") == 0)
        return STDOUT_FILENO;
    if (strcmp(path, "/dev/stderr") == 0)
        return STDERR_FILENO;
    const char *n = strncmp(path, "/dev/fd/", 8) == 0          ? path + 8
                    : strncmp(path, "/proc/self/fd/", 14) == 0 ? path + 14
                                                               : NULL;
    if (!n || *n < '0' || *n > '9')
        return -1;
    char *end;
    long fd = strtol(n, &end, 10);
    return *end || fd > INT_MAX ? -1 : (int)fd;
}

/* The folder part of a path, with its slash ("a/b" → "a/"; "b" → ""). */
static char *
dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) + 1 : 0;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

/* path with its symbolic links followed to the file they lead to, which may not exist yet
 * (a dangling link names the file to create). Too many links: the last one read, which the
 * later open then reports. */
static char *
follow_links(const char *path)
{
    char *p = strdup(path), buf[PATH_MAX];
    for (int hops = 0; p && hops < 40; hops++) {
        struct stat sb;
        if (lstat(p, &sb) != 0 || !S_ISLNK(sb.st_mode))
            break;
        ssize_t n = readlink(p, buf, sizeof buf - 1);
        if (n < 0)
            break;
        buf[n] = '\0';
        char *dir = buf[0] == '/' ? strdup("") : dir_of(p);
        char *next = dir ? malloc(strlen(dir) + (size_t)n + 1) : NULL;
        if (next)
            strcat(strcpy(next, dir), buf);
        free(dir);
        free(p);
        p = next;
    }
    return p;
}

/* Writes start their write-out every 8 MiB: ext4 writes out a file renamed over another at
 * the rename (auto_da_alloc), which for a 200 MB result took 0.09 s at the end of the run;
 * started early it overlaps the formatting. Advisory: errors are the writes' own. */
static ssize_t
out_write(void *cookie, const char *b, size_t n)
{
    out_file *o = cookie;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(o->fd, b + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    o->written += (off_t)done;
    if (!o->direct && o->written - o->started >= (off_t)8 << 20) {
        sync_file_range(o->fd, o->started, o->written - o->started, SYNC_FILE_RANGE_WRITE);
        o->started = o->written;
    }
    return (ssize_t)done; /* short: the stream's error flag is set */
}

static int
out_fd_close(void *cookie)
{
    return close(((out_file *)cookie)->fd);
}

static int
open_stream(out_file *o)
{
    o->f = fopencookie(o, "w", (cookie_io_functions_t){.write = out_write, .close = out_fd_close});
    return o->f ? 0 : -1;
}

/* A device, FIFO or descriptor: written in place (a FIFO waits for its reader). */
static int
open_direct(out_file *o, int fd)
{
    o->direct = 1;
    o->fd = fd >= 0 ? dup(fd) : open(o->target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (o->fd < 0) {
        fprintf(stderr, "pingan-index: %s: %s\n", o->path, strerror(errno));
        return 1;
    }
    sig_state = OUT_DIRECT;
    if (open_stream(o) != 0) {
        close(o->fd);
        fprintf(stderr, "pingan-index: out of memory\n");
        return 1;
    }
    return 0;
}

/* The temporary file beside the target, with the target's permissions and owner when it
 * exists (as far as this user may set them) and the umask's otherwise. */
/* The temporary file becomes the target (ok) or goes; 0 when it became the target. */
static int
finish_temp(out_file *o, int ok)
{
    sigset_t mask;
    block_signals(1, &mask);
    if (ok && rename(o->tmp, o->target) != 0) {
        fprintf(stderr, "pingan-index: %s: %s\n", o->path, strerror(errno));
        ok = 0;
    }
    if (!ok)
        unlink(o->tmp);
    sig_state = ok ? OUT_DONE : OUT_NONE;
    sig_tmp = NULL;
    block_signals(0, &mask);
    free(o->tmp);
    o->tmp = NULL;
    return ok ? 0 : -1;
}

static int
open_temp(out_file *o, const struct stat *old)
{
    char *dir = dir_of(o->target);
    size_t n = dir ? strlen(dir) + sizeof ".pingan-index.XXXXXX" : 0;
    if (!dir || !(o->tmp = malloc(n))) {
        free(dir);
        fprintf(stderr, "pingan-index: out of memory\n");
        return 1;
    }
    snprintf(o->tmp, n, "%s.pingan-index.XXXXXX", dir);
    sigset_t mask;
    block_signals(1, &mask);
    o->fd = mkstemp(o->tmp);
    int e = errno;
    if (o->fd >= 0) {
        sig_tmp = o->tmp;
        sig_state = OUT_TEMP;
    }
    block_signals(0, &mask);
    if (o->fd < 0) {
        fprintf(stderr, "pingan-index: %s: cannot make a file in '%s': %s%s\n", o->path,
                *dir ? dir : "./", strerror(e),
                e == EACCES || e == EROFS ? " (the output is written to a new file beside the "
                                            "old one, then renamed over it)"
                                          : "");
        free(dir);
        free(o->tmp);
        o->tmp = NULL;
        return 1;
    }
    free(dir);
    if (old) {
        if (fchown(o->fd, old->st_uid, old->st_gid) != 0) /* not ours to give: keep ours */
            (void)!fchown(o->fd, (uid_t)-1, old->st_gid);
        fchmod(o->fd, old->st_mode & 07777);
    } else {
        mode_t mask = umask(0);
        umask(mask);
        fchmod(o->fd, 0666 & ~mask);
    }
    if (open_stream(o) != 0) {
        fprintf(stderr, "pingan-index: out of memory\n");
        close(o->fd);
        finish_temp(o, 0);
        return 1;
    }
    return 0;
}

static int
open_target(out_file *o, int fd)
{
    if (fd >= 0)
        return open_direct(o, fd);
    struct stat sb;
    int exists = stat(o->target, &sb) == 0;
    const char *slash = strrchr(o->target, '/');
    if ((exists && S_ISDIR(sb.st_mode)) || (slash && !slash[1])) {
        fprintf(stderr, "pingan-index: -o %s: is a directory (give the name of a file)\n",
                o->path);
        return 2;
    }
    if (exists && !S_ISREG(sb.st_mode))
        return open_direct(o, -1);
    return open_temp(o, exists ? &sb : NULL);
}

int
out_open(out_file *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    o->fd = -1;
    if (!path) {
        o->f = stdout;
        return 0;
    }
    int fd = fd_of_path(path);
    if (!(o->target = fd >= 0 ? strdup(path) : follow_links(path))) {
        fprintf(stderr, "pingan-index: out of memory\n");
        return 1;
    }
    int rc = open_target(o, fd);
    if (rc != 0) {
        free(o->target);
        o->target = NULL;
    }
    return rc;
}

int
out_close(out_file *o, int ok)
{
    if (!o->path) {
        if (fflush(stdout) != 0 && ok) {
            fprintf(stderr, "pingan-index: write error on standard output: %s\n", strerror(errno));
            return -1;
        }
        return 0;
    }
    int bad = !ok;
    /* no fsync: rename makes the file appear whole or not at all; durability across a power
     * cut is the file system's (ext4 flushes a file renamed over another) */
    if (o->f && (fflush(o->f) != 0 || ferror(o->f)))
        bad = 1;
    int e = errno;
    if (o->f && fclose(o->f) != 0 && !bad)
        bad = 1, e = errno;
    if (bad && ok)
        fprintf(stderr, "pingan-index: %s: write error: %s%s\n", o->path, strerror(e),
                o->tmp ? "; the file is left as it was" : "");
    if (o->tmp)
        bad = finish_temp(o, !bad) != 0;
    free(o->target);
    o->target = NULL;
    return bad ? -1 : 0;
}
