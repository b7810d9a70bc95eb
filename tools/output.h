/* SPDX-License-Identifier: MIT */
/* The command's output: standard output, or -o FILE written so that nothing is destroyed. */
#ifndef PINGAN_TOOLS_OUTPUT_H
#define PINGAN_TOOLS_OUTPUT_H

#include <stdio.h>
#include <sys/types.h>

typedef struct out_file {
    FILE *f;
    const char *path;   /* as given; NULL for standard output */
    char *target;       /* the file replaced: path with its symbolic links followed */
    char *tmp;          /* the temporary file beside target, while it exists */
    int fd;
    int direct;         /* a device, FIFO or descriptor written in place, not replaced */
    off_t written, started; /* bytes written; bytes whose write-out has been started */
} out_file;

/* Signals that end a run remove the temporary output and say what became of `path` (the -o
 * file, or NULL); call before anything is read. */
void out_signals(const char *path);

/* Whether `path` names the same file as `other` (both exist). */
int out_same_file(const char *path, const char *other);

/* Opens the output; prints one message and returns 1 (bad data: a file that cannot be made)
 * or 2 (usage: a directory) on failure, 0 on success. */
int out_open(out_file *o, const char *path);

/* Finishes the output: the temporary file becomes the output when ok, else it goes. Returns 0
 * when the output is whole. Prints one message on a failure of its own. */
int out_close(out_file *o, int ok);

#endif
