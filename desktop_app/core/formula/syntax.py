"""通达信 formula text -> statements of raw expression trees, with line/column on every node.

The grammar is LALR(1) and parsed by ``lark`` with the tree-building callbacks applied *during*
the parse (``transformer=`` on an LALR parser), so no parse tree is walked recursively: a chain
of 10,000 ``+`` cannot overflow Python's stack. Names are kept as written here; the compiler
(``compiler.py``) upper-cases them (通达信 names are case-insensitive) and resolves them.

Syntax errors become positioned Reasons (``formula_at``) raised as :class:`FormulaError`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..reasons import R, Reason, ReasonError

GRAMMAR = r"""
start: (statement? ";")* statement?

statement: NAME ASSIGN expr attrs     -> assign
         | NAME ":" expr attrs         -> output
         | expr attrs                  -> bare
attrs: ("," NAME)*

?expr: or_
?or_: and_ | or_ OR and_              -> logic
?and_: not_ | and_ AND not_           -> logic
?not_: cmp | NOT not_                 -> not_op
?cmp: sum | cmp CMP sum               -> binary
?sum: prod | sum ADD prod             -> binary
?prod: unary | prod MUL unary         -> binary
?unary: atom | ADD unary              -> sign
?atom: NUMBER                         -> num
     | NAME                           -> name
     | NAME "(" [args] ")"            -> call
     | NAME "." NAME                  -> indicator
     | STRING                         -> string
     | "(" expr ")"
args: expr ("," expr)*

ASSIGN: ":="
CMP: ">=" | "<=" | "<>" | "!=" | "==" | "=" | ">" | "<"
ADD: "+" | "-"
MUL: "*" | "/"
AND.3: /AND(?!\w)/i | "&&"
OR.3: /OR(?!\w)/i | "||"
NOT.3: /NOT(?!\w)/i
NAME: /[^\W\d]\w*/
NUMBER: /\d+\.?\d*|\.\d+/
STRING: /"[^"\n]*"|'[^'\n]*'/
COMMENT: /\{[^}]*\}/
LINE_COMMENT: /\/\/[^\n]*/
WS: /[ \t\r\n\u3000\ufeff]+/
%ignore WS
%ignore COMMENT
%ignore LINE_COMMENT
"""

#: Full-width punctuation users paste from Chinese documents, and what 通达信 expects instead.
FULLWIDTH = {"；": ";", "（": "(", "）": ")", "，": ",", "：": ":", "＝": "=", "＞": ">", "＜": "<",
             "＋": "+", "－": "-", "＊": "*", "／": "/", "｛": "{", "｝": "}", "。": ".", "！": "!",
             "“": '"', "”": '"'}


class FormulaError(ReasonError, ValueError):
    """A formula that cannot compile. ``reason`` is positioned (``formula_at``: line, column,
    text, length) where a place is known; ``reasons`` holds every problem found."""

    def __init__(self, reasons: list[Reason] | Reason):
        self.reasons = list(reasons) if isinstance(reasons, list) else [reasons]
        super().__init__(self.reasons[0])

    @property
    def line(self) -> int | None:
        return self.reason.params.get("line")

    @property
    def column(self) -> int | None:
        return self.reason.params.get("column")


@dataclass(frozen=True)
class Pos:
    line: int
    column: int
    text: str          # the offending text a marker underlines


def at(pos: Pos | None, detail: Reason) -> Reason:
    """A detail reason placed at ``pos`` (no place: the detail alone)."""
    if pos is None:
        return detail
    return R("formula_at", line=pos.line, column=pos.column, text=pos.text,
             length=max(1, len(pos.text)), detail=detail)


def pos_of(tok: Token) -> Pos:
    return Pos(int(tok.line), int(tok.column), str(tok))


@dataclass
class Expr:
    """A raw expression node: ``kind`` in num, name, call, indicator, string, binary, logic,
    not, neg; ``value`` the number/name/operator; ``pos`` where it was written."""
    kind: str
    value: object
    args: tuple = ()
    pos: Pos | None = None


@dataclass
class Statement:
    kind: str                     # "assign" (NAME:=), "output" (NAME:), "bare" (an unnamed output)
    name: str | None
    name_pos: Pos | None
    expr: Expr
    attrs: list[tuple[str, Pos]] = field(default_factory=list)


class _Build(Transformer):
    """Builds :class:`Expr`/:class:`Statement` as the LALR parser reduces (no recursion)."""

    def start(self, items):
        return [s for s in items if isinstance(s, Statement)]

    def attrs(self, items):
        return [(str(t), pos_of(t)) for t in items]

    def assign(self, items):
        name, _op, expr, attrs = items
        return Statement("assign", str(name), pos_of(name), expr, attrs)

    def output(self, items):
        name, expr, attrs = items
        return Statement("output", str(name), pos_of(name), expr, attrs)

    def bare(self, items):
        expr, attrs = items
        return Statement("bare", None, expr.pos, expr, attrs)

    def num(self, items):
        (t,) = items
        return Expr("num", float(str(t)), (), pos_of(t))

    def name(self, items):
        (t,) = items
        return Expr("name", str(t), (), pos_of(t))

    def call(self, items):
        name, args = items
        return Expr("call", str(name), tuple(args or ()), pos_of(name))

    def args(self, items):
        return list(items)

    def indicator(self, items):
        ind, line = items
        p = pos_of(ind)
        return Expr("indicator", (str(ind), str(line)), (), Pos(p.line, p.column, f"{ind}.{line}"))

    def string(self, items):
        (t,) = items
        return Expr("string", str(t)[1:-1], (), pos_of(t))

    def binary(self, items):
        a, op, b = items
        return Expr("binary", str(op), (a, b), Pos(op.line, op.column, str(op)))

    def logic(self, items):
        a, op, b = items
        word = "AND" if str(op).upper() in ("AND", "&&") else "OR"
        return Expr("logic", word, (a, b), Pos(op.line, op.column, str(op)))

    def not_op(self, items):
        op, a = items
        return Expr("not", "NOT", (a,), pos_of(op))

    def sign(self, items):
        op, a = items
        if str(op) == "+":
            return a
        if a.kind == "num":                      # -5 is a number (REF(C,-1) is then seen as one)
            return Expr("num", -float(a.value), (), Pos(op.line, op.column, "-" + a.pos.text))
        return Expr("neg", "-", (a,), pos_of(op))


@lru_cache(maxsize=1)
def _parser() -> Lark:
    # The basic lexer, not the contextual one: AND/OR/NOT stay keywords where the parser does not
    # expect them ("C>O AND AND V" is an error at the second AND, not a variable named AND).
    return Lark(GRAMMAR, parser="lalr", lexer="basic", transformer=_Build(), maybe_placeholders=True)


def parse(text: str) -> list[Statement]:
    """The statements of ``text``; raises :class:`FormulaError` at the first syntax error."""
    try:
        return _parser().parse(text)
    except UnexpectedInput as e:
        raise FormulaError(_syntax_reason(text, e)) from None


def _end_pos(text: str) -> Pos:
    lines = text.split("\n")
    return Pos(len(lines), len(lines[-1]) + 1, "")


def _open_parens(text: str, upto: int) -> int:
    """Unclosed "(" before offset ``upto`` (comments skipped)."""
    depth, i = 0, 0
    while i < min(upto, len(text)):
        ch = text[i]
        if ch == "{":
            j = text.find("}", i)
            i = len(text) if j < 0 else j + 1
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = len(text) if j < 0 else j
            continue
        depth += (ch == "(") - (ch == ")")
        i += 1
    return depth


def _expected_hint(text: str, upto: int, expected) -> Reason | str:
    """"expected )" when a parenthesis is still open there (LALR's expected sets alone are too
    broad to name one token reliably)."""
    if "RPAR" in set(expected or ()) and _open_parens(text, upto) > 0:
        return R("formula_expected_hint", expected=")")
    return ""


def _syntax_reason(text: str, e: UnexpectedInput) -> Reason:
    if isinstance(e, UnexpectedCharacters):
        ch = text[e.pos_in_stream] if e.pos_in_stream < len(text) else e.char
        p = Pos(e.line, e.column, ch)
        if ch == "{":
            return at(p, R("formula_comment_open"))
        hint = R("formula_fullwidth_hint", ascii=FULLWIDTH[ch]) if ch in FULLWIDTH else ""
        return at(p, R("formula_bad_char", char=ch, hint=hint))
    if isinstance(e, UnexpectedToken) and e.token.type != "$END":
        tok = e.token
        hint = _expected_hint(text, tok.start_pos or 0, e.expected)
        return at(pos_of(tok), R("formula_unexpected", token=str(tok), hint=hint))
    expected = getattr(e, "expected", None)
    return at(_end_pos(text), R("formula_incomplete", hint=_expected_hint(text, len(text), expected)))


__all__ = ["FormulaError", "Pos", "Expr", "Statement", "parse", "at", "FULLWIDTH", "UnexpectedEOF"]
