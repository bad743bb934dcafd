"""Seeded synthetic benchmark corpus built from the real rows of the bundled samples.

Two products, both deterministic for a given seed and sample set:

``docs``
    Synthetic disclosures written in the real layouts (see :class:`Style`): new
    departments (place × bureau) and years 2019–2026, project names / codes /
    budgets recombined from the real projects, and every indicator row a real
    row of the samples (tier / sub-tier structure borrowed from a real project).
    Documents are streamed to disk one at a time (bounded memory) and a
    ``manifest.json`` records each document's expected project and indicator counts.

``indicators``
    A JSONL file of labelled indicator records (one per line) drawn the same way,
    with light perturbation of values and years; fields are documented in
    ``bench/README.md``.

The real rows come from :func:`nlp.parse.parse_text` over ``samples/*.txt``;
rows the parser marked uncertain and documents in the garbled layout are not used.

Usage::

    python bench/corpus.py docs --projects 10000 --seed 0 --out bench/out/corpus
    python bench/corpus.py indicators --n 1000000 --seed 0 --out bench/out/indicators.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path

from nlp.records import Layout, ParsedDocument, project_id

__all__ = [
    "DocSummary",
    "Pool",
    "PoolProject",
    "PoolRow",
    "Style",
    "SynthDoc",
    "SynthProject",
    "SynthRow",
    "build_pool",
    "iter_indicator_records",
    "load_pool",
    "plan_documents",
    "render_document",
    "write_corpus",
    "write_indicators",
]

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "samples"

# ---------------------------------------------------------------- the pool of real material


@dataclass(frozen=True)
class PoolRow:
    """One real indicator row, cells as the parser read them."""

    tier: str
    sub: str
    tier_raw: str
    sub_raw: str
    name: str
    desc: str
    value: str
    basis: str
    src: str  #: "file:line" it was read from


@dataclass(frozen=True)
class PoolProject:
    """The parts of a real project that are recombined (never its rows)."""

    name: str
    budget_wan: float | None
    funds_use: str
    targets: str
    spending_plan: tuple[tuple[str, str], ...]
    #: the project's table structure: (tier, sub, printed tier label) per row
    shape: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Pool:
    rows_by_sub: dict[str, tuple[PoolRow, ...]]
    projects: tuple[PoolProject, ...]

    @property
    def n_rows(self) -> int:
        return sum(len(v) for v in self.rows_by_sub.values())


#: text that would read as structure if it appeared inside a cell
_UNSAFE = re.compile(r"绩效目标表|\t|\n|^一级指标$")


def _safe(*cells: str) -> bool:
    return not any(_UNSAFE.search(c) for c in cells)


def build_pool(docs: Iterable[ParsedDocument]) -> Pool:
    """Collect usable real rows and project material from parsed documents.

    A row is used when it has a canonical tier and sub-tier, a name, nothing
    uncertain, and no cell that would read as table structure. Garbled-layout
    documents are skipped as a whole.
    """
    by_sub: dict[str, list[PoolRow]] = defaultdict(list)
    projects: list[PoolProject] = []
    for doc in docs:
        if doc.document.layout is Layout.GARBLED:
            continue
        for p in doc.projects:
            shape: list[tuple[str, str, str]] = []
            for ind in p.indicators:
                if ind.uncertain or ind.tier is None or ind.sub is None or not ind.name:
                    continue
                if not _safe(ind.tier_raw, ind.sub_raw, ind.name, ind.desc, ind.value, ind.basis):
                    continue
                by_sub[ind.sub].append(
                    PoolRow(ind.tier, ind.sub, ind.tier_raw, ind.sub_raw, ind.name, ind.desc,
                            ind.value, ind.basis, f"{doc.document.file}:{ind.line}")
                )
                shape.append((ind.tier, ind.sub, ind.tier_raw))
            if shape and p.name and _safe(p.name, p.funds_use, p.targets):
                projects.append(PoolProject(p.name, p.budget_wan, p.funds_use, p.targets,
                                            tuple(p.spending_plan), tuple(shape)))
    if not projects:
        raise ValueError("no usable project tables in the given documents")
    return Pool({k: tuple(v) for k, v in sorted(by_sub.items())}, tuple(projects))


def load_pool(samples_dir: Path = SAMPLES_DIR) -> Pool:
    """Parse every ``*.txt`` in ``samples_dir`` with :func:`nlp.parse.parse_text` and build the pool."""
    from nlp.parse import parse_text  # the parser package; imported late so rendering works without it

    docs = []
    for path in sorted(samples_dir.glob("*.txt")):
        text = path.read_bytes().decode("utf-8-sig")
        docs.append(parse_text(text, file=path.name))
    return build_pool(docs)


# ---------------------------------------------------------------- synthetic records


class Style(str, Enum):
    """The real layouts the renderer imitates (sample file in brackets)."""

    TABBED = "tabbed"  #: tab rows, repeated page-break headers, continuation rows [001]
    CELLS_BOOKMARK = "cells-bookmark"  #: one cell per line, [bookmark: …] titles [002]
    CELLS_TC = "cells-tc"  #: one cell per line, Word TC field-code titles [003]
    CELLS_TWO_SERIES = "cells-two-series"  #: TC titles, 专项资金 + 预算项目 series restarting at 1 [004]
    #: pipe rows with merged 一级/二级 cells dropped and a padding run of pipes (catalogue L01/L02)
    PIPE = "pipe"
    #: one cell per line ending in `` |``, a lone ``|`` for an empty cell, rows closed by ``||`` (L10/L11)
    CELL_LINES = "cell-lines"

    @property
    def layout(self) -> Layout:
        if self in (Style.PIPE, Style.CELL_LINES):
            return Layout.TABLE
        return Layout.TABBED if self is Style.TABBED else Layout.CELLS


@dataclass(frozen=True)
class SynthRow:
    """An indicator row as it should read back: ``tier_raw`` is the group label (inherited)."""

    tier: str
    sub: str
    tier_raw: str
    sub_raw: str
    name: str
    desc: str
    value: str
    basis: str
    src: str


@dataclass(frozen=True)
class SynthProject:
    seq: int
    section: str
    name: str
    code: str
    budget_wan: float
    funds_use: str
    targets: str
    spending_plan: tuple[tuple[str, str], ...]
    rows: tuple[SynthRow, ...]


@dataclass(frozen=True)
class SynthDoc:
    index: int
    file: str
    department: str
    unit_code: str
    year: int
    style: Style
    projects: tuple[SynthProject, ...]

    @property
    def n_indicators(self) -> int:
        return sum(len(p.rows) for p in self.projects)


PLACES = (
    "邯郸市", "巨鹿县", "昌黎县", "霸州市", "魏县", "正定县", "滦州市", "迁安市", "涿州市", "定州市",
    "辛集市", "武安市", "沧县", "献县", "平山县", "赞皇县", "阜平县", "蔚县", "丰宁满族自治县",
    "围场满族蒙古族自治县", "保定市", "石家庄市", "唐山市", "秦皇岛市", "邢台市", "张家口市", "承德市",
    "沧州市", "廊坊市", "衡水市", "临西县", "广宗县", "威县", "南和区", "任丘市", "黄骅市", "三河市",
    "固安县", "故城县", "枣强县", "安平县", "深州市", "晋州市", "新乐市", "鹿泉区", "栾城区",
)
BUREAUS = (
    "人力资源和社会保障局", "教育局", "卫生健康委员会", "民政局", "财政局", "农业农村局",
    "住房和城乡建设局", "交通运输局", "自然资源和规划局", "生态环境局", "水利局", "文化广电和旅游局",
    "应急管理局", "市场监督管理局", "医疗保障局", "退役军人事务局", "科学技术局", "商务局",
    "审计局", "统计局",
)
YEARS = tuple(range(2019, 2027))
_NAME_SUFFIXES = ("专项资金", "补助资金", "配套资金", "工作经费", "专项经费", "经费", "资金", "补助")
_YEAR_PREFIX = re.compile(r"^(?:提前下达)?\d{4}\s*年度?")
_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_DEFAULT_PLAN = (("3月底", "25%"), ("6月底", "50%"), ("10月底", "75%"), ("12月底", "100%"))
_TIER_ORDER = {"产出": 0, "成本": 1, "效益": 2, "满意度": 3}


def _stem(name: str) -> tuple[str, str]:
    name = _YEAR_PREFIX.sub("", name).strip()
    for suf in _NAME_SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf) + 1:
            return name[: -len(suf)], suf
    return name, ""


def _project_name(rng: random.Random, pool: Pool, year: int) -> tuple[str, PoolProject]:
    base = rng.choice(pool.projects)
    stem, suf = _stem(rng.choice(pool.projects).name)
    if rng.random() < 0.4:
        suf = rng.choice(_NAME_SUFFIXES)
    prefix = f"{year}年" if rng.random() < 0.2 else ""
    return f"{prefix}{stem}{suf}", base


def _rows_for(rng: random.Random, pool: Pool, shape: tuple[tuple[str, str, str], ...]) -> tuple[SynthRow, ...]:
    """Fill a real table shape with real rows of the same sub-tier; one printed label per tier group."""
    ordered = sorted(shape, key=lambda s: _TIER_ORDER.get(s[0], 9))  # stable: keeps the real order within a tier
    labels: dict[str, str] = {}
    rows = []
    for tier, sub, label in ordered:
        candidates = pool.rows_by_sub.get(sub)
        if not candidates:
            continue
        r = rng.choice(candidates)
        group_label = labels.setdefault(tier, label or r.tier_raw or f"{tier}指标")
        rows.append(SynthRow(tier, sub, group_label, r.sub_raw, r.name, r.desc, r.value, r.basis, r.src))
    return tuple(rows)


def _code(rng: random.Random, region: str, year: int, style: Style) -> str:
    if style is Style.TABBED or style is Style.CELLS_BOOKMARK:
        return f"{region}{year % 100:02d}P00" + "".join(rng.choice(_CODE_CHARS) for _ in range(10))
    if style is Style.CELLS_TC:
        return f"{region}{rng.randrange(100, 999)}" + "".join(rng.choice(_CODE_CHARS) for _ in range(12))
    return f"{region[2:5]}-{rng.randrange(1000, 9999)}-" + "".join(rng.choice(_CODE_CHARS) for _ in range(3)) + "-" + "".join(rng.choice(_CODE_CHARS) for _ in range(4))


def _make_doc(pool: Pool, seed: int, index: int, n_projects: int, styles: tuple[Style, ...] | None) -> SynthDoc:
    rng = random.Random(f"jixiao-corpus:{seed}:{index}")
    place, bureau = rng.choice(PLACES), rng.choice(BUREAUS)
    year = rng.choice(YEARS)
    style = rng.choice(tuple(Style))
    if styles:
        style = styles[index % len(styles)]
    region = "13" + f"{rng.randrange(0, 10000):04d}"
    unit_code = f"{rng.randrange(100, 999)}{rng.randrange(1, 20):03d}"
    split = n_projects // 3 if style is Style.CELLS_TWO_SERIES and n_projects >= 4 else 0
    projects = []
    for i in range(n_projects):
        section, seq = ("专项资金", i + 1) if i < split else ("预算项目", i + 1 - split)
        name, base = _project_name(rng, pool, year)
        shape = rng.choice(pool.projects).shape
        rows = _rows_for(rng, pool, shape)
        budget = base.budget_wan if base.budget_wan else 10.0
        budget = round(budget * rng.uniform(0.5, 2.0), 2) or 0.01
        plan = base.spending_plan if len(base.spending_plan) in (3, 4) else _DEFAULT_PLAN
        projects.append(SynthProject(seq, section, name, _code(rng, region, year, style), budget,
                                     base.funds_use, base.targets, plan, rows))
    file = f"{index:05d}_{hashlib.sha1(f'{seed}:{index}'.encode()).hexdigest()[:12]}.txt"
    return SynthDoc(index, file, place + bureau, unit_code, year, style, tuple(projects))


def plan_documents(
    pool: Pool, *, seed: int, n_projects: int | None = None, n_indicators: int | None = None,
    min_projects: int = 30, max_projects: int = 60, styles: tuple[Style, ...] | None = None,
) -> Iterator[SynthDoc]:
    """Yield synthetic documents lazily until ``n_projects`` projects (or ``n_indicators`` indicators) exist.

    Each document has ``min_projects``–``max_projects`` projects (the last one fewer if needed);
    document ``i`` depends only on ``(seed, i)`` and its project count. ``styles``, if given,
    are used in turn (document ``i`` gets ``styles[i % len(styles)]``); otherwise each is drawn.
    """
    if (n_projects is None) == (n_indicators is None):
        raise ValueError("give exactly one of n_projects or n_indicators")
    made_p = made_i = 0
    index = 0
    size_rng = random.Random(f"jixiao-corpus-sizes:{seed}")
    while (n_projects is not None and made_p < n_projects) or (n_indicators is not None and made_i < n_indicators):
        k = size_rng.randint(min_projects, max_projects)
        if n_projects is not None:
            k = min(k, n_projects - made_p)
        doc = _make_doc(pool, seed, index, k, styles)
        made_p += len(doc.projects)
        made_i += doc.n_indicators
        index += 1
        yield doc


# ---------------------------------------------------------------- rendering

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _split_points(text: str) -> list[int]:
    """Positions where a cell can be broken over two lines and rejoined without a separator."""
    return [i for i in range(2, len(text) - 1) if _CJK.match(text[i - 1]) and _CJK.match(text[i])]


def _plan_line(plan: tuple[tuple[str, str], ...]) -> tuple[str, str, str | None]:
    """The two (or three) tab rows of a 资金支出计划 block as printed in sample 001."""
    labels = "".join(f"{lab}\t\t" for lab, _ in plan[:3])[:-1]
    values = "".join(f"{pct}\t\t" for _, pct in plan[:3])[:-1]
    extra = f"{plan[3][0]}\t{plan[3][1]}\t\t\t\t\t" if len(plan) > 3 else None
    return labels, values, extra


_HEADER7 = "一级指标\t二级指标\t三级指标\t绩效指标描述\t\t指标值\t指标值确定依据"
_HEADER6 = "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据"


def _render_tabbed(doc: SynthDoc, rng: random.Random) -> Iterator[str]:
    yield ""
    yield ""
    yield f"{doc.year} 年部门预算信息公开目录"
    yield ""
    yield "部门预算公开表"
    yield ""
    yield "部门预算收支总表"
    yield ""
    yield f"{doc.unit_code} {doc.department}"
    yield ""
    yield f"预算年度：{doc.year}"
    yield ""
    yield "单位：万元"
    yield ""
    yield "六、部门项目预算安排情况及绩效目标"
    yield ""
    page_left = rng.randint(25, 50)
    for p in doc.projects:
        yield f"{p.seq}、{p.name}绩效目标表"
        yield ""
        yield "单位：万元"
        yield ""
        yield f"项目编码\t{p.code}\t\t项目名称\t{p.name}\t\t"
        sep = " " if rng.random() < 0.5 else ""
        yield f"预算规模及{sep}资金用途\t预算数\t{p.budget_wan:.2f}\t其中：财政资金\t{p.budget_wan:.2f}\t其他资金\t"
        yield f"\t{p.funds_use}\t\t\t\t\t"
        labels, values, extra = _plan_line(p.spending_plan)
        yield f"资金支出计划（%）\t{labels}"
        yield f"\t{values}"
        if extra:
            yield extra
        yield f"绩效目标\t{p.targets}\t\t\t\t\t"
        wide = True  # the first page of a table has the 7-column header (empty column after 描述)
        yield _HEADER7
        page_left -= 14
        previous_tier = None
        for k, r in enumerate(p.rows):
            tier_cell = r.tier_raw if r.tier != previous_tier else ""
            previous_tier = r.tier
            mid = "\t\t" if wide else "\t"
            last = k == len(p.rows) - 1
            page_left -= 1
            cont = None
            basis = r.basis
            if page_left <= 0 and not last:
                points = _split_points(basis)
                if points and rng.random() < 0.5:
                    cut = rng.choice(points)
                    basis, cont = basis[:cut], basis[cut:]
            yield f"{tier_cell}\t{r.sub_raw}\t{r.name}\t{r.desc}{mid}{r.value}\t{basis}"
            if page_left <= 0 and not last:
                yield ""
                yield _HEADER6
                wide = False
                if cont is not None:
                    yield f"\t\t\t\t\t{cont}"
                page_left = rng.randint(30, 50)
        yield ""


def _title_cells(doc: SynthDoc, p: SynthProject, n: int) -> str:
    if doc.style is Style.CELLS_BOOKMARK:
        return f"[bookmark: _Toc_4_4_{n:010d}]{p.seq}.{p.name}绩效目标表"
    if doc.style is Style.CELLS_TC:
        return f"{p.seq}.{p.name}绩效目标表 TC {p.seq}、{p.name}绩效目标表 \\f C \\l 1 "
    escaped = p.name.replace("“", "\\“").replace("”", "\\”")
    return f"{p.seq}、{p.name}绩效目标表 TC {p.seq}、{escaped}绩效目标表 \\f {'B' if p.section == '专项资金' else 'C'} \\l 1 "


def _cell_lines(text: str, rng: random.Random, p_wrap: float) -> list[str]:
    """One cell: a tabbed line, sometimes continued on untabbed lines (as Word exports wrapped cells)."""
    points = _split_points(text)
    if points and rng.random() < p_wrap:
        cut = rng.choice(points)
        return [f"\t{text[:cut]}", text[cut:]]
    return [f"\t{text}"]


def _render_cells(doc: SynthDoc, rng: random.Random) -> Iterator[str]:
    yield doc.department
    yield ""
    yield f"{doc.year}年部门预算公开情况说明"
    yield ""
    yield "第二部分"
    yield "预算项目绩效目标"
    yield ""
    section = None
    for n, p in enumerate(doc.projects, start=4):
        if doc.style is Style.CELLS_TWO_SERIES and p.section != section:
            section = p.section
            yield f"{section}绩效目标："
            yield ""
        yield _title_cells(doc, p, n)
        yield "\t" if p.section == "专项资金" else f"\t{doc.unit_code}{doc.department}本级"
        yield "\t单位：万元"
        yield ""
        yield "\t项目编码"
        yield f"\t{p.code}"
        yield "\t专项资金名称" if p.section == "专项资金" else "\t项目名称"
        yield f"\t{p.name}"
        yield ""
        yield "\t预算规模及资金用途"
        yield "\t预算数"
        yield f"\t{p.budget_wan:.2f}"
        yield "\t其中：财政资金"
        yield f"\t{p.budget_wan:.2f}"
        yield "\t其他资金"
        yield "\t "
        yield ""
        yield "\t"
        yield from _cell_lines(p.funds_use, rng, 0.1)
        yield ""
        yield "\t资金支出计划（%）"
        for label, _ in p.spending_plan:
            yield f"\t{label}"
        yield ""
        yield "\t"
        for _, pct in p.spending_plan:
            yield f"\t{pct}"
        yield ""
        yield "\t绩效目标"
        yield from _cell_lines(p.targets, rng, 0.3)
        yield ""
        yield ""
        for h in _HEADER6.split("\t"):
            yield f"\t{h}"
        previous_tier = None
        for r in p.rows:
            yield ""
            tier_cell = r.tier_raw if r.tier != previous_tier else ""
            previous_tier = r.tier
            blank_at = rng.choice((3, 4)) if rng.random() < 0.04 else None
            cells = (tier_cell, r.sub_raw, r.name, r.desc, r.value, r.basis)
            for c, text in enumerate(cells):
                if c == blank_at:
                    yield ""
                if c == 3:  # 描述 is the cell most often wrapped over untabbed lines
                    yield from _cell_lines(text, rng, 0.05)
                else:
                    yield f"\t{text}"
        yield ""
        yield ""


def _table_rows(doc: SynthDoc, p: SynthProject) -> Iterator[list[str]]:
    """The rows of one project's metadata block and indicator table, merged 一级/二级 cells left out."""
    yield ["项目名称", p.name, "项目编码", p.code]
    yield ["主管部门", doc.department, "预算数(万元)", f"{p.budget_wan:.2f}"]
    yield ["年度目标", p.targets]
    yield ["一级指标", "二级指标", "三级指标", "指标解释", "指标值", "指标值确定依据"]
    tier = sub = None
    for r in p.rows:
        cells = [r.name, r.desc, r.value, r.basis]
        if (r.tier_raw, r.sub_raw) != (tier, sub):
            cells.insert(0, r.sub_raw)
            if r.tier_raw != tier:
                cells.insert(0, r.tier_raw)
        tier, sub = r.tier_raw, r.sub_raw
        yield cells


def _render_pipe(doc: SynthDoc, rng: random.Random) -> Iterator[str]:
    yield "当前位置:首页 > 信息公开 > 预算绩效"
    yield f"{doc.year}年度项目支出绩效目标表"
    yield ""
    for p in doc.projects:
        yield f"{p.seq}、{p.name}绩效目标表"
        for cells in _table_rows(doc, p):
            yield " | ".join(cells) + " |" + "|" * rng.randint(1, 4)
        yield ""


def _render_cell_lines(doc: SynthDoc, rng: random.Random) -> Iterator[str]:
    yield "当前位置:首页 > 信息公开 > 预算绩效"
    yield f"{doc.year}年度项目支出绩效目标表"
    for p in doc.projects:
        yield f"{p.seq}、{p.name}绩效目标表 |"
        yield "|" * rng.randint(2, 6)
        for cells in _table_rows(doc, p):
            for cell in cells:
                yield f"{cell} |" if cell else "|"
            yield "|" * rng.randint(2, 6)


def render_document(doc: SynthDoc) -> Iterator[str]:
    """The lines of a document (without line ends), in its style; deterministic per document."""
    rng = random.Random(f"jixiao-render:{doc.file}")
    if doc.style is Style.TABBED:
        return _render_tabbed(doc, rng)
    if doc.style is Style.PIPE:
        return _render_pipe(doc, rng)
    if doc.style is Style.CELL_LINES:
        return _render_cell_lines(doc, rng)
    return _render_cells(doc, rng)


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class DocSummary:
    """One manifest entry: what a correct parser must read back from the file."""

    file: str
    style: str
    layout: str
    department: str
    year: int
    projects: int
    indicators: int
    bytes: int


def _write_doc(doc: SynthDoc, path: Path) -> int:
    size = 0
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for line in render_document(doc):
            data = line + "\n"
            fh.write(data)
            size += len(data.encode("utf-8"))
    return size


def write_corpus(
    pool: Pool, out: Path, *, seed: int, n_projects: int | None = None, n_indicators: int | None = None,
    min_projects: int = 30, max_projects: int = 60, styles: tuple[Style, ...] | None = None,
) -> dict:
    """Write the documents and ``manifest.json`` into ``out`` (created); return the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for doc in plan_documents(pool, seed=seed, n_projects=n_projects, n_indicators=n_indicators,
                              min_projects=min_projects, max_projects=max_projects, styles=styles):
        size = _write_doc(doc, out / doc.file)
        entries.append(DocSummary(doc.file, doc.style.value, doc.style.layout.value, doc.department,
                                  doc.year, len(doc.projects), doc.n_indicators, size))
    manifest = {
        "seed": seed,
        "styles": [s.value for s in (styles or tuple(Style))],
        "pool_rows": pool.n_rows,
        "pool_projects": len(pool.projects),
        "documents": len(entries),
        "projects": sum(e.projects for e in entries),
        "indicators": sum(e.indicators for e in entries),
        "bytes": sum(e.bytes for e in entries),
        "files": [asdict(e) for e in entries],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


# ---------------------------------------------------------------- labelled indicator records

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_YEAR_IN_TEXT = re.compile(r"20[12]\d(?=\s*年)")


def _perturb_value(value: str, rng: random.Random) -> str:
    m = _NUMBER.search(value)
    if not m:
        return value
    raw = m.group()
    num = float(raw) * rng.uniform(0.8, 1.2)
    if "%" in value or "百分比" in value:
        num = min(num, 100.0)
    new = f"{num:.{len(raw.split('.')[1])}f}" if "." in raw else str(max(0, round(num)))
    return value[: m.start()] + new + value[m.end():]


def iter_indicator_records(pool: Pool, *, n: int, seed: int) -> Iterator[dict]:
    """Yield ``n`` labelled indicator records (dicts with the fields documented in bench/README.md)."""
    made = 0
    for doc in plan_documents(pool, seed=seed, n_indicators=n):
        rng = random.Random(f"jixiao-perturb:{seed}:{doc.index}")
        for ordinal, p in enumerate(doc.projects, start=1):
            pid = project_id(doc.file, ordinal)
            for r in p.rows:
                value, name, desc, basis = r.value, r.name, r.desc, r.basis
                perturbed = False
                if rng.random() < 0.3:
                    new = _perturb_value(value, rng)
                    perturbed, value = new != value, new
                if rng.random() < 0.2:
                    y = str(doc.year - rng.randint(0, 1))
                    new_desc, new_basis = _YEAR_IN_TEXT.sub(y, desc), _YEAR_IN_TEXT.sub(y, basis)
                    perturbed = perturbed or (new_desc, new_basis) != (desc, basis)
                    desc, basis = new_desc, new_basis
                yield {
                    "doc": doc.file, "department": doc.department, "year": doc.year,
                    "project_id": pid, "project_name": p.name,
                    "tier": r.tier, "sub": r.sub, "tier_raw": r.tier_raw, "sub_raw": r.sub_raw,
                    "name": name, "desc": desc, "value": value, "basis": basis,
                    "src": r.src, "perturbed": perturbed,
                }
                made += 1
                if made >= n:
                    return


def write_indicators(pool: Pool, out: Path, *, n: int, seed: int) -> int:
    """Stream ``n`` records to ``out`` as JSONL; return the number written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        for rec in iter_indicator_records(pool, n=n, seed=seed):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            count += 1
    return count


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("docs", help="synthetic disclosures in the real layouts + manifest.json")
    size = d.add_mutually_exclusive_group()
    size.add_argument("--projects", type=int, default=None, help="total projects (default 10000)")
    size.add_argument("--indicators", type=int, default=None, help="generate until this many indicators")
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--out", type=Path, required=True, help="output folder")
    d.add_argument("--samples", type=Path, default=SAMPLES_DIR)
    i = sub.add_parser("indicators", help="JSONL of labelled synthetic indicator records")
    i.add_argument("--n", type=int, default=1_000_000)
    i.add_argument("--seed", type=int, default=0)
    i.add_argument("--out", type=Path, required=True, help="output .jsonl file")
    i.add_argument("--samples", type=Path, default=SAMPLES_DIR)
    args = parser.parse_args(argv)

    pool = load_pool(args.samples)
    if args.command == "docs":
        n_projects = args.projects if args.projects is not None or args.indicators is not None else 10_000
        m = write_corpus(pool, args.out, seed=args.seed, n_projects=n_projects, n_indicators=args.indicators)
        print(f"{m['documents']} documents, {m['projects']} projects, {m['indicators']} indicators, "
              f"{m['bytes'] / 1e6:.1f} MB -> {args.out}")
    else:
        n = write_indicators(pool, args.out, n=args.n, seed=args.seed)
        print(f"{n} indicator records -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
