"""Names made safe for the file system: one rule for report pages, prediction files and cache folders."""

from __future__ import annotations

import re


def slug(name: str) -> str:
    """A system name as a safe file name (anything but letters, digits, ``.``, ``_``, ``-`` becomes ``_``).

    >>> slug("my system/v2"), slug("..."), slug("_x")
    ('my_system_v2', '_', '_x')
    """
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name).strip(".")
    return cleaned or "_"
