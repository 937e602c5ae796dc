#!/usr/bin/python3
"""check_figure.py KIND FILE [WIDTH HEIGHT] -- what plnet draw's figures must be.

svg: parses, its width/height attributes are WIDTH/HEIGHT, its text is <text> (prints every
     text, one per line, for the caller to look for labels);
pdf: a PDF whose pages draw text with text operators (Tj/TJ) in an embedded font (a
     FontFile/FontFile2/FontFile3 stream), page size WIDTH x HEIGHT points;
png: PNG magic, IHDR width and height WIDTH x HEIGHT.
Exit 0 when everything holds."""
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

NS = "{http://www.w3.org/2000/svg}"


def fail(msg):
    print("check_figure: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    kind, path = sys.argv[1], sys.argv[2]
    size = (float(sys.argv[3]), float(sys.argv[4])) if len(sys.argv) > 4 else None
    data = open(path, "rb").read()
    if kind == "svg":
        root = ET.fromstring(data)
        if root.tag != NS + "svg":
            fail("not svg")
        if size and (float(root.get("width")), float(root.get("height"))) != size:
            fail(f"size {root.get('width')} x {root.get('height')}, expected {size}")
        texts = ["".join(t.itertext()) for t in root.iter(NS + "text")]
        if not texts:
            fail("no <text>")
        print("\n".join(texts))
    elif kind == "pdf":
        if not data.startswith(b"%PDF-"):
            fail("no %PDF- header")
        streams = []
        for m in re.finditer(rb"stream\r?\n", data):
            end = data.find(b"endstream", m.end())
            raw = data[m.end():end]
            try:
                streams.append(zlib.decompress(raw))
            except zlib.error:
                streams.append(raw)
        blob = data + b"".join(streams)
        if not re.search(rb"/FontFile[23]?\b", blob):
            fail("no embedded font program (FontFile)")
        if not re.search(rb"(\)|>|\])\s*T[jJ]", blob):
            fail("no text operators: the text is not text")
        if size:
            m = re.search(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", blob)
            if not m or (float(m.group(1)), float(m.group(2))) != size:
                fail(f"MediaBox {m.group(0) if m else None}, expected {size}")
        print("pdf ok")
    elif kind == "png":
        if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
            fail("not a PNG")
        w, h = struct.unpack(">II", data[16:24])
        if size and (w, h) != size:
            fail(f"{w} x {h}, expected {size}")
        print("png ok")
    else:
        fail("kind: svg, pdf or png")


main()
