"""Spreadsheet cell values as the spreadsheet displays them, from the value and its number format.

A performance table keeps its meaning in the displayed text: a percentage
cell stores 0.95 and shows ``95%``, a date cell stores a serial number and
shows ``2024年5月15日``, an amount shows ``1,200.00``. :func:`display` applies
the common parts of Excel's number-format language: the first section of the
format, percent scaling, fixed decimals, thousands separators, quoted or
escaped literal text (``0"万元"``), scientific notation and date/time codes.
Colours, conditions, locale tags (``[$-804]``), padding (``_x``) and fill
(``*x``) change nothing that is read and are dropped. ``General`` shows a
number with up to 15 significant digits and no trailing zeros.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["display", "is_date_format"]

_BRACKETS = re.compile(r"\[[^\]]*\]")
_NUMBER = re.compile(r"[0#?][0#?,]*(?:\.[0#?]*)?(?:[Ee][+-][0#]+)?|\.[0#?]+")
_DATE_CODES = re.compile(r"[ymdhs]", re.IGNORECASE)


def _sections(fmt: str) -> list[str]:
    """Split on ``;`` outside quotes."""
    out, cur, quoted = [], [], False
    for ch in fmt:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def _tokens(section: str) -> list[tuple[bool, str]]:
    """(is_literal, text) pieces: quoted text and ``\\x`` escapes are literal; ``_x`` / ``*x`` are dropped."""
    section = _BRACKETS.sub("", section)
    out: list[tuple[bool, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            out.append((True, section[i + 1 : end]))
            i = end + 1
        elif ch == "\\" and i + 1 < len(section):
            out.append((True, section[i + 1]))
            i += 2
        elif ch in "_*" and i + 1 < len(section):
            i += 2
        else:
            out.append((False, ch))
            i += 1
    return out


def is_date_format(fmt: str | None) -> bool:
    """Whether the format shows a date or time (codes y m d h s outside quotes and brackets)."""
    if not fmt or fmt == "General":
        return False
    code = "".join(t for lit, t in _tokens(_sections(fmt)[0]) if not lit)
    if "general" in code.lower():
        return False
    return bool(_DATE_CODES.search(code)) and not re.search(r"[0#?]", re.sub(r"\.0+", "", code))


def _general(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def display(value: object, fmt: str | None) -> str:
    """The text a spreadsheet shows for ``value`` under number format ``fmt``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return _date(value, fmt)
    if isinstance(value, (int, float)):
        return _number(float(value), fmt)
    return str(value)


def _number(value: float, fmt: str | None) -> str:
    if not fmt or fmt in ("General", "@"):
        return _general(value)
    sections = _sections(fmt)
    section = sections[0]
    if value < 0 and len(sections) > 1 and sections[1].strip():
        section, value, sign = sections[1], -value, ""  # the negative section prints its own sign
    else:
        sign = "-" if value < 0 else ""
        value = abs(value)
    chars = [(lit, ch) for lit, text in _tokens(section) for ch in text]
    code = "".join("\x00" if lit else ch for lit, ch in chars)
    value *= 100 ** code.count("%")
    general = code.lower().find("general")
    if general >= 0:
        span = (general, general + len("general"))
        shown = _general(value)
    else:
        match = _NUMBER.search(code)
        if match is None:  # literal text only: Excel shows the text
            return "".join(ch for _, ch in chars) or _general(value)
        span = match.span()
        spec = match.group()
        exponent = re.search(r"[Ee][+-]", spec)
        mantissa = spec[: exponent.start()] if exponent else spec
        decimals = len(mantissa.split(".", 1)[1]) if "." in mantissa else 0
        if exponent:
            shown = f"{value:.{decimals}E}"
        elif "," in mantissa:
            shown = f"{value:,.{decimals}f}"
        else:
            shown = f"{value:.{decimals}f}"
    before = _literal(chars[: span[0]])
    after = _literal(chars[span[1] :])
    return f"{sign}{before}{shown}{after}"


def _literal(chars: list[tuple[bool, str]]) -> str:
    """The displayed text of format characters outside the number: literals kept, placeholders dropped."""
    return "".join(ch for lit, ch in chars if lit or ch not in "0#?,")


def _date(value: dt.date | dt.time, fmt: str | None) -> str:
    if not fmt or fmt == "General" or not is_date_format(fmt):
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    pieces = _tokens(_sections(fmt)[0])
    out: list[str] = []
    code_run: list[str] = []

    def flush() -> None:
        if code_run:
            out.append(_date_code("".join(code_run), value))
            code_run.clear()

    for lit, text in pieces:
        if lit:
            flush()
            out.append(text)
        else:
            code_run.append(text)
    flush()
    return "".join(out)


_DATE_TOKEN = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|\.0+|.", re.IGNORECASE)


def _date_code(code: str, value: dt.date | dt.time) -> str:
    tokens = _DATE_TOKEN.findall(code)
    out: list[str] = []
    for i, tok in enumerate(tokens):
        low = tok.lower()
        prev = next((t.lower() for t in reversed(tokens[:i]) if t.strip() and t.lower()[0] in "ymdhs"), "")
        nxt = next((t.lower() for t in tokens[i + 1 :] if t.strip() and t.lower()[0] in "ymdhs"), "")
        minute = low in ("m", "mm") and (prev.startswith("h") or nxt.startswith("s"))
        d = value if isinstance(value, dt.date) else None
        t = value if isinstance(value, dt.time) else value.time() if isinstance(value, dt.datetime) else None
        if low == "yyyy" and d:
            out.append(f"{d.year:04d}")
        elif low == "yy" and d:
            out.append(f"{d.year % 100:02d}")
        elif minute and t is not None:
            out.append(f"{t.minute:02d}" if low == "mm" else str(t.minute))
        elif low in ("mmmm", "mmm") and d:
            out.append(d.strftime("%B" if low == "mmmm" else "%b"))
        elif low == "mm" and d:
            out.append(f"{d.month:02d}")
        elif low == "m" and d:
            out.append(str(d.month))
        elif low in ("dddd", "ddd") and d:
            out.append(d.strftime("%A" if low == "dddd" else "%a"))
        elif low == "dd" and d:
            out.append(f"{d.day:02d}")
        elif low == "d" and d:
            out.append(str(d.day))
        elif low in ("hh", "h") and t is not None:
            out.append(f"{t.hour:02d}" if low == "hh" else str(t.hour))
        elif low in ("ss", "s") and t is not None:
            out.append(f"{t.second:02d}" if low == "ss" else str(t.second))
        elif low in ("am/pm", "a/p") or low.startswith("."):
            continue
        else:
            out.append(tok)
    return "".join(out)
