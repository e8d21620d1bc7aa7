"""Write the web fonts in static/fonts/ (`make fonts`): subsets of Noto Sans and Noto Sans Arabic.

Debian's fonts-noto-core has the TrueType files; fontTools (the `fonts` extra) cuts each to
the letters one script needs and writes WOFF2. static/css/app.css names each subset with a
unicode-range (the same ranges as here), so a browser fetches a file only for a page that has
such letters: a German or English page fetches none, an Arabic page the Arabic subset.

Run again after changing a range here (and in app.css) or after a new fonts-noto-core.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

NOTO = Path("/usr/share/fonts/truetype/noto")
TARGET = Path(__file__).resolve().parent.parent / "static" / "fonts"

# name -> (source file stem, unicode ranges). Keep in step with @font-face in app.css.
ARABIC = "U+0600-06FF,U+0750-077F,U+FB50-FDFF,U+FE70-FEFF"
CYRILLIC = "U+0400-045F,U+0490-0491,U+04B0-04B1,U+2116"
# Turkish and Polish letters: every tablet's own font has them; the subset is a last resort.
LATIN_EXT = "U+0100-017F"
SUBSETS = {
    "arabic": ("NotoSansArabic", ARABIC),
    "cyrillic": ("NotoSans", CYRILLIC),
    "latin-ext": ("NotoSans", LATIN_EXT),
}
WEIGHTS = {"400": "Regular", "700": "Bold"}


def unicodes(ranges: str) -> list[int]:
    found: list[int] = []
    for part in ranges.split(","):
        first, _, last = part.removeprefix("U+").partition("-")
        found.extend(range(int(first, 16), int(last or first, 16) + 1))
    return found


def write_subset(source: Path, target: Path, ranges: str) -> None:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # Arabic joins its letters through GSUB: keep all features
    # Copyright, names, version and the licence (SIL Open Font License) travel in the file.
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.notdef_outline = True
    options.hinting = False  # tablets' screens do not need hinting; it is a third of the size
    options.desubroutinize = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes(ranges))
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def main() -> int:
    if not NOTO.is_dir():
        print(f"{NOTO} is missing: apt-get install fonts-noto-core", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, (stem, ranges) in SUBSETS.items():
        for weight, style in WEIGHTS.items():
            target = TARGET / f"noto-sans-{name}-{weight}.woff2"
            write_subset(NOTO / f"{stem}-{style}.ttf", target, ranges)
            print(f"{target.relative_to(TARGET.parent.parent)}: {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
