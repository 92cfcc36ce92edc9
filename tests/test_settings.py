"""The settings table: environment and overrides are honoured, and the docs mention every setting."""
from pathlib import Path

import pytest

from councilgraph.settings import SETTINGS, load_settings

DOCS = Path(__file__).resolve().parent.parent / "docs" / "settings.md"


def test_defaults_environment_and_overrides():
    env = {"COUNCILGRAPH_SEARCH_ENGINE": "tantivy", "COUNCILGRAPH_SPARQL_TIMEOUT": "2.5", "COUNCILGRAPH_DATA": "/tmp/x"}
    values = load_settings({"port": 9001}, environ=env)
    assert values["search_engine"] == "tantivy"
    assert values["sparql_timeout"] == 2.5
    assert values["data_dir"] == "/tmp/x"
    assert values["port"] == 9001
    assert load_settings(environ={})["search_engine"] == "whoosh"


def test_unknown_override_is_refused():
    with pytest.raises(KeyError, match="unknown setting"):
        load_settings({"no_such_setting": 1}, environ={})


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_docs_mention_every_setting(setting):
    assert f"`{setting.name}`" in DOCS.read_text(encoding="utf-8")


def test_docs_are_the_generated_table():
    from councilgraph.settings import settings_markdown

    assert DOCS.read_text(encoding="utf-8") == settings_markdown(), "run: python -m councilgraph.settings > docs/settings.md"
