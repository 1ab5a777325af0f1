"""The digital membership card: the card number as a Code 128 barcode and a QR code, as
inline SVG that a desk scanner reads from a phone screen (Tolmin art. 18)."""

from __future__ import annotations

from itertools import groupby

import barcode
import segno
from django.utils.safestring import SafeString, mark_safe

QUIET_ZONE = 10  # modules of white either side: scanners need it to find the code
QR_SCALE = 8  # pixels per module: a version 1 code is 232 px wide with its border


def barcode_svg(card_number: str) -> SafeString:
    """Code 128 of the card number. python-barcode encodes it; the modules are drawn here with
    a viewBox, so the code scales to the screen (its SVGWriter sizes everything in mm)."""
    modules = barcode.get("code128", card_number).build()[0]  # "1101…", one per module
    width = len(modules) + 2 * QUIET_ZONE
    height = max(40, width // 3)
    bars = []
    x = QUIET_ZONE
    for bit, run in groupby(modules):
        n = len(list(run))
        if bit == "1":
            bars.append(f'<rect x="{x}" width="{n}" height="{height}"/>')
        x += n
    return mark_safe(  # only numbers of our own
        f'<svg xmlns="http://www.w3.org/2000/svg" class="barcode" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="none" shape-rendering="crispEdges" aria-hidden="true">'
        f'<rect width="{width}" height="{height}" fill="#fff"/><g fill="#000">{"".join(bars)}</g>'
        f"</svg>"
    )


def qr_svg(card_number: str) -> SafeString:
    """QR code of the card number, dark on white whatever the page's colour scheme."""
    qr = segno.make(card_number, error="m", micro=False)
    svg = qr.svg_inline(scale=QR_SCALE, border=4, dark="#000", light="#fff", svgclass="qr")
    return mark_safe(svg.replace("<svg ", '<svg aria-hidden="true" ', 1))
