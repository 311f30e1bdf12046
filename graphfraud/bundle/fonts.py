"""The CJK font the report and the picture are set in, embedded (subset) into every PDF.

A police officer opens the PDF on any computer, so the glyphs must travel
inside it. The font comes, in this order, from:

1. ``GRAPHFRAUD_PDF_FONT`` — a TrueType/OpenType file a bureau prefers
   (e.g. its house 仿宋 for official documents);
2. Noto Sans SC from the ``pylopdf-fonts-zh-cn`` wheel, a dependency of
   graphfraud (SIL Open Font License 1.1; the unmodified
   ``Sans/SubsetOTF/SC`` file of the upstream Noto CJK release, whose SHA-256
   the wheel documents). Taking it from PyPI means ``scripts/demo`` works on
   a machine that has nothing but Python, and every machine sets the report in
   the same font, so the same data gives the same PDF;
3. a Chinese font found on the system (Noto CJK, Source Han, WenQuanYi), when
   the wheel is missing.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from graphfraud.errors import BundleError

FONT_ENV = "GRAPHFRAUD_PDF_FONT"
SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansSC-Regular.otf",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSansSC-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)


@cache
def cjk_font() -> Path:
    """Path of the font file to embed; a clear error when none can be had."""
    chosen = os.environ.get(FONT_ENV)
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise BundleError(f"{FONT_ENV}={chosen}: no such font file")
        return path
    try:
        import pylopdf_fonts_zh_cn

        path = Path(pylopdf_fonts_zh_cn.sans_path())
        if path.is_file():
            return path
    except ImportError:
        pass
    for candidate in SYSTEM_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    raise BundleError("no Chinese font for the report: install graphfraud's dependencies "
                      f"(pip install pylopdf-fonts-zh-cn) or set {FONT_ENV} to a .ttf/.otf file")


def font_name(path: Path) -> str:
    """A short name for the font, as the PDF and the docs mention it."""
    return path.stem.split("-")[0]
