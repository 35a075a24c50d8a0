"""The report in a real headless browser (Debian's chromium): it renders, without console errors."""

import re
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.slow

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SECTIONS = [
    "samenvatting",
    "themas",
    "motivatie",
    "samenwerking",
    "reflectiediepte",
    "veranderverhalen",
    "per-groep",
    "waardering",
    "methode",
    "bijlagen",
]


@pytest.mark.skipif(BROWSER is None, reason="chromium not installed (scripts/install-browser.sh installs it)")
def test_report_renders_in_chromium(demo_run, tmp_path):
    report = demo_run["out"] / "report.html"
    url = report.resolve().as_uri()
    common = [BROWSER, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for section in SECTIONS:
        assert f'id="{section}"' in dom.stdout, section
    assert "<svg" in dom.stdout and "Belangrijkste bevindingen" in dom.stdout
    console = [line for line in dom.stderr.splitlines() if re.search(r"CONSOLE|Uncaught|ERR_FILE_NOT_FOUND", line)]
    assert console == [], console
    shot = demo_run["out"] / "report-screenshot.png"
    snap = subprocess.run(
        [*common, "--window-size=1280,4000", f"--screenshot={shot}", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert snap.returncode == 0 and shot.stat().st_size > 50_000, snap.stderr[-2000:]
