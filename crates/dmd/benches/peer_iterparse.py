#!/usr/bin/env python3
"""Peer for benches/read.rs: Python's ElementTree.iterparse over the same file.

Walks every record element the Rust reader hands over (for f_amp: AMP,
AP_ING, LIC_ROUTE; for f_ampp: AMPP), collecting its child values into a dict
as the Rust reader does, and clears each element once read so memory stays
flat. Prints the best of three runs.

    python3 peer_iterparse.py f_amp2_3011226.xml AMP,AP_ING,LIC_ROUTE
"""
import os
import sys
import time
import xml.etree.ElementTree as ET


def walk(path, records):
    n = 0
    for _event, elem in ET.iterparse(path, events=("end",)):
        if elem.tag in records:
            values = {child.tag: child.text for child in elem}
            if values:
                n += 1
            elem.clear()
    return n


def main():
    path, records = sys.argv[1], set(sys.argv[2].split(","))
    size = os.path.getsize(path)
    best = None
    count = 0
    for _ in range(3):
        start = time.perf_counter()
        count = walk(path, records)
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    print(
        f"peer iterparse {os.path.basename(path)}: {count} records in {best:.3f} s "
        f"= {count / best:,.0f} records/s, {size / best / 1e6:.1f} MB/s (best of 3)"
    )


if __name__ == "__main__":
    main()
