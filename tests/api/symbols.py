#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The shared library exports exactly the symbols of the version script, and has the soname.
import re, subprocess, sys

lib, mapfile, soname = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(mapfile, encoding='utf-8').read()
wanted = set(re.findall(r'^\s+(pa_\w+);', text, re.M))
out = subprocess.run(['nm', '-D', '--defined-only', lib], capture_output=True, text=True, check=True).stdout
exported = {l.split()[-1].split('@')[0] for l in out.splitlines() if l.split()[1] in 'TDBR'}
exported = {s for s in exported if not s.startswith('PINGAN_')}
ok = True
if wanted - exported:
    print('in the map but not exported:', sorted(wanted - exported)); ok = False
if exported - wanted:
    print('exported but not in the map:', sorted(exported - wanted)); ok = False
hdr = open(sys.argv[4], encoding='utf-8').read()
declared = set(re.findall(r'PA_EXPORT[^;]*?\b(pa_\w+)\s*\(', hdr, re.S))
if declared != wanted:
    print('header and map differ:', sorted(declared ^ wanted)); ok = False
dyn = subprocess.run(['readelf', '-d', lib], capture_output=True, text=True, check=True).stdout
m = re.search(r'SONAME.*\[(.*)\]', dyn)
if not m or m.group(1) != soname:
    print('soname is', m and m.group(1), 'expected', soname); ok = False
print(f'{len(wanted)} symbols checked, soname {soname}')
sys.exit(0 if ok else 1)
