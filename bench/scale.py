"""Scale the sample corpus to N documents by shifting years and renaming people, schools and councils.

    python bench/scale.py 1000 bench/out/docs-1000            # N documents into OUTDIR
    python bench/scale.py 1000 OUTDIR --corpus ../shared/corpus --seed 7 --cohort 8

Document ``i`` is a copy of source document ``i % S`` (S source files), variant ``v = i // S``.
Variants are grouped in cohorts of ``--cohort``: a cohort is one synthetic council whose people
and schools keep the same synthetic names from document to document (as a real archive has the
same councillors at meeting after meeting), while each variant of a cohort is moved back
``4 * (v % cohort)`` years. Shifting by multiples of four keeps 29 February valid (between 1901
and 2099); weekday names are left as printed, so a shifted date may carry the wrong weekday.

Nothing here names a person, school or council of the corpus: the words to rename are found by
running the project's own extraction (``graph.read.read_document`` +
``graph.extract.extract_document``) over the sources and collecting every ``PersonName`` in the
records, every school name and the council name. Each is mapped to a synthetic name built
deterministically from the seed (syllable-built surnames and place words, a list of common given
names), so the scaled documents keep the shapes of real council papers (broken tables, page
furniture, look-alike letters, ordinal dates) that extraction must still parse.
"""
from __future__ import annotations

import argparse
import dataclasses
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"

GIVEN_NAMES = (
    "Alex", "Amy", "Andrew", "Anna", "Ben", "Beth", "Carl", "Claire", "Dan", "Diane", "Ed", "Ella",
    "Frank", "Fiona", "Gary", "Grace", "Harry", "Helen", "Ian", "Isla", "Jack", "Jane", "Karl", "Kate",
    "Leo", "Lucy", "Matt", "Mia", "Neil", "Nina", "Oscar", "Olive", "Paul", "Rose", "Rob", "Ruth",
    "Sam", "Sara", "Tom", "Tess", "Vic", "Wendy", "Will", "Zoe",
)
_ONSETS = ("B", "Br", "C", "Ch", "Cr", "D", "Dr", "F", "G", "Gr", "H", "K", "L", "M", "N", "P", "Pr",
           "R", "S", "Sh", "St", "T", "Th", "Tr", "V", "W", "Wh")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "oo", "ou")
_CODAS = ("b", "ck", "d", "ff", "g", "l", "ll", "m", "n", "nd", "ng", "nt", "r", "rd", "rn", "s", "t", "th", "x")
_SURNAME_ENDS = ("", "", "ley", "ton", "well", "by", "ford", "son", "er", "field", "ham", "wood")
_PLACE_ENDS = ("wick", "bury", "ton", "field", "ham", "dale", "mouth", "worth", "combe", "stead", "thorpe")

# Words of school and council names that say what kind of body it is: kept as printed.
_INSTITUTION_WORDS = {
    "school", "schools", "primary", "infant", "infants", "junior", "juniors", "nursery", "high", "secondary",
    "academy", "college", "catholic", "church", "england", "ce", "c", "e", "of", "rc", "methodist",
    "community", "special", "trust", "free", "sixth", "form", "federation", "st", "saint", "our", "lady",
    "the", "and", "holy", "all", "saints", "council", "metropolitan", "borough", "county", "city",
    "district", "royal", "london", "unitary", "authority", "centre", "unit", "pupil", "referral",
    "learning", "studio", "upper", "lower", "middle", "first", "voluntary", "aided", "controlled",
}
_CALENDAR_WORDS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")
_YEAR = re.compile(r"(?<![\d£$.,])\b((?:19|20)\d\d)\b(?:([/-])(\d\d)\b)?")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_QUOTE_CLASS = "['\u2018\u2019]"


# --- names found by the project's own extraction ------------------------------------------------

@dataclass
class CorpusNames:
    """Names to rename, as extraction gives them (cleaned text)."""

    people: list[tuple[str, ...]] = field(default_factory=list)  # word tuples of full names, given... family
    surnames: set[str] = field(default_factory=set)  # family names (also met alone: ``Councillor X``)
    given: set[str] = field(default_factory=set)
    schools: list[tuple[str, ...]] = field(default_factory=list)  # word tuples of school names
    places: set[str] = field(default_factory=set)  # distinctive words of school and council names
    vocabulary: set[str] = field(default_factory=set)  # lower-case words met in the sources, lower case


def iter_records(value: Any) -> Iterator[Any]:
    """Every dataclass instance reachable from ``value`` (records, nested names, lists of them)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield value
        for f in dataclasses.fields(value):
            yield from iter_records(getattr(value, f.name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from iter_records(item)


def extract_sources(paths: Iterable[Path]) -> list[Any]:
    """Run the project's reader and extractors over the source documents."""
    from graph.extract import extract_document
    from graph.read import read_document

    return [extract_document(read_document(p)) for p in paths]


def collect_names(extractions: Iterable[Any], texts: Iterable[str] = ()) -> CorpusNames:
    """People, schools and council names in the records (every ``PersonName``, ``school`` field, council)."""
    from graph.records import Inspection, PersonName, SchoolOutcome

    names = CorpusNames()
    seen_people: set[tuple[str, ...]] = set()
    seen_schools: set[tuple[str, ...]] = set()
    for extraction in extractions:
        council = getattr(extraction.document, "council", None)
        if council:
            names.places.update(w for w in _WORD.findall(council) if w.lower() not in _INSTITUTION_WORDS)
        for record in iter_records(extraction):
            if isinstance(record, PersonName):
                words = tuple(_WORD.findall(record.full))
                if not words:
                    continue
                if record.surname_only or record.uncertain:
                    names.surnames.update(w for w in words if len(w) > 1)
                    continue
                family = record.family or words[-1]
                names.surnames.update(w for w in _WORD.findall(family) if len(w) > 1)
                if len(words) > 1 and words not in seen_people:
                    seen_people.add(words)
                    names.people.append(words)
                    names.given.update(w for w in words[:-1] if len(w) > 1)
            elif isinstance(record, (Inspection, SchoolOutcome)) and record.school:
                words = tuple(_WORD.findall(record.school))
                if words and words not in seen_schools:
                    seen_schools.add(words)
                    names.schools.append(words)
                    names.places.update(w for w in words if w.lower() not in _INSTITUTION_WORDS and len(w) > 1)
    for text in texts:
        names.vocabulary.update(w for w in _WORD.findall(text) if w.islower())
    names.surnames -= {w for w in names.surnames if w.lower() in _CALENDAR_WORDS}
    names.places -= {w for w in names.places if w.lower() in _CALENDAR_WORDS}
    return names


# --- synthetic names --------------------------------------------------------------------------------

def _syllables(rng: random.Random, ends: tuple[str, ...], parts: int) -> str:
    word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(parts))
    return (word + rng.choice(_CODAS) + rng.choice(ends)).capitalize()


class NameMaker:
    """Deterministic synthetic words for one cohort: the same original word always gets the same name."""

    def __init__(self, seed: int, cohort: int, avoid: set[str]):
        self.seed, self.cohort = seed, cohort
        self.avoid = {w.lower() for w in avoid}
        self.used: dict[str, str] = {}
        self.taken: set[str] = set()

    def _fresh(self, kind: str, word: str, make) -> str:
        key = f"{kind}:{word}"
        if key in self.used:
            return self.used[key]
        for attempt in range(1000):
            rng = random.Random(f"{self.seed}/{self.cohort}/{kind}/{word}/{attempt}")
            name = make(rng)
            if name.lower() not in self.avoid and name.lower() != word.lower() and (
                    name not in self.taken or kind == "given"):
                break
        self.taken.add(name)
        self.used[key] = name
        return name

    def surname(self, word: str) -> str:
        return self._fresh("surname", word, lambda r: _syllables(r, _SURNAME_ENDS, r.choice((1, 1, 2))))

    def given(self, word: str) -> str:
        return self._fresh("given", word, lambda r: r.choice(GIVEN_NAMES))

    def place(self, word: str) -> str:
        return self._fresh("place", word, lambda r: _syllables(r, _PLACE_ENDS, 1))


# --- rewriting a text ----------------------------------------------------------------------------------

def _letter_class(ch: str, lookalikes: dict[str, list[str]]) -> str:
    if ch in "'\u2019\u2018":
        return _QUOTE_CLASS
    alts = lookalikes.get(ch)
    return f"[{re.escape(ch)}{''.join(alts)}]" if alts else re.escape(ch)


def _lookalike_table() -> dict[str, list[str]]:
    """Latin letter -> the look-alike letters PDFs put in its place (from the project's clean-up)."""
    try:
        from graph import clean
    except ImportError:  # pragma: no cover
        return {}
    table: dict[str, list[str]] = {}
    for other, latin in getattr(clean, "_LOOKALIKES", {}).items():
        table.setdefault(latin, []).append(other)
    return table


def _word_pattern(word: str, lookalikes: dict[str, list[str]]) -> str:
    return "".join(_letter_class(ch, lookalikes) for ch in word)


def _canonical(text: str, lookalikes: dict[str, list[str]]) -> str:
    back = {o: latin for latin, others in lookalikes.items() for o in others}
    return "".join(back.get(ch, ch) for ch in text)


@dataclass
class Renamer:
    """One regex pass over a text: full names and school names as phrases, then single words."""

    pattern: re.Pattern[str]
    words: dict[str, str]  # canonical original word -> synthetic word
    lower: dict[str, str]  # lower-case word (emails, file names) -> lower-case synthetic word
    lookalikes: dict[str, list[str]]

    def __post_init__(self) -> None:
        self._word_run = re.compile(rf"[\w{''.join(o for v in self.lookalikes.values() for o in v)}]+")

    def rename(self, text: str) -> str:
        return self.rename_pieces(self.split(text))

    def split(self, text: str) -> list[str]:
        """``text`` cut at the pattern's matches: even items are kept as they are, odd ones are names.

        The pattern depends only on the corpus names, not on a cohort's synthetic words, so a
        source is split once and each cohort only swaps the odd pieces (the slow regex runs once).
        """
        pieces: list[str] = []
        last = 0
        for m in self.pattern.finditer(text):
            pieces += [text[last:m.start()], m.group(0)]
            last = m.end()
        pieces.append(text[last:])
        return pieces

    def rename_pieces(self, pieces: list[str]) -> str:
        """Join pieces from :meth:`split`, each name piece renamed with this renamer's words."""
        def swap(match_text: str) -> str:
            # Keep the separators of the original (newlines and tabs of broken table rows) and
            # change each word of the match on its own.
            def word(w: re.Match[str]) -> str:
                original = w.group(0)
                canonical = _canonical(original, self.lookalikes)
                new = self.words.get(canonical)
                if new is None and canonical.isupper():
                    hit = self.words.get(canonical.capitalize())
                    new = hit.upper() if hit else None
                return new if new is not None else original

            return self._word_run.sub(word, match_text)

        text = "".join(swap(piece) if i % 2 else piece for i, piece in enumerate(pieces))
        return _EMAIL.sub(lambda m: self.rename_lower(m.group(0)), text)

    def rename_lower(self, text: str) -> str:
        """Lower-case words inside e-mail addresses and file names."""
        return re.sub(r"[a-z]+", lambda w: self.lower.get(w.group(0), w.group(0)), text)


def build_renamer(names: CorpusNames, maker: NameMaker) -> Renamer:
    lookalikes = _lookalike_table()
    words: dict[str, str] = {}
    phrases: list[str] = []
    for full in names.people:
        for w in full[:-1]:
            words.setdefault(w, maker.given(w) if w not in names.surnames else maker.surname(w))
        words.setdefault(full[-1], maker.surname(full[-1]))
        phrases.append(r"\s+".join(_word_pattern(w, lookalikes) for w in full))
    for school in names.schools:
        for w in school:
            if w in names.places:
                words.setdefault(w, maker.place(w))
        phrases.append(r"\s+".join(_word_pattern(w, lookalikes) for w in school))
    # Words also met alone: surnames (``Councillor X``, cells of broken rows), distinctive words
    # of school and council names, and given names that are not ordinary words.
    given_alone = {w for w in names.given if w.lower() not in names.vocabulary}
    singles = sorted(names.surnames | names.places | given_alone)
    for w in singles:
        words.setdefault(w, maker.surname(w) if w in names.surnames else
                         maker.place(w) if w in names.places else maker.given(w))
    single_patterns = []
    for w in singles:
        body = _word_pattern(w, lookalikes)
        # A word that is also an ordinary word ("page") is not renamed where it is page furniture
        # ("Page 15"); place words may also be printed in capitals in headings.
        furniture = r"(?! ?\d)" if w.lower() in names.vocabulary else ""
        upper = f"|{_word_pattern(w.upper(), lookalikes)}" if w in names.places and len(w) > 3 else ""
        single_patterns.append(rf"(?<![\w@.\-])(?:{body}{upper})(?![\w\-]){furniture}")
    phrases.sort(key=len, reverse=True)
    alternatives = [rf"(?<![\w@.])(?:{p})(?!\w)" for p in phrases] + single_patterns
    pattern = re.compile("|".join(alternatives) if alternatives else r"(?!x)x")
    lower = {k.lower(): v.lower() for k, v in words.items() if k not in names.given}
    return Renamer(pattern, words, lower, lookalikes)


def shift_years(text: str, delta: int) -> str:
    """Move every four-digit year (and the ``/24`` of ``2023/24``) by ``delta`` years."""
    if delta == 0:
        return text

    def swap(m: re.Match[str]) -> str:
        year = int(m.group(1))
        out = str(year + delta)
        if m.group(2):
            short = int(m.group(3))
            if short == (year + 1) % 100:  # an academic or financial year
                out += m.group(2) + f"{(year + 1 + delta) % 100:02d}"
            else:
                out += m.group(2) + m.group(3)
        return out

    return _YEAR.sub(swap, text)


# --- the scaler ----------------------------------------------------------------------------------------------

def source_paths(corpus: Path) -> list[Path]:
    paths = sorted(corpus.glob("*.txt"))
    if not paths:
        raise SystemExit(f"no .txt documents in {corpus}")
    return paths


def scale_corpus(n: int, outdir: Path, *, corpus: Path = CORPUS, seed: int = 1, cohort: int = 8,
                 names: CorpusNames | None = None) -> list[Path]:
    """Write ``n`` scaled documents into ``outdir``; returns their paths (in order)."""
    sources = source_paths(corpus)
    raw = [p.read_text(encoding="utf-8", errors="replace") for p in sources]
    if names is None:
        names = collect_names(extract_sources(sources), raw)
    avoid = set(names.surnames) | set(names.given) | set(names.places) | set(names.vocabulary)
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    renamers: dict[int, Renamer] = {}
    pieces: list[list[str]] = []
    renamed: dict[tuple[int, int], str] = {}
    for i in range(n):
        s, variant = i % len(sources), i // len(sources)
        group = variant // cohort
        delta = -4 * (variant % cohort)
        if group not in renamers:
            renamers = {group: build_renamer(names, NameMaker(seed, group, avoid))}
            renamed.clear()
        renamer = renamers[group]
        if not pieces:
            pieces = [renamer.split(text) for text in raw]
        if (group, s) not in renamed:
            renamed[(group, s)] = renamer.rename_pieces(pieces[s])
        text = shift_years(renamed[(group, s)], delta)
        stem = shift_years(renamer.rename_lower(sources[s].stem), delta)
        path = outdir / f"{stem}-{i:06d}{sources[s].suffix}"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of documents to write")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of source .txt documents")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cohort", type=int, default=8,
                        help="variants sharing one synthetic council, people and schools (each shifted 4 more years back)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    paths = scale_corpus(args.n, args.outdir, corpus=args.corpus, seed=args.seed, cohort=args.cohort)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} documents ({size / 1e6:.1f} MB) to {args.outdir} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
