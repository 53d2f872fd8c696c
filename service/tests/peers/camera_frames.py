#!/usr/bin/env python3
"""Camera-like frames for POST /v1/decode tests and its load benchmark (Pillow, numpy).

    camera_frames.py convert IN OUT [--quality Q]
        Re-encode any image as OUT's format (.jpg/.png), greyscale kept as is.
    camera_frames.py scene OUT --seed N [--symbol PNG] [--size 640x480] [--quality Q]
        A cluttered ward-like scene: paper gradient, printed text, ruled lines, boxes,
        sensor noise and a little blur, with the symbol (a rendered wristband Data Matrix)
        on a white label, scaled and turned a few degrees, when --symbol is given.
    camera_frames.py blank OUT [--size 640x480]
        A flat grey frame.

Deterministic for a seed. Nothing here reads a barcode: the service's reader does.
"""

import argparse
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

WORDS = ["PARACETAMOL", "500mg", "WARD 7", "Bed 12", "Drug chart", "NHS", "Take two",
         "tablets", "Lot A12", "EXP 12/27", "Nil by mouth", "Allergies:", "Penicillin",
         "Obs 14:00", "BP 120/80", "Temp 36.8", "Saline 0.9%", "Keep cool", "Ref 4471"]


def size_arg(s):
    w, h = s.lower().split("x")
    return int(w), int(h)


def save(img, out, quality):
    if out.lower().endswith((".jpg", ".jpeg")):
        img.convert("L").save(out, "JPEG", quality=quality)
    else:
        img.save(out, "PNG")


def scene(seed, size, symbol):
    rnd = random.Random(seed)
    w, h = size
    # Paper / bed-sheet background: a gradient with a light and a dark side.
    x = np.linspace(0.0, 1.0, w)[None, :]
    y = np.linspace(0.0, 1.0, h)[:, None]
    base = 150 + 70 * (0.6 * x + 0.4 * y) + rnd.uniform(-20, 20)
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "L")
    d = ImageDraw.Draw(img)
    # Boxes and ruled lines (chart forms, bed rails).
    for _ in range(rnd.randint(3, 6)):
        x0, y0 = rnd.randrange(w), rnd.randrange(h)
        d.rectangle([x0, y0, x0 + rnd.randint(40, 260), y0 + rnd.randint(20, 140)],
                    outline=rnd.randint(30, 90), width=rnd.randint(1, 3))
    for _ in range(rnd.randint(4, 10)):
        yy = rnd.randrange(h)
        d.line([0, yy, w, yy + rnd.randint(-30, 30)], fill=rnd.randint(60, 120), width=1)
    # Printed text.
    for _ in range(rnd.randint(15, 30)):
        d.text((rnd.randrange(w - 60), rnd.randrange(h - 12)), rnd.choice(WORDS), fill=rnd.randint(0, 70))
    if symbol is not None:
        sym = Image.open(symbol).convert("L")
        scale = rnd.uniform(0.9, 1.3)
        sym = sym.resize((max(1, int(sym.width * scale)), max(1, int(sym.height * scale))), Image.BILINEAR)
        pad = 14
        label = Image.new("L", (sym.width + 2 * pad, sym.height + 2 * pad), 245)
        label.paste(sym, (pad, pad))
        label = label.rotate(rnd.uniform(-10, 10), resample=Image.BILINEAR, expand=True, fillcolor=0)
        mask = label.point(lambda v: 255 if v > 0 else 0)
        label = label.point(lambda v: max(v, 1))
        px = rnd.randrange(max(1, w - label.width))
        py = rnd.randrange(max(1, h - label.height))
        img.paste(label, (px, py), mask)
    img = img.filter(ImageFilter.GaussianBlur(radius=rnd.uniform(0.4, 0.8)))
    a = np.asarray(img).astype(np.float32)
    a += np.random.default_rng(seed).normal(0.0, 3.0, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("convert")
    c.add_argument("input")
    c.add_argument("out")
    c.add_argument("--quality", type=int, default=85)
    s = sub.add_parser("scene")
    s.add_argument("out")
    s.add_argument("--seed", type=int, required=True)
    s.add_argument("--symbol")
    s.add_argument("--size", type=size_arg, default=(640, 480))
    s.add_argument("--quality", type=int, default=80)
    b = sub.add_parser("blank")
    b.add_argument("out")
    b.add_argument("--size", type=size_arg, default=(640, 480))
    a = p.parse_args()
    if a.cmd == "convert":
        save(Image.open(a.input).convert("L"), a.out, a.quality)
    elif a.cmd == "scene":
        save(scene(a.seed, a.size, a.symbol), a.out, a.quality)
    else:
        save(Image.new("L", a.size, 128), a.out, 90)


if __name__ == "__main__":
    main()
