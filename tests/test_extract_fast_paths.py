"""The fast forms of text scans agree with the plain regexes they replace, on generated text.

Each fast path (a literal test before a regex, a regex that starts on a character class, a scan
from each "@" or look-alike) must find exactly what the plain form finds; hypothesis builds text
from the fragments that matter to each scan.
"""
from __future__ import annotations

import re
import sys
import time

from hypothesis import given, settings, strategies as st

from graph import clean
from graph.extract.attendance import parse_declarations
from graph.extract.council import gov_uk_domains
from graph.extract.meetings import _ACRONYM
from graph.extract.resolutions import WEB_FURNITURE, blank_web_furniture
from graph.extract.segments import one_line
from graph.records import MeetingRef


def texts(*fragments: str, max_size: int = 30) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(fragments), max_size=max_size).map("".join)


@settings(max_examples=400, deadline=None)
@given(texts("PDF", "pdf", "Pdf", " ", "12", ".5", "KB", "mb", " icon", "View", "view", "VIEW", " directions",
             " the reasons why item", " 5 ", "was not considered", ".", " the background to item", "\n", "x",
             "_", "1", "\t", "Overview", "é"))
def test_web_furniture_blanked_as_the_plain_substitution_does(text):
    assert blank_web_furniture(text) == WEB_FURNITURE.sub(lambda m: " " * len(m.group(0)), text)


def test_only_p_and_v_fold_to_p_and_v():
    # blank_web_furniture looks for furniture at word-initial P/p/V/v only
    every_character = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    assert set(re.findall("p|v", every_character, re.I)) == set("pPvV")


@settings(max_examples=400, deadline=None)
@given(texts("a", "b", ".", "+", "-", "@", "x", "sefton", ".gov.uk", ".GOV.UK", " ", "\n", "é", "_", "1", "@@",
             ".gov.ukx", ".gov", "ſ"))
def test_gov_uk_domains_as_the_address_regex_finds_them(text):
    plain = re.compile(r"[\w.+-]+@([a-z0-9-]+)\.gov\.uk\b", re.I)
    assert list(gov_uk_domains(text)) == [m.group(1) for m in plain.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u3000ab.", max_size=40))
def test_one_line_is_whitespace_runs_squeezed_and_stripped(text):
    assert one_line(text) == re.sub(r"\s+", " ", text).strip()


@settings(max_examples=300, deadline=None)
@given(texts("SEND", "A&E", "CS/S", "ABC", "A", "B", "x", "Ab", " ", "&", "/", "_", "1", "É", "é", "-"))
def test_acronym_regex_finds_what_the_word_boundary_form_finds(text):
    assert _ACRONYM.findall(text) == re.findall(r"\b[A-Z][A-Z&/]+[A-Z]\b|\b[A-Z]{2,}\b", text)


@settings(max_examples=300, deadline=None)
@given(texts("1", "23", "5", " th", " st", " ST", "nd", "rd", " ", "\u00a0", "^{nd}", "^{nα}", "<sup>rd</sup>", "a",
             "_", "x1", "\n"))
def test_ordinal_regexes_match_as_the_word_boundary_forms(text):
    spaced = re.compile(r"\b(\d{1,2})[ \u00a0]+(st|nd|rd|th|ST|ND|RD|TH)\b")
    superscript = re.compile(r"\b(\d{1,2})\s*(?:\^\{[^}\n]{1,4}\}|<sup>[^<\n]{1,4}</sup>)")
    assert [m.span() for m in clean._SPACED_ORDINAL.finditer(text)] == [m.span() for m in spaced.finditer(text)]
    assert [m.span() for m in clean._SUPERSCRIPT_ORDINAL.finditer(text)] == \
        [m.span() for m in superscript.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(texts("1", "23", "5", "123", " th", " ST", "nd", " ", "\t", "\n", "\u00a0", "\u2003", "^{nd}", "^{nα}", "^{}",
             "<sup>rd</sup>", "<sup>", "a", "_", "x1"))
def test_ordinals_normalised_as_the_plain_substitutions_do(text):
    superscript = re.compile(r"\b(\d{1,2})\s*(?:\^\{[^}\n]{1,4}\}|<sup>[^<\n]{1,4}</sup>)")
    spaced = re.compile(r"\b(\d{1,2})[ \u00a0]+(st|nd|rd|th|ST|ND|RD|TH)\b")

    def join(m: re.Match[str]) -> str:
        n, suffix = m.group(1), m.group(2)
        if suffix.lower() != clean.ordinal_suffix(int(n)) or (suffix.isupper() and suffix.lower() == "st"):
            return m.group(0)
        return n + suffix

    plain = superscript.sub(lambda m: m.group(1) + clean.ordinal_suffix(int(m.group(1))), text)
    assert clean.normalise_ordinals(text) == spaced.sub(join, plain)


@settings(max_examples=400, deadline=None)
@given(texts("abc", "XY", "é", "ÿ", " ", "\t", "\n", "а", "е", "о", "α", "Ν", "ж", "Assuranc е", "1", "_", "-"))
def test_lookalikes_fixed_as_a_word_by_word_pass_does(text):
    latin = clean._LATIN_LETTER
    lookalikes = clean._LOOKALIKE_CLASS
    detached = re.compile(rf"(?<=[{latin}]{{2}})[ \t]([{lookalikes}]{{1,2}})(?![\w{lookalikes}])")

    def word_by_word(t: str) -> str:
        t = detached.sub(lambda m: m.group(1), t)

        def fix(m: re.Match[str]) -> str:
            word = m.group(0)
            if not re.search(f"[{lookalikes}]", word) or not re.search(f"[{latin}]", word):
                return word
            return word.translate(clean._TO_LATIN)
        return clean._MIXED_WORD.sub(fix, t)

    assert clean.fix_lookalikes(text) == word_by_word(text)


def test_declaration_without_a_full_stop_after_it_is_not_quadratic():
    text = "Councillor Smith declared a personal interest " + "word " * 20000
    started = time.process_time()
    found, _ = parse_declarations(text, meeting=MeetingRef("C", "2024-06-04"), document="d", pages=None)
    assert found == [] and time.process_time() - started < 1.0  # the plain scan took about a minute
    [declaration], _ = parse_declarations(text + ". Next", meeting=MeetingRef("C", "2024-06-04"), document="d",
                                          pages=None)
    assert declaration.person.full == "Smith"
