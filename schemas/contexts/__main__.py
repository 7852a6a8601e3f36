"""Regenerate ``solidarity-node.jsonld`` from ``schemas.context.INLINE_TERMS``.

Run from a checkout: ``python -m schemas.contexts``.
"""

from __future__ import annotations

from pathlib import Path

from schemas.contexts import SOLIDARITY_CONTEXT_FILE, render_solidarity_context


def main() -> None:
    target = Path(__file__).with_name(SOLIDARITY_CONTEXT_FILE)
    target.write_text(render_solidarity_context(), encoding="utf-8")
    print(target)


if __name__ == "__main__":
    main()
