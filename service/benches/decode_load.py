#!/usr/bin/env python3
"""Load driver for POST /v1/decode: camera clients sending 640x480 JPEG frames.

    python3 service/benches/decode_load.py [--bin target/release/bedside] [--clients 4]
        [--fps 10] [--seconds 30] [--frames 24]

Starts `bedside serve` (demo data, SQLite in a temporary directory, the per-token rate
limit lifted: every client uses the demo nurse token), makes the frames with
service/tests/peers/camera_frames.py (Pillow): cluttered ward-like scenes with the demo
patient's wristband Data Matrix (rendered by `bedside barcode encode`) and the same kind of
scenes without it. Then, per phase ("band", "no band"), each client behaves like the web
UI's camera: one request in flight, the next frame at most 1/fps after the previous one
was sent. Reports, per phase, the server's own time from its `Server-Timing` header
(`total`: the handler after authentication, including any wait for a decode slot;
`decode`: JPEG decode plus reading) and the client's round trip: p50, p95, p99, max; frames
sent, frames with a GS1 read, timed-out frames, 503s. Not part of `cargo test`.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "peers"))
import camera_frames  # noqa: E402


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def start_server(binary, work):
    out = open(os.path.join(work, "serve.out"), "w+")
    err = open(os.path.join(work, "serve.log"), "w")
    proc = subprocess.Popen(
        [binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", os.path.join(work, "data"),
         "--rate-limit", "2000000000"],
        stdout=out, stderr=err, env={**os.environ, "BEDSIDE_LOG": "warn"})
    for _ in range(300):
        out.seek(0)
        m = re.search(r"bedside listening on http://(\S+)", out.read())
        if m:
            host, port = m.group(1).rsplit(":", 1)
            return proc, host, int(port)
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    sys.exit("bedside serve did not start: see " + err.name)


def make_frames(binary, work, n):
    demo = json.loads(subprocess.check_output([binary, "demo", "list", "--json"]))
    token = [t["token"] for t in demo["tokens"] if t["role"] == "nurse"][0]
    scan = demo["patients"][0]["wristband_scan"]
    symbol = os.path.join(work, "symbol.png")
    subprocess.check_call([binary, "barcode", "encode", "--symbology", "datamatrix", "--format", "png",
                           "--module-px", "4", "--out", symbol, "^" + scan[3:].replace("\x1d", "^")])
    frames = {"band": [], "no band": []}
    for seed in range(1, n + 1):
        for phase, sym in (("band", symbol), ("no band", None)):
            path = os.path.join(work, f"{phase.replace(' ', '')}-{seed}.jpg")
            camera_frames.save(camera_frames.scene(seed, (640, 480), sym), path, 80)
            with open(path, "rb") as f:
                frames[phase].append(f.read())
    return token, scan, frames


def client(host, port, token, frames, fps, until, results, lock, seed):
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    period = 1.0 / fps
    mine = []
    while True:
        sent = time.monotonic()
        if sent >= until:
            break
        body = rnd.choice(frames)
        conn.request("POST", "/v1/decode", body=body,
                     headers={"Authorization": "Bearer " + token, "Content-Type": "image/jpeg"})
        resp = conn.getresponse()
        data = resp.read()
        rtt = (time.monotonic() - sent) * 1000.0
        timing = dict(re.findall(r"(\w+);dur=([0-9.]+)", resp.getheader("Server-Timing") or ""))
        rec = {"status": resp.status, "rtt": rtt}
        if resp.status == 200:
            j = json.loads(data)
            rec["total"] = float(timing.get("total", "nan"))
            rec["decode"] = float(timing.get("decode", "nan"))
            rec["queue"] = float(timing.get("queue", "nan"))
            rec["gs1"] = [s["scan"] for s in j["symbols"] if s["gs1"]]
            rec["timed_out"] = j["timed_out"]
        mine.append(rec)
        wait = sent + period - time.monotonic()
        if wait > 0:
            time.sleep(wait)
    conn.close()
    with lock:
        results.extend(mine)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "..", "target", "release", "bedside"))
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--fps", type=float, default=10.0)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--frames", type=int, default=24)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="bedside-decode-load-")
    proc = None
    try:
        token, scan, frames = make_frames(a.bin, work, a.frames)
        proc, host, port = start_server(a.bin, work)
        print(f"{a.clients} clients x {a.fps:g} frames/s, {a.seconds:g} s per phase, 640x480 JPEG q80, "
              f"{os.cpu_count()} CPUs", flush=True)
        print("phase    | frames | GS1 read | timed out | 503 | server total p50/p95/p99/max ms "
              "| decode p50/p95 ms | round trip p50/p95 ms")
        for phase in ("band", "no band"):
            # Warm-up: the decoders' worker threads and buffers.
            warm = []
            client(host, port, token, frames[phase], a.fps, time.monotonic() + 2.0, warm, threading.Lock(), 0)
            results, lock = [], threading.Lock()
            until = time.monotonic() + a.seconds
            threads = [threading.Thread(target=client, args=(host, port, token, frames[phase], a.fps, until,
                                                              results, lock, i + 1)) for i in range(a.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            ok = [r for r in results if r["status"] == 200]
            busy = sum(1 for r in results if r["status"] == 503)
            other = [r["status"] for r in results if r["status"] not in (200, 503)]
            if other:
                sys.exit(f"unexpected statuses: {sorted(set(other))}")
            wrong = [g for r in ok for g in r["gs1"] if g != scan]
            if wrong:
                sys.exit(f"WRONG PAYLOAD read: {wrong[:3]}")
            read = sum(1 for r in ok if r["gs1"])
            tot = [r["total"] for r in ok]
            dec = [r["decode"] for r in ok]
            rtt = [r["rtt"] for r in ok]
            print(f"{phase:8} | {len(results):6} | {read:8} | {sum(1 for r in ok if r['timed_out']):9} | {busy:3} | "
                  f"{pct(tot, 50):.1f} / {pct(tot, 95):.1f} / {pct(tot, 99):.1f} / {max(tot):.1f} "
                  f"| {pct(dec, 50):.1f} / {pct(dec, 95):.1f} | {pct(rtt, 50):.1f} / {pct(rtt, 95):.1f}",
                  flush=True)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
