# SPDX-License-Identifier: MIT
"""A PNG reader for the chart tests (standard library only): 8-bit greyscale, RGB, RGBA and
palette images, not interlaced, every filter type."""

import struct
import zlib


class Image:
    def __init__(self, width, height, rows):
        self.width, self.height, self.rows = width, height, rows  # rows: [[(r, g, b), ...]]

    def pixel(self, x, y):
        return self.rows[y][x]

    def counts(self):
        """{(r, g, b): number of pixels}."""
        out = {}
        for row in self.rows:
            for p in row:
                out[p] = out.get(p, 0) + 1
        return out


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(raw, height, stride, bpp):
    out, prev, pos = [], bytearray(stride), 0
    for _ in range(height):
        ftype, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                line[i] = (line[i] + _paeth(a, b, c)) & 255
            elif ftype != 0:
                raise ValueError(f"PNG: unknown filter {ftype}")
        out.append(line)
        prev = line
    return out


def decode(data):
    """An Image from the bytes of a PNG file; ValueError when it is none this reader reads."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file (no signature)")
    pos, idat, palette, ihdr = 8, b"", None, None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]:
            raise ValueError(f"PNG: bad CRC in {kind!r}")
        pos += 12 + n
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = [tuple(body[i:i + 3]) for i in range(0, len(body), 3)]
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if ihdr is None:
        raise ValueError("PNG: no IHDR")
    w, h, depth, ctype, _, _, interlace = ihdr
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    if depth != 8 or interlace:
        raise ValueError(f"PNG: depth {depth}, interlace {interlace} not read here")
    lines = _unfilter(zlib.decompress(idat), h, w * channels, channels)
    rows = []
    for line in lines:
        if ctype == 3:
            rows.append([palette[v] for v in line])
        elif ctype in (0, 4):
            rows.append([(v, v, v) for v in line[::channels]])
        else:
            rows.append([tuple(line[i:i + 3]) for i in range(0, len(line), channels)])
    return Image(w, h, rows)
