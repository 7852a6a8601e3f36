"""The software's name and version, as peers and NodeInfo see them."""

from __future__ import annotations

from importlib import metadata

SOFTWARE_NAME = "solidarity-node"

try:
    VERSION = metadata.version(SOFTWARE_NAME)
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    VERSION = "0.0.0+source"
