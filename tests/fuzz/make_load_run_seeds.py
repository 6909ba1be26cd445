#!/usr/bin/env python3
"""Writes the fuzz_load_run seeds from the fuzz_bundle_reader seeds: each seed is
u32 LE bundle length + bundle + a feed stream (fuzz_load_run.cc). Two per bundle:
declared dims with a small pattern of values, and a stream that mutates dims."""
import os
import random
import struct

here = os.path.dirname(os.path.abspath(__file__))
src = os.path.join(here, 'corpus', 'fuzz_bundle_reader')
dst = os.path.join(here, 'corpus', 'fuzz_load_run')
os.makedirs(dst, exist_ok=True)
rng = random.Random(6)
for name in sorted(os.listdir(src)):
    bundle = open(os.path.join(src, name), 'rb').read()
    stem = os.path.splitext(name)[0]
    plain = bytes([0] + [1] * 7) + struct.pack('<8f', 0.5, -1.0, 2.0, 0.0, 1e-3, -3.5, 7.0, 0.25)
    mutated = bytes([0x80, 3, 2, 1, 4, 2]) + bytes(rng.randrange(256) for _ in range(58))
    for suffix, feed in (('declared', plain), ('mutated', mutated)):
        with open(os.path.join(dst, f'{stem}-{suffix}.bin'), 'wb') as f:
            f.write(struct.pack('<I', len(bundle)) + bundle + feed)
