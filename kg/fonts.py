"""Is a font with Chinese characters installed? Without one, the map's labels (and the
PNG export) draw boxes, so `kg build` warns once. Checked with fontconfig's `fc-list`
where it exists; where it does not (Windows, macOS without it) nothing is said."""
from __future__ import annotations

import shutil
import subprocess

FONT_HINT = ("no font with Chinese characters found (fc-list :lang=zh): the map's labels will draw as boxes; "
             "install one, e.g. Debian/Ubuntu: apt-get install fonts-noto-cjk; Fedora: dnf install "
             "google-noto-sans-cjk-fonts; Arch: pacman -S noto-fonts-cjk; macOS and Windows ship one")


def cjk_font_missing() -> bool:
    """True only when fontconfig is there and lists no font covering Chinese."""
    if shutil.which("fc-list") is None:
        return False
    try:
        result = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and not result.stdout.strip()
