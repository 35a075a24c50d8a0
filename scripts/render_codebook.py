"""Write docs/codebook.md from the codebook YAML (a test checks the page is up to date)."""

from pathlib import Path

from sib_nlp.signals.codebook import load_codebook, render_markdown

if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "docs" / "codebook.md"
    out.write_text(render_markdown(load_codebook()), encoding="utf-8")
    print(f"written: {out}")
