#!/usr/bin/python3
"""Independent Qwen2-VL image preprocessing with Pillow + numpy, the reference for mmupt's C++.

Reproduces what transformers' slow Qwen2VLImageProcessor (with qwen-vl-utils style loading)
does to one image: open, EXIF transpose, RGB (alpha pasted over white), smart_resize,
PIL BICUBIC resize, rescale in float64 -> float32, CLIP normalise in float32, duplicate the
frame, flatten patches. Needs only PIL and numpy (run with Debian's /usr/bin/python3).
It does not import transformers, torch or mmupt.

  pillow_preprocess.py check                      exit 0 when PIL and numpy import
  pillow_preprocess.py make-edge-cases DIR        writes generated edge-case images into DIR
  pillow_preprocess.py run --out DIR [--config preprocessor_config.json]
        [--min-pixels N] [--max-pixels N] [--no-pixel-values] IMAGE...
      for the i-th IMAGE writes DIR/i.json (status, sizes, grid), DIR/i.u8 (resized RGB bytes,
      (h, w, 3)) and DIR/i.f32 (pixel_values, (N, 1176) float32, little endian).
"""
import argparse
import json
import math
import os
import struct
import sys
import zlib


def smart_resize(height, width, factor, min_pixels, max_pixels):
    # Current transformers: sides below factor and aspect ratios above 200 are errors.
    if height < factor or width < factor:
        raise ValueError(f"height:{height} or width:{width} must be larger than factor:{factor}")
    if max(height, width) / min(height, width) > 200:
        raise ValueError(f"aspect ratio above 200: {height} / {width}")
    h_bar = round(height / factor) * factor  # Python round: half to even
    w_bar = round(width / factor) * factor
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt((height * width) / max_pixels)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return h_bar, w_bar


def load_rgb(path):
    from PIL import Image, ImageOps

    im = Image.open(path)
    im = ImageOps.exif_transpose(im)
    has_alpha = im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info
    if has_alpha:
        rgba = im.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.split()[3])
        return white
    return im.convert("RGB")


def read_config(args):
    cfg = {"patch_size": 14, "temporal_patch_size": 2, "merge_size": 2,
           "min_pixels": 56 * 56, "max_pixels": 28 * 28 * 1280, "rescale_factor": 1 / 255,
           "image_mean": [0.48145466, 0.4578275, 0.40821073],
           "image_std": [0.26862954, 0.26130258, 0.27577711]}
    if args.config:
        with open(args.config) as f:
            j = json.load(f)
        size = j.get("size") or {}
        for k_size, k in (("shortest_edge", "min_pixels"), ("longest_edge", "max_pixels")):
            if k_size in size:
                cfg[k] = size[k_size]
        for k in cfg:
            if k in j and j[k] is not None:
                cfg[k] = j[k]
    if args.min_pixels is not None:
        cfg["min_pixels"] = args.min_pixels
    if args.max_pixels is not None:
        cfg["max_pixels"] = args.max_pixels
    return cfg


def process(path, cfg, out_prefix, write_pixel_values):
    import numpy as np
    from PIL import Image

    rgb = load_rgb(path)
    w, h = rgb.size
    p, m, tp = cfg["patch_size"], cfg["merge_size"], cfg["temporal_patch_size"]
    hb, wb = smart_resize(h, w, p * m, cfg["min_pixels"], cfg["max_pixels"])
    resized = rgb.resize((wb, hb), Image.BICUBIC) if (wb, hb) != (w, h) else rgb.copy()
    arr = np.asarray(resized, dtype=np.uint8)  # (hb, wb, 3)
    arr.tofile(out_prefix + ".u8")
    if write_pixel_values:
        x = (arr.astype(np.float64) * cfg["rescale_factor"]).astype(np.float32)
        mean = np.array(cfg["image_mean"], dtype=np.float32)
        std = np.array(cfg["image_std"], dtype=np.float32)
        x = (x - mean) / std
        x = x.transpose(2, 0, 1)[None]  # (1, 3, hb, wb)
        x = np.repeat(x, tp, axis=0)     # (tp, 3, hb, wb): a still image fills one patch
        gh, gw = hb // p, wb // p
        x = x.reshape(1, tp, 3, gh // m, m, p, gw // m, m, p)
        x = x.transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)
        x = np.ascontiguousarray(x.reshape(gh * gw, 3 * tp * p * p), dtype="<f4")
        x.tofile(out_prefix + ".f32")
    return {"ok": True, "original": [h, w], "resized": [hb, wb], "grid": [1, hb // p, wb // p]}


def cmd_run(args):
    cfg = read_config(args)
    os.makedirs(args.out, exist_ok=True)
    for i, path in enumerate(args.images):
        prefix = os.path.join(args.out, str(i))
        try:
            meta = process(path, cfg, prefix, not args.no_pixel_values)
        except Exception as e:  # the C++ side must reject the same images
            meta = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        meta["image"] = path
        with open(prefix + ".json", "w") as f:
            json.dump(meta, f)
    return 0


def pattern(h, w, seed):
    """Smooth gradients plus noise and a sharp edge, so resampling differences would show."""
    import numpy as np

    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 255 // max(w - 1, 1)), (y * 255 // max(h - 1, 1)),
                     ((x + y) * 7) % 256], axis=-1).astype(np.int32)
    base[(x // 9 + y // 9) % 2 == 0] ^= 0x80
    noise = rng.integers(-40, 41, size=(h, w, 3))
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def write_png16(path, rows, width, height, color_type):
    """A 16-bit PNG written by hand (Pillow cannot save 16-bit RGB)."""
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(
            ">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + r for r in rows)
    ihdr = struct.pack(">IIBBBBB", width, height, 16, color_type, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
                + chunk(b"IEND", b""))


def cmd_make_edge_cases(args):
    import numpy as np
    from PIL import Image

    d = args.dir
    os.makedirs(d, exist_ok=True)
    rgb = Image.fromarray(pattern(300, 420, 1))
    Image.fromarray(pattern(20, 20, 2)).save(f"{d}/tiny_20x20.png")          # rejected
    Image.fromarray(pattern(28, 28, 3)).save(f"{d}/tiny_28x28.png")          # min_pixels
    Image.fromarray(pattern(31, 45, 4)).save(f"{d}/small_31x45.jpg", quality=95)
    Image.fromarray(pattern(3000, 4000, 5)).save(f"{d}/huge_3000x4000.jpg", quality=90)
    Image.fromarray(pattern(30, 5600, 6)).save(f"{d}/wide_30x5600.png")      # aspect 187
    Image.fromarray(pattern(6000, 29, 7)).save(f"{d}/thin_6000x29.png")      # aspect 207
    Image.fromarray(pattern(2000, 150, 8)).save(f"{d}/tall_2000x150.jpg", quality=85,
                                                progressive=True)
    a = pattern(200, 260, 9)
    alpha = np.tile(np.linspace(0, 255, 260).astype(np.uint8), (200, 1))
    Image.fromarray(np.dstack([a, alpha]), "RGBA").save(f"{d}/rgba.png")
    Image.fromarray(np.dstack([a, alpha]), "RGBA").save(f"{d}/rgba_lossless.webp", lossless=True)
    Image.fromarray(np.dstack([a[:, :, 0], alpha[:, ::-1]]), "LA").save(f"{d}/gray_alpha.png")
    pal = rgb.quantize(64)
    pal.save(f"{d}/palette.png")
    pal.save(f"{d}/palette_transparent.png", transparency=5)
    pal.save(f"{d}/palette.bmp")
    rgb.convert("L").save(f"{d}/gray.jpg", quality=90)
    rgb.convert("L").save(f"{d}/gray.png")
    rgb.convert("1").save(f"{d}/bilevel.png")
    rgb.save(f"{d}/rgb.bmp")
    rgb.convert("CMYK").save(f"{d}/cmyk.jpg", quality=95)
    rgb.save(f"{d}/rgb_lossy.webp", quality=80)
    g16 = (pattern(90, 120, 10)[:, :, 0].astype(np.uint16) * 3)  # values 0..765: clipping shows
    write_png16(f"{d}/gray16.png", [r.astype(">u2").tobytes() for r in g16], 120, 90, 0)
    c16 = pattern(90, 120, 11).astype(np.uint16) * 257 + np.uint16(77)
    c16 = np.minimum(c16, 65535).astype(np.uint16)
    write_png16(f"{d}/rgb16.png", [r.astype(">u2").tobytes() for r in c16], 120, 90, 2)
    def exif(orientation):
        ex = Image.Exif()
        ex[0x0112] = orientation
        return ex.tobytes()

    for o in range(2, 9):
        rgb.save(f"{d}/exif_orient{o}.jpg", quality=92, exif=exif(o))
    rgb.save(f"{d}/exif_orient6.png", exif=exif(6))
    rgb.save(f"{d}/exif_orient8.webp", quality=90, exif=exif(8))
    print("\n".join(sorted(os.listdir(d))))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("check")
    e = sub.add_parser("make-edge-cases")
    e.add_argument("dir")
    r = sub.add_parser("run")
    r.add_argument("--out", required=True)
    r.add_argument("--config")
    r.add_argument("--min-pixels", type=int)
    r.add_argument("--max-pixels", type=int)
    r.add_argument("--no-pixel-values", action="store_true")
    r.add_argument("images", nargs="+")
    args = ap.parse_args()
    if args.cmd == "check":
        import numpy
        import PIL
        print(f"Pillow {PIL.__version__}, numpy {numpy.__version__}")
        return 0
    if args.cmd == "make-edge-cases":
        return cmd_make_edge_cases(args)
    return cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
