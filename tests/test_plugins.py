"""Each extension point, exercised by the tiny example plug-in in tests/plugin_example."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
import yaml

from sib_nlp.config import Settings
from sib_nlp.io.readers import READERS
from sib_nlp.nlp.loader import add_project_components
from sib_nlp.plugins import load_plugins, register_detector
from sib_nlp.themes.embedders import EMBEDDERS, make_embedder

PLUGIN_DIR = Path(__file__).parent / "plugin_example"


@pytest.fixture()
def plugin(monkeypatch):
    """The example plug-in 'installed' (its folder with the .dist-info on sys.path) and loaded."""
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    loaded = load_plugins(force=True)
    yield loaded
    READERS.pop(".regels", None)
    EMBEDDERS.pop("woordhash", None)
    monkeypatch.undo()
    load_plugins(force=True)


def _blank(settings: Settings):
    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    return add_project_components(nlp, settings=settings)


def test_entry_points_of_all_three_groups_are_found(plugin):
    assert plugin == {
        "sib_nlp.readers": ["regels"],
        "sib_nlp.embedders": ["woordhash"],
        "sib_nlp.detectors": ["jargon"],
    }


def test_a_plugin_reader_is_used_by_ingest_and_its_bad_lines_are_quarantined(plugin, settings, tmp_path):
    from sib_nlp.io.store import Store
    from sib_nlp.pipeline import ingest_step

    path = tmp_path / "export.regels"
    path.write_text(
        "P1|intake|Ik wil met gemeenten samenwerken aan de opgave.\n"
        "kapotte regel\n"
        "P2|eind|Ik heb veel geleerd van de gesprekken met bewoners.\n",
        encoding="utf-8",
    )
    summary = ingest_step([path], settings)
    assert summary["accepted"] == 2 and summary["quarantined"] == 1
    with Store(settings.store_path, read_only=True) as store:
        q = store.quarantine()
    assert "export.regels" in q.iloc[0]["source_file"] and int(q.iloc[0]["source_row"]) == 2
    assert "deelnemer|moment|tekst" in q.iloc[0]["reason"]


def test_a_plugin_embedder_is_chosen_by_name(plugin):
    emb = make_embedder("woordhash")
    vectors = emb.embed(["samen met de gemeente", "samen met de gemeente", "iets anders"])
    assert vectors.shape == (3, 64)
    assert (vectors[0] == vectors[1]).all() and not (vectors[0] == vectors[2]).all()


def test_a_plugin_detector_runs_in_the_same_stream_before_the_classifier(plugin):
    nlp = _blank(Settings(extra_detectors=("sib_example_jargon_v1",)))
    names = nlp.pipe_names
    assert names.index("sib_signals") < names.index("sib_example_jargon_v1")
    if "sib_signal_classifier" in names:
        assert names.index("sib_example_jargon_v1") < names.index("sib_signal_classifier")
    doc = nlp("We zochten synergie met de provincie. Daarna had ik geen tijd meer.")
    labels = {(s["label"], s["sentence"]) for s in doc._.sib_signals}
    assert ("voorbeeld.jargon", 0) in labels  # the classifier leaves a label it was not trained on alone
    assert ("belemmering", 1) in labels


def test_an_unknown_extra_detector_is_a_clear_error():
    with pytest.raises(ValueError, match="not registered"):
        _blank(Settings(extra_detectors=("sib_nergens_v1",)))
    with pytest.raises(ValueError, match="must look like sib_<name>_v<version>"):
        register_detector("jargon", lambda nlp, name: None)


def test_extra_detectors_setting_reads_a_comma_list():
    assert Settings().with_overrides(extra_detectors="sib_a_v1, sib_b_v2").extra_detectors == ("sib_a_v1", "sib_b_v2")


def test_a_new_codebook_label_is_picked_up_without_code_changes(tmp_path):
    from sib_nlp.signals.codebook import DEFAULT_CODEBOOK

    data = yaml.safe_load(DEFAULT_CODEBOOK.read_text(encoding="utf-8"))
    data["labels"]["leren.experimenteren"] = {
        "naam": "Experimenteren",
        "definitie": "Iets nieuws uitproberen in het eigen werk.",
        "patronen": [{"p": "uitgeprobeerd", "w": 0.9}, {"p": "experiment*", "w": 0.8}],
    }
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    nlp = _blank(Settings(codebook=path, signal_model="none"))
    doc = nlp("Ik heb een nieuwe werkvorm uitgeprobeerd.")
    assert "leren.experimenteren" in {s["label"] for s in doc._.sib_signals}


@pytest.mark.slow
def test_a_plugin_embedder_drives_the_themes_and_switching_embedders_refits(plugin, settings, tmp_path):
    import json

    from sib_nlp.pipeline import analyse_step, ingest_step

    path = tmp_path / "export.regels"
    lines = [
        f"P{i}|intake|Ik werk samen met de gemeente aan {t}. Ik heb geleerd om eerst te luisteren."
        for i, t in enumerate(["wonen", "water", "energie", "jeugdzorg", "onderwijs", "mobiliteit"])
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest_step([path], settings)
    first = analyse_step(settings.with_overrides(embedder="woordhash"))
    assert first["themes"]["embedder"] == "woordhash-64"
    current = json.loads((settings.themes_dir / "current.json").read_text(encoding="utf-8"))["model"]
    again = analyse_step(settings.with_overrides(embedder="woordhash"))
    assert json.loads((settings.themes_dir / "current.json").read_text(encoding="utf-8"))["model"] == current
    assert again["themes"]["cache_misses"] == 0  # embeddings came from the store
    analyse_step(settings.with_overrides(embedder="tfidf"))
    assert json.loads((settings.themes_dir / "current.json").read_text(encoding="utf-8"))["model"] != current
