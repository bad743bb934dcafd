"""Rebuild the bundled training data of models/data/.

* ``sample_indicators.csv`` from samples/*.txt with the real parser (tier and sub-tier AS FILED,
  see models.labels.labels_from_documents);
* ``sample_corrections.csv``: a copy of the reviewers' verdicts labels/sample_corrections.csv,
  checked against the regenerated rows (stale ones are an error);
* ``corpus_indicators.csv`` from a corpus of real indicators of many sectors and provinces
  (JSON lines with ``source, sector, tier, sub, name, value``; ``tier``/``sub`` the canonical form of
  what the table printed, null where it printed none of ours).

Run from the repository root: ``.venv/bin/python models/data/regenerate.py [--corpus FILE]``
(default corpus: ``../shared/corpus/indicators.jsonl`` next to the checkout). Output is a pure
function of the inputs (file order kept), so the default model's build is deterministic.

Which corpus rows are kept: a row needs a name and a tier or sub-tier it is filed under. A row
whose filed tier contradicts its filed sub-tier (an R04 error, e.g. 经济效益 under 产出) is left out,
as in the samples: the label itself is in doubt. A row with a tier but no sub-tier is kept as a
tier-only row (scored at tier level, never fitted on). Rows filed under 投入/过程/管理 tiers
(evaluation-framework tiers, tier null) label nothing we predict and are left out.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
from pathlib import Path

from models.labels import (
    BUNDLED_CORPUS,
    BUNDLED_CORRECTIONS,
    BUNDLED_TRAINING,
    CORPUS_GROUP_PREFIX,
    apply_corrections,
    labels_from_documents,
    read_corpus,
    read_corrections,
    write_labels_csv,
)
from nlp.normalize import SUB_PARENT, canonical_sub, canonical_tier, clean_cell
from nlp.parse import parse_text

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "indicators.jsonl"

#: coarse sector names for the evaluation's per-sector table: the corpus describes each source's sector
#: in free text ("health (基本公卫)", "水利(水旱灾害防御)"); its first word is mapped to one Chinese name
_SECTOR_WORDS = {
    "health": "卫生健康", "education": "教育", "student": "教育", "culture": "文化", "culture/heritage": "文化",
    "science": "科技", "工信/科技": "科技", "procuratorate": "政法", "courts": "政法", "township": "乡镇",
    "general/common": "通用", "general": "通用", "sports": "体育", "archives": "档案", "civil": "民政",
    "veterans": "退役军人", "disabled": "残联", "market": "市场监管", "emergency": "应急", "statistics": "统计",
    "human": "人社", "urban": "城管", "交通运输": "交通运输", "水利": "水利", "林业": "林业", "自然资源": "自然资源",
    "商务": "商务", "发展改革": "发展改革", "农业": "农业农村", "农业农村": "农业农村", "农业/渔业": "农业农村",
    "畜牧": "农业农村", "乡村振兴": "乡村振兴", "乡村振兴/扶贫": "乡村振兴",
}


def coarse_sector(raw: str) -> str:
    """The coarse sector of a corpus source's free-text sector (its first word, mapped; else that word)."""
    first = re.split(r"[\s(（]", raw.strip(), maxsplit=1)[0]
    return _SECTOR_WORDS.get(first) or _SECTOR_WORDS.get(first.split("/")[0]) or first or "其他"


def corpus_rows(path: Path) -> tuple[list[list[str]], int]:
    """CSV rows (group, line, sector, name, desc, value, tier, sub) of the usable corpus rows, and how many were left out."""
    out, skipped = [], 0
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        r = json.loads(line)
        name = clean_cell(r.get("name") or "")
        tier = canonical_tier(r["tier"]) if r.get("tier") else None
        sub = canonical_sub(r["sub"]) if r.get("sub") else None
        if tier == "成本":
            sub = sub or "成本"
        usable = bool(name) and (tier or sub) and (sub is None or tier is None or tier == SUB_PARENT[sub] or tier == "成本")
        if not usable:
            skipped += 1
            continue
        out.append([CORPUS_GROUP_PREFIX + r["source"], str(lineno), coarse_sector(r.get("sector") or ""), name, "",
                    clean_cell(str(r["value"])) if r.get("value") is not None else "", tier or SUB_PARENT[sub], sub or ""])
    return out, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the corpus JSONL (default: %(default)s)")
    args = parser.parse_args()
    here = Path(__file__).resolve().parent
    docs = [parse_text(p.read_text(encoding="utf-8"), file=p.name) for p in sorted((ROOT / "samples").glob("*.txt"))]
    rows = labels_from_documents(docs)
    out = here / BUNDLED_TRAINING
    with out.open("w", encoding="utf-8") as f:
        write_labels_csv(rows, f)
    print(f"{len(rows)} labelled indicators from {len(docs)} documents -> {out}")
    source = ROOT / "labels" / BUNDLED_CORRECTIONS
    corrections = read_corrections(source)
    apply_corrections(rows, corrections, source=str(source))  # raises if any verdict no longer matches its row
    shutil.copyfile(source, out.with_name(BUNDLED_CORRECTIONS))
    n = sum(c.verdict == "corrected" for c in corrections)
    print(f"{len(corrections)} adjudicated rows ({n} corrected) -> {out.with_name(BUNDLED_CORRECTIONS)}")
    kept, skipped = corpus_rows(args.corpus)
    corpus_out = here / BUNDLED_CORPUS
    with corpus_out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["group", "line", "sector", "name", "desc", "value", "tier", "sub"])
        w.writerows(kept)
    check = read_corpus(corpus_out)  # the bundled reader accepts every row written
    n_sources = len({r.group for r in check})
    n_tier_only = sum(r.sub is None for r in check)
    print(f"{len(check)} corpus rows from {n_sources} sources ({n_tier_only} tier-only; {skipped} left out) -> {corpus_out}")


if __name__ == "__main__":
    main()
