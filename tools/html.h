/* SPDX-License-Identifier: MIT */
/* -f html: one self-contained page (no network needed) with the tables of the text report in
 * band colours and the trend and ranking charts as inline SVG. Public API only. */
#ifndef PINGAN_TOOLS_HTML_H
#define PINGAN_TOOLS_HTML_H

#include <stddef.h>
#include <stdio.h>

#include <pingan/pingan.h>

/* Writes the page of period p of r to f; returns 0, or -1 after one message on standard
 * error (the caller then keeps no output). */
int html_write(FILE *f, const pa_result *r, size_t p, const char *title);

#endif
