"""The documentation builds offline, and the pages generated from data are up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sib_nlp.signals.codebook import load_codebook, render_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_codebook_page_is_the_rendering_of_the_codebook():
    page = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    assert page == render_markdown(load_codebook()), "run: python scripts/render_codebook.py"
    for label in load_codebook().labels.values():
        assert f"`{label.id}`" in page


def test_docs_site_builds_strictly_offline(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for page in ("getting-started", "architecture", "extending", "api", "codebook", "signals"):
        assert (tmp_path / "site" / page / "index.html").is_file()


def test_every_command_in_the_readme_and_docs_exists():
    """Each `sib-nlp <command>` in backticks or at the start of a code line is a real command."""
    import re

    from typer.testing import CliRunner

    from pipelines.cli import app

    help_text = CliRunner().invoke(app, ["--help"]).output
    # skip global options (--config FILE, --store FILE, -v) before the command
    pattern = re.compile(
        r"(?:`|^\s*(?:\$ )?)sib-nlp (?:(?:--config|--store|--pipeline) \S+ |-v |--verbose |--debug )*([a-z][a-z-]*)"
    )
    commands = set()
    for md in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for line in md.read_text(encoding="utf-8").splitlines():
            commands.update(pattern.findall(line))
    assert {"evaluate", "train-signals", "export-annotations"} <= commands
    missing = sorted(c for c in commands if c not in help_text)
    assert not missing, f"commands named in the docs but not in `sib-nlp --help`: {missing}"
