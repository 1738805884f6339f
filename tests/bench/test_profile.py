"""make profile's flame graphs carry a title of their own, not py-spy's command line with
this machine's paths; the ones kept in docs/profiles/ too."""

import re
from pathlib import Path

from bench.profile import retitle

ROOT = Path(__file__).resolve().parents[2]
SVG = '<svg><text id="title" fill="rgb(0,0,0)" x="50%">{}</text><text id="details"> </text></svg>'


def test_the_title_is_replaced(tmp_path: Path) -> None:
    svg = tmp_path / "flame.svg"
    svg.write_text(SVG.format("/somewhere/.venv/bin/py-spy record --pid 1 --output /x.svg"))
    retitle(svg, "gateway CPU (make profile)")
    assert svg.read_text() == SVG.format("gateway CPU (make profile)")


def test_the_kept_flame_graphs_name_no_path_of_a_machine() -> None:
    kept = sorted((ROOT / "docs" / "profiles").glob("*.svg"))
    assert kept
    for svg in kept:
        text = svg.read_text(encoding="utf-8")
        title = re.search(r'<text id="title"[^>]*>([^<]*)</text>', text)
        assert title is not None, svg.name
        assert "make profile" in title.group(1), svg.name
        assert not re.search(r"(?<![\w.])/(work|root|home|tmp|usr|opt)/", text), svg.name
