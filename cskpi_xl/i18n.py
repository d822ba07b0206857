"""User-facing language: Simplified Chinese by default, English on request.

The language is chosen by ``set_language`` (the CLI's ``--lang``) or the
``CSKPI_LANG`` environment variable (``zh`` or ``en``).

>>> set_language("en"); tr("文件", "file")
'file'
>>> set_language("zh"); tr("文件", "file")
'文件'
"""

from __future__ import annotations

import os

_LANG: str | None = None


def set_language(lang: str | None) -> None:
    global _LANG
    _LANG = None if lang is None else ("en" if lang.lower().startswith("en") else "zh")


def language() -> str:
    if _LANG is not None:
        return _LANG
    env = os.environ.get("CSKPI_LANG", "zh").lower()
    return "en" if env.startswith("en") else "zh"


def tr(zh: str, en: str) -> str:
    """Pick the Chinese or English text for the current language."""
    return en if language() == "en" else zh
