"""The formula language's reason templates, zh and en (merged into ``catalogue.REASONS``).

Kept beside the catalogue rather than in it only for the file-size rule: there is one catalogue
mechanism (``REASONS``), and ``core/catalogue.py`` does ``REASONS.update(FORMULA_REASONS)``.
Every positioned error is ``formula_at`` (line, column, the offending text, its length) around a
detail reason, e.g. "第1行第17列: 未知函数 MAA；是否是 MA?".
"""
from __future__ import annotations

FORMULA_REASONS: dict[str, tuple[str, str]] = {
    "formula_at": ("第{line}行第{column}列: {detail}", "line {line}, column {column}: {detail}"),
    "formula_invalid": ("公式：{reason}", "formula: {reason}"),
    "formula_empty": ("公式是空的", "the formula is empty"),
    "formula_no_output": ("公式没有输出：至少要有一行“名称:表达式”或不带名称的表达式",
                          "the formula has no output: write at least one NAME:expression or a bare expression"),
    "formula_too_long": ("公式太长：{length} 个字符（最多 {maximum} 个）",
                         "the formula is too long: {length} characters (at most {maximum})"),
    "formula_too_deep": ("嵌套太深（最多 {maximum} 层）", "nested too deeply (at most {maximum} levels)"),
    "formula_too_big": ("公式太大：{nodes} 个计算步骤（最多 {maximum} 个）",
                        "the formula is too big: {nodes} computation steps (at most {maximum})"),
    "formula_too_many_outputs": ("输出线太多：{n} 条（最多 {maximum} 条）",
                                 "too many output lines: {n} (at most {maximum})"),
    "formula_bad_char": ("无法识别的字符 {char}{hint}", "unexpected character {char}{hint}"),
    "formula_fullwidth_hint": ("；请改用半角 {ascii}", "; use the ASCII {ascii}"),
    "formula_comment_open": ("注释 {{ 没有对应的 }}", "a comment {{ is never closed with }}"),
    "formula_unexpected": ("此处不应出现 {token}{hint}", "unexpected {token}{hint}"),
    "formula_expected_hint": ("；这里需要 {expected}", "; expected {expected}"),
    "formula_incomplete": ("公式不完整{hint}", "the formula ends too early{hint}"),
    "formula_unknown_name": ("未知的名称 {name}{hint}", "unknown name {name}{hint}"),
    "formula_unknown_function": ("未知函数 {name}{hint}", "unknown function {name}{hint}"),
    "formula_did_you_mean": ("；是否是 {name}?", "; did you mean {name}?"),
    "formula_not_function": ("{name} 不是函数，不能带括号", "{name} is not a function and takes no parentheses"),
    "formula_needs_args": ("{name} 是函数，需要参数：{signature}", "{name} is a function and needs arguments: {signature}"),
    "formula_arg_count": ("{name} 需要 {expected} 个参数，这里有 {got} 个（{signature}）",
                          "{name} takes {expected} arguments, {got} given ({signature})"),
    "formula_future": ("未来函数: {name} 会用到之后的K线，不能用于选股",
                       "future function: {name} uses later bars and cannot be used for screening"),
    "formula_future_ref": ("未来函数: {name} 的周期为负数（{value}），会用到之后的K线，不能用于选股",
                           "future function: {name} with a negative period ({value}) uses later bars "
                           "and cannot be used for screening"),
    "formula_unsupported": ("不支持 {name}：绘图、财务和实时行情函数不能用于条件选股",
                            "{name} is not supported: drawing, financial and real-time quote functions "
                            "cannot be used for screening"),
    "formula_param_constant": ("{name} 的第 {index} 个参数必须是常数", "argument {index} of {name} must be a constant"),
    "formula_param_range": ("{name} 的第 {index} 个参数应在 {lo} 到 {hi} 之间，这里是 {value}",
                            "argument {index} of {name} must be between {lo} and {hi}; it is {value}"),
    "formula_param_integer": ("{name} 的第 {index} 个参数应为整数，这里是 {value}",
                              "argument {index} of {name} must be a whole number; it is {value}"),
    "formula_unknown_indicator": ("未知指标 {name}{hint}；可用：{known}", "unknown indicator {name}{hint}; known: {known}"),
    "formula_unknown_line": ("指标 {indicator} 没有 {line}；可用：{lines}",
                             "indicator {indicator} has no line {line}; lines: {lines}"),
    "formula_unknown_style": ("未知的画线属性 {name}{hint}", "unknown drawing attribute {name}{hint}"),
    "formula_redefined": ("{name} 已在第{line}行定义过", "{name} is already defined on line {line}"),
    "formula_reserved": ("{name} 是行情数据或函数的名称，不能用作变量名",
                         "{name} is the name of a data series or function and cannot be a variable"),
    "formula_no_selection": ("公式没有选股条件：需要名为 XG 的输出或一条条件（真/假）输出",
                             "the formula has no selection: it needs an output named XG or a condition "
                             "(true/false) output"),
    "formula_file_unreadable": ("无法读取公式文件 {path}：{detail}", "cannot read the formula file {path}: {detail}"),
}
