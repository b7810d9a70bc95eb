#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Turns a text file into a C string constant, so the default model is built into the library.
import sys

src, dst, name = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(src, 'rb').read()
with open(dst, 'w') as out:
    out.write('/* generated from %s */\nstatic const char %s[] =\n' % (src.split('/')[-1], name))
    for i in range(0, len(data), 16):
        out.write('    "' + ''.join('\\x%02x' % b for b in data[i:i + 16]) + '"\n')
    out.write(';\n')
