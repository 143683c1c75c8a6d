#!/usr/bin/python3
"""Regenerates the tiny images under tests/data/image_decoder (Pillow + numpy, /usr/bin/python3).

Each file is small and has known content; image_decoder_test.cpp states what it expects of each.
"""
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image

d = os.path.dirname(os.path.abspath(__file__))


def exif(orientation):
    ex = Image.Exif()
    ex[0x0112] = orientation
    return ex.tobytes()


def png16(path, width, height, color_type, rows):
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(
            ">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + r for r in rows)
    ihdr = struct.pack(">IIBBBBB", width, height, 16, color_type, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
                + chunk(b"IEND", b""))


# 32x16 quadrants (JPEG-safe flat colours): top-left red, top-right green,
# bottom-left blue, bottom-right white.
q = np.zeros((16, 32, 3), np.uint8)
q[:8, :16] = (255, 0, 0)
q[:8, 16:] = (0, 255, 0)
q[8:, :16] = (0, 0, 255)
q[8:, 16:] = (255, 255, 255)
quad = Image.fromarray(q)
quad.save(f"{d}/quad.jpg", quality=95)
for o in range(2, 9):
    quad.save(f"{d}/quad_orient{o}.jpg", quality=95, exif=exif(o))
quad.save(f"{d}/quad.png")
quad.save(f"{d}/quad_orient6.png", exif=exif(6))
quad.save(f"{d}/quad_orient8.webp", lossless=True, exif=exif(8))
quad.save(f"{d}/quad.bmp")
quad.save(f"{d}/quad.webp", lossless=True)
quad.convert("L").save(f"{d}/quad_gray.png")

# RGBA 4x1: alpha 0, 255, 128, 64 over colour (200, 100, 0).
Image.fromarray(np.array([[[200, 100, 0, a] for a in (0, 255, 128, 64)]], np.uint8),
                "RGBA").save(f"{d}/rgba_4x1.png")
# Grey + alpha 2x1: (10, alpha 0), (10, alpha 255).
Image.fromarray(np.array([[[10, 0], [10, 255]]], np.uint8), "LA").save(f"{d}/la_2x1.png")
# Palette 3x1 with index 1 transparent: colours red, green (transparent), blue.
p = Image.new("P", (3, 1))
p.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 759)
p.putdata([0, 1, 2])
p.save(f"{d}/palette_trns_3x1.png", transparency=1)
# 16-bit: grey 0,100,255,256,1000,65535; RGB 0x0000,0x00ff,0x0100,0x7f80,0x80ff,0xffff.
png16(f"{d}/gray16_6x1.png", 6, 1, 0,
      [b"".join(struct.pack(">H", v) for v in (0, 100, 255, 256, 1000, 65535))])
png16(f"{d}/rgb16_6x1.png", 6, 1, 2,
      [b"".join(struct.pack(">HHH", v, v, v) for v in (0, 0xFF, 0x100, 0x7F80, 0x80FF, 0xFFFF))])

# Damaged files.
data = open(f"{d}/quad.jpg", "rb").read()
open(f"{d}/truncated.jpg", "wb").write(data[: len(data) * 2 // 3])
data = open(f"{d}/quad.png", "rb").read()
open(f"{d}/truncated.png", "wb").write(data[: len(data) - 30])
data = bytearray(open(f"{d}/quad.webp", "rb").read())
data[40:] = bytes(len(data) - 40)
open(f"{d}/corrupt.webp", "wb").write(bytes(data))
# A PNG stored under a JPEG name: decoders must go by content.
open(f"{d}/png_named.jpg", "wb").write(open(f"{d}/quad.png", "rb").read())
sys.exit(0)
