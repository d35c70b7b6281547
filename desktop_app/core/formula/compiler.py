"""Statements -> a :class:`CompiledFormula`: names resolved, arguments checked, limits enforced,
common subexpressions shared.

Every expression becomes a hash-consed :class:`Node` (same operation on the same argument nodes
= the same node), and variables (``NAME:=``) are references to nodes, so ``MA(C,5)`` written
twice, or once directly and once through a variable, is computed once. Nodes are created
children first, so creation order is an evaluation order.

All semantic problems of a formula are collected (``check`` lists them for as-you-type
marking); ``compile_formula`` raises :class:`FormulaError` carrying them.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..reasons import R, Reason
from .functions import DATA, FUNCTIONS, FUTURE, INDICATORS, UNSUPPORTED, Function
from .styles import Style, known_attributes, style_of
from .syntax import Expr, FormulaError, Pos, Statement, at, parse

MAX_TEXT = 20_000        # characters of formula text
MAX_DEPTH = 100          # nesting of an expression
MAX_NODES = 2_000        # distinct computations
MAX_WORK = 5_000         # estimated passes over the data (window loops count N each)
MAX_OUTPUTS = 64
#: Kernels that loop once per window position (their cost grows with N).
_LOOPING = frozenset({"WMA", "HHVBARS", "LLVBARS", "AVEDEV", "SLOPE", "FORCAST"})


class Node:
    """One computation: ``op`` in num, data, ind, bin, neg, cmp, logic, not, call."""
    __slots__ = ("id", "op", "value", "args", "boolean", "cost")

    def __init__(self, nid, op, value, args, boolean, cost):
        self.id, self.op, self.value, self.args, self.boolean, self.cost = nid, op, value, args, boolean, cost

    def __repr__(self) -> str:
        return f"Node({self.id}, {self.op}, {self.value!r}, {[a.id for a in self.args]})"


@dataclass(frozen=True)
class Output:
    """An output line: ``key`` is its name (upper-case) or ``#i`` for an unnamed line."""
    key: str
    name: str | None
    node: Node
    boolean: bool
    style: Style
    line: int


class _Compiler:
    def __init__(self):
        self.table: dict[tuple, Node] = {}
        self.nodes: list[Node] = []
        self.errors: list[Reason] = []
        self.vars: dict[str, tuple[Node, int]] = {}

    # -- nodes -----------------------------------------------------------------------------
    def node(self, op: str, value, args=(), boolean=False, cost=1) -> Node:
        key = (op, value, tuple(a.id for a in args))
        got = self.table.get(key)
        if got is None:
            got = Node(len(self.nodes), op, value, tuple(args), boolean, cost)
            self.table[key] = got
            self.nodes.append(got)
        return got

    def error(self, pos: Pos | None, detail: Reason) -> None:
        self.errors.append(at(pos, detail))

    def names(self) -> list[str]:
        return list(self.vars) + list(DATA) + list(FUNCTIONS)

    def hint(self, name: str, pool) -> Reason | str:
        close = difflib.get_close_matches(name, list(pool), n=1, cutoff=0.6)
        return R("formula_did_you_mean", name=close[0]) if close else ""

    # -- expressions -----------------------------------------------------------------------
    def expr(self, e: Expr) -> Node | None:
        kind = e.kind
        if kind == "num":
            return self.node("num", float(e.value), cost=0)
        if kind == "name":
            return self.name(e)
        if kind in ("indicator", "string"):
            return self.indicator(e)
        args = [self.expr(a) for a in e.args] if kind != "call" else None
        if kind == "call":
            return self.call(e)
        if any(a is None for a in args):
            return None
        if kind == "neg":
            if args[0].op == "num":
                return self.node("num", -args[0].value, cost=0)
            return self.node("neg", "-", args)
        if kind == "not":
            return self.node("not", "NOT", args, boolean=True)
        if kind == "logic":
            return self.node("logic", e.value, args, boolean=True)
        op = "==" if e.value == "=" else ("<>" if e.value == "!=" else e.value)
        if op in ("+", "-", "*", "/"):
            a, b = args
            if a.op == "num" and b.op == "num" and not (op == "/" and b.value == 0):
                v = {"+": a.value + b.value, "-": a.value - b.value, "*": a.value * b.value}.get(op)
                return self.node("num", a.value / b.value if v is None else v, cost=0)
            return self.node("bin", op, args)
        return self.node("cmp", op, args, boolean=True)

    def name(self, e: Expr) -> Node | None:
        u = str(e.value).upper()
        if u in self.vars:
            return self.vars[u][0]
        if u in DATA:
            return self.node("data", DATA[u], cost=0)
        if u in FUTURE:
            self.error(e.pos, R("formula_future", name=u))
        elif u in FUNCTIONS:
            self.error(e.pos, R("formula_needs_args", name=u, signature=FUNCTIONS[u].signature))
        else:
            self.error(e.pos, R("formula_unknown_name", name=e.value, hint=self.hint(u, self.names())))
        return None

    def indicator(self, e: Expr) -> Node | None:
        if e.kind == "string":
            ind, dot, line = str(e.value).upper().partition(".")
            if not dot or "#" in line:
                self.error(e.pos, R("formula_unknown_name", name=f'"{e.value}"', hint=""))
                return None
        else:
            ind, line = (str(v).upper() for v in e.value)
        spec = INDICATORS.get(ind)
        if spec is None:
            self.error(e.pos, R("formula_unknown_indicator", name=ind, hint=self.hint(ind, INDICATORS),
                                known=list(INDICATORS)))
            return None
        if line not in spec["lines"]:
            self.error(e.pos, R("formula_unknown_line", indicator=ind, line=line, lines=list(spec["lines"])))
            return None
        return self.node("ind", (ind, spec["lines"][line]), cost=12)

    def call(self, e: Expr) -> Node | None:
        u = str(e.value).upper()
        if u in FUTURE:
            self.error(e.pos, R("formula_future", name=u))
            return None
        if u in UNSUPPORTED:
            self.error(e.pos, R("formula_unsupported", name=u))
            return None
        fn = FUNCTIONS.get(u)
        if fn is None:
            if u in self.vars or u in DATA:
                self.error(e.pos, R("formula_not_function", name=u))
            else:
                self.error(e.pos, R("formula_unknown_function", name=e.value, hint=self.hint(u, FUNCTIONS)))
            return None
        if len(e.args) != len(fn.params):
            self.error(e.pos, R("formula_arg_count", name=u, expected=len(fn.params), got=len(e.args),
                                signature=fn.signature))
            return None
        args = [self.expr(a) for a in e.args]
        if any(a is None for a in args) or not self.check_params(fn, e, args):
            return None
        boolean = fn.boolean or (u in ("IF", "IFF", "IFN") and args[1].boolean and args[2].boolean)
        return self.node("call", u, args, boolean=boolean, cost=self.cost(fn, args))

    def check_params(self, fn: Function, e: Expr, args: list[Node]) -> bool:
        ok = True
        for i, (p, a, raw) in enumerate(zip(fn.params, args, e.args), start=1):
            if p.kind != "n":
                continue
            if a.op != "num":
                if not p.dynamic:
                    self.error(raw.pos, R("formula_param_constant", name=fn.name, index=i))
                    ok = False
                continue
            v = a.value
            if fn.name == "REF" and v < 0:
                self.error(raw.pos, R("formula_future_ref", name=fn.name, value=_num(v)))
                ok = False
            elif not p.lo <= v <= p.hi:
                self.error(raw.pos, R("formula_param_range", name=fn.name, index=i, lo=_num(p.lo),
                                      hi=_num(p.hi), value=_num(v)))
                ok = False
            elif p.integer and v != int(v):
                self.error(raw.pos, R("formula_param_integer", name=fn.name, index=i, value=_num(v)))
                ok = False
        if ok and fn.name == "SMA" and args[2].value > args[1].value:
            self.error(e.args[2].pos, R("formula_param_range", name=fn.name, index=3, lo=1,
                                        hi=_num(args[1].value), value=_num(args[2].value)))
            ok = False
        return ok

    @staticmethod
    def cost(fn: Function, args: list[Node]) -> int:
        if fn.name in _LOOPING:
            n = args[1].value
            return 2 + int(n if n else 64)
        if fn.name in ("EMA", "EXPMA", "SMA", "DMA", "FILTER", "HHVBARS", "LLVBARS"):
            return 8
        return 3

    # -- statements ------------------------------------------------------------------------
    def statements(self, stmts: list[Statement]) -> list[Output]:
        outputs: list[Output] = []
        for s in stmts:
            if _depth(s.expr) > MAX_DEPTH:
                self.error(s.expr.pos, R("formula_too_deep", maximum=MAX_DEPTH))
                node = None
            else:
                node = self.expr(s.expr)
            style = self.style(s)
            line = s.name_pos.line if s.name_pos else 1
            name = s.name.upper() if s.name else None
            if name is not None:
                if name in DATA or name in FUNCTIONS:
                    self.error(s.name_pos, R("formula_reserved", name=name))
                    continue
                if name in self.vars:
                    self.error(s.name_pos, R("formula_redefined", name=name, line=self.vars[name][1]))
                    continue
            if node is None:
                continue
            if name is not None:
                self.vars[name] = (node, line)
            if s.kind != "assign":
                key = name if name is not None else f"#{len(outputs) + 1}"
                outputs.append(Output(key, name, node, node.boolean, style, line))
        return outputs

    def style(self, s: Statement) -> Style:
        style, unknown = style_of([a.upper() for a, _ in s.attrs])
        for a, p in s.attrs:
            if a.upper() in unknown:
                self.error(p, R("formula_unknown_style", name=a, hint=self.hint(a.upper(), known_attributes())))
        return style


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else float(v)


def _depth(e: Expr) -> int:
    """Nesting depth of an expression, without recursion."""
    best, stack = 0, [(e, 1)]
    while stack:
        x, d = stack.pop()
        best = max(best, d)
        if d <= MAX_DEPTH + 1:
            stack.extend((a, d + 1) for a in x.args)
    return best


class CompiledFormula:
    """A compiled formula: its outputs, its selection, and the nodes to evaluate (see
    ``evaluate.py`` for ``evaluate`` / ``evaluate_one`` / ``last_values`` / ``select``)."""

    def __init__(self, text: str, outputs: list[Output], nodes: list[Node]):
        self.text = text
        self.outputs = outputs
        named = [o for o in outputs if o.key == "XG"]
        booleans = [o for o in outputs if o.boolean]
        self.selection: Output | None = named[0] if named else (booleans[-1] if booleans else None)
        needed: set[int] = set()
        stack = [o.node for o in outputs]
        while stack:
            n = stack.pop()
            if n.id not in needed:
                needed.add(n.id)
                stack.extend(n.args)
        self.order: list[Node] = [n for n in nodes if n.id in needed]
        self.fields = sorted({n.value for n in self.order if n.op == "data"} |
                             ({"open", "high", "low", "close"} if any(n.op == "ind" for n in self.order) else set()))

    @property
    def columns(self) -> list[Output]:
        """The named outputs that are numbers (not conditions): extra columns of a hit row."""
        return [o for o in self.outputs if o.name is not None and not o.boolean]

    def evaluate(self, panel):
        from .evaluate import evaluate_panel
        return evaluate_panel(self, panel)

    def evaluate_one(self, bars):
        from .evaluate import evaluate_bars
        return evaluate_bars(self, bars)

    def last_values(self, panel, keys: list[str] | None = None):
        from .evaluate import last_values
        return last_values(self, panel, keys)

    def select(self, panel):
        from .evaluate import select
        return select(self, panel)


def _compile(text: str) -> tuple[CompiledFormula | None, list[Reason]]:
    text = text if isinstance(text, str) else str(text or "")
    if len(text) > MAX_TEXT:
        return None, [R("formula_too_long", length=len(text), maximum=MAX_TEXT)]
    try:
        stmts = parse(text)
    except FormulaError as e:
        return None, e.reasons
    if not stmts:
        return None, [R("formula_empty")]
    c = _Compiler()
    outputs = c.statements(stmts)
    if len(c.nodes) > MAX_NODES:
        c.errors.append(R("formula_too_big", nodes=len(c.nodes), maximum=MAX_NODES))
    work = sum(n.cost for n in c.nodes)
    if work > MAX_WORK:
        c.errors.append(R("formula_too_big", nodes=work, maximum=MAX_WORK))
    if len(outputs) > MAX_OUTPUTS:
        c.errors.append(R("formula_too_many_outputs", n=len(outputs), maximum=MAX_OUTPUTS))
    if c.errors:
        return None, c.errors
    if not outputs:
        return None, [R("formula_no_output")]
    return CompiledFormula(text, outputs, c.nodes), []


def compile_formula(text: str) -> CompiledFormula:
    """Compile ``text``; raises :class:`FormulaError` (``.reasons``: every problem, positioned)."""
    compiled, errors = _compile(text)
    if errors:
        raise FormulaError(errors)
    return compiled


def check(text: str) -> list[Reason]:
    """Every problem of ``text`` (empty when it compiles): for marking errors as the user types."""
    return _compile(text)[1]
