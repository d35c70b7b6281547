"""The one catalogue of core's words, in Chinese and English: every reason's template and the
labels of hit columns, prefilter exclusions, task kinds, task states, job phases and data hosts.

Each entry is ``(zh, en)``. Templates use ``str.format`` fields filled from a Reason's params
(``core/reasons.py``). The window, the CLI (``--lang``), the exports and the reports all read
these; nothing translates a core sentence after the fact. Domain tables keep their own names next
to their definitions: boards and indexes in ``core/symbols.py``, presets in ``core/strategies.py``,
MA/MACD states in ``core/score_rules.py``.
"""
from __future__ import annotations

from .formula_reasons import FORMULA_REASONS
from .market_reasons import MARKET_MESSAGES, MARKET_REASONS
from .since_reasons import SINCE_HEADERS, SINCE_REASONS
from .watch_reasons import WATCH_MESSAGES, WATCH_REASONS, WATCH_TASK_KINDS, WATCH_WORDS
from .validation_reasons import VALIDATION_MESSAGES, VALIDATION_REASONS, VALIDATION_TASK_KINDS, VALIDATION_WORDS
from .index_reasons import INDEX_MESSAGES, INDEX_REASONS
from .minute_reasons import MINUTE_MESSAGES, MINUTE_REASONS
from .adjust_reasons import ADJUST_MESSAGES, ADJUST_REASONS
from .asof_reasons import ASOF_REASONS, ASOF_WORDS
from .fundamental_reasons import (FUNDAMENTAL_EXCLUSIONS, FUNDAMENTAL_HEADERS, FUNDAMENTAL_MESSAGES,
                                  FUNDAMENTAL_REASONS, FUNDAMENTAL_VALUE_NAMES, FUNDAMENTAL_WORDS)

# ---------------------------------------------------------------------------------------------
# reasons: code -> (zh template, en template)
# ---------------------------------------------------------------------------------------------
REASONS: dict[str, tuple[str, str]] = {
    "text": ("{text}", "{text}"),
    "unexpected": ("内部错误（{type}）：{detail}", "{type}: {detail}"),
    "cancelled": ("已取消", "cancelled"),
    "interrupted": ("程序退出时未完成", "not finished when the program stopped"),

    # -- stock and index codes (core/symbols.py) ----------------------------------------------
    "code_not_text": ("股票代码必须是文本", "a stock code must be text"),
    "code_empty": ("空：没有给出股票代码", "empty: no stock code given"),
    "code_is_index_prefix": ("这是指数代码，不是股票", "this is an index code, not a stock"),
    "code_bad_suffix": ("未知的交易所后缀 .{suffix}（请用 .SH、.SZ 或 .BJ）",
                        "unknown exchange suffix .{suffix} (use .SH, .SZ or .BJ)"),
    "code_not_digits": ("不是股票代码（应为6位数字，例如 600519 或 sh600519）",
                        "not a stock code (expected 6 digits, e.g. 600519 or sh600519)"),
    "code_length": ("股票代码为6位数字", "a stock code has 6 digits"),
    "code_is_named_index": ("{code} 是指数（{index}），不是股票", "{code} is the {index} index, not a stock"),
    "code_is_sh_index": ("{code} 是上证指数代码，不是股票", "{code} is a Shanghai index code, not a stock"),
    "code_sz_index_range": ("399xxx 是深证指数代码，不是股票", "399xxx codes are Shenzhen indexes, not stocks"),
    "code_sh_b_share": ("900xxx 是上海B股代码；只支持A股",
                        "900xxx is a Shanghai B-share code; only A shares are supported"),
    "code_sz_b_share": ("200xxx 是深圳B股代码；只支持A股",
                        "200xxx is a Shenzhen B-share code; only A shares are supported"),
    "code_fund": ("{code} 是基金（ETF/LOF）代码，不是股票", "{code} is a fund (ETF/LOF) code, not a stock"),
    "code_bond": ("{code} 是债券或回购代码，不是股票", "{code} is a bond or repo code, not a stock"),
    "code_neeq": ("{code} 不是上市A股（新三板/老三板代码段）",
                  "{code} is not a listed A-share (NEEQ/old third-board range)"),
    "code_no_board": ("没有A股板块使用以 {prefix} 开头的代码",
                      "no A-share board uses codes starting with {prefix}"),
    "code_wrong_exchange": ("{code} 在{where}上市，不在{other}",
                            "{code} is listed in {where}, not {other}"),
    "index_not_text": ("指数代码必须是文本", "an index must be given as text"),
    "index_wrong_exchange": ("{code} {index} 是{where}指数，不在{other}",
                             "{code} {index} is a {where} index, not {other}"),
    "index_unknown": ("不是已知指数；已知：{known}", "not a known index; known: {known}"),
    "token_rejected": ("{token}：{reason}", "{token}: {reason}"),
    "codes_rejected": ("{n} 个代码未扫描：{items}", "{n} codes not scanned: {items}"),

    # -- the universe and the scan request (core/scan.py) -------------------------------------
    "not_listed": ("不在数据源的股票列表中（未知或已退市）",
                   "not in the source's list of stocks (unknown or delisted)"),
    "universe_unknown": ("未知的股票范围 {universe}：请用 all、board:板块、index:代码、industry:行业、"
                         "concept:概念、watchlist 或 codes:600519,000001",
                         "unknown universe {universe}: use all, board:ID, index:CODE, industry:NAME, "
                         "concept:NAME, watchlist or codes:600519,000001"),
    "board_unknown": ("未知的板块 {board}；可选：{boards}", "unknown board {board}; boards: {boards}"),
    "universe_index": ("指数：{reason}", "index: {reason}"),
    "board_name_missing": ("{kind}：请给出板块名称，例如 {example}", "{kind}: give a board name, e.g. {example}"),
    "codes_none_valid": ("代码列表中没有有效的股票代码", "codes: no valid stock code in the list"),
    "min_score_range": ("最低得分必须在0到100之间", "minimum score must be between 0 and 100"),
    "min_listed_negative": ("最少上市天数不能为负", "minimum days listed cannot be negative"),
    "bounds_negative": ("{what}范围不能为负", "{what} bounds cannot be negative"),
    "bounds_inverted": ("{what}：最小值 {lo} 大于最大值 {hi}", "{what}: minimum {lo} is above maximum {hi}"),
    "min_amount_negative": ("最低成交额不能为负", "minimum amount cannot be negative"),
    "mode_unknown": ("组合方式必须是 all 或 any，而不是 {mode}", "mode must be 'all' or 'any', not {mode}"),
    "strategy_unknown": ("未知的策略 {strategy}", "unknown strategy {strategy}"),
    "boards_unavailable": ("无法列出{kind}板块：{reason}", "could not list the {kind} boards: {reason}"),
    "board_not_found": ("没有名为“{name}”的{kind}板块{hint}", "no {kind} board named {name!r}{hint}"),
    "board_hint_close": ("；是否是：{names}", "; did you mean: {names}"),
    "board_hint_examples": ("；例如：{names}", "; e.g. {names}"),
    "watchlist_empty": ("自选股为空：请先添加股票", "the watchlist is empty: add stocks to it first"),
    "universe_empty": ("股票范围“{name}”中没有可扫描的股票", "the universe {name} has no stocks to scan"),
    "universe_empty_rejected": ("股票范围“{name}”中没有可扫描的股票（{n} 个被拒绝：{first}）",
                                "the universe {name} has no stocks to scan ({n} rejected: {first})"),
    "mcap_needs_snapshot": ("市值筛选需要行情快照，但获取失败：{reason}",
                            "the market-cap filter needs the spot snapshot, which failed: {reason}"),
    "request_invalid": ("扫描条件有误：{problems}", "the scan request cannot run: {problems}"),

    # -- per-stock failures of a scan or an analysis ------------------------------------------
    "no_data_source": ("无数据：数据源没有返回K线", "no data: the source returned no bars"),
    "no_bars_stored": ("本地没有K线（请先更新数据）", "no bars in the local store (refresh the data first)"),
    "no_bars_in_store": ("无数据：本地没有K线", "no data: no bars in the local store"),
    "history_too_short": ("历史太短：{bars} 根K线 < {minimum}", "history too short: {bars} bars < {minimum}"),
    "bad_bars": ("K线数据有误（指标值不是有限数）", "bad bar data (non-finite indicator values)"),
    "not_scored": ("无法评分", "could not be scored"),
    "suspended_on": ("{day} 无K线（停牌）", "no bar on {day} (suspended)"),
    "not_listed_yet": ("截至 {day} 无K线（尚未上市）", "no bars up to {day} (not listed yet)"),
    "no_bars_to_analyse": ("{symbol} 没有可分析的K线", "no bars to analyse for {symbol}"),

    # -- data sources (core/data) -------------------------------------------------------------
    "data_timeout": ("{what}：{host}未在规定时间内应答{limit}", "{what}: {host} did not answer in time{limit}"),
    "timeout_limit": ("（{seconds} 秒）", " ({seconds} s)"),
    "data_throttling": ("{what}：{host}正在限流，暂停向其请求", "{what}: {host} is throttling us ({detail}); resting {host}"),
    "data_dropped": ("{what}：{host}断开了连接（限流），暂停向其请求",
                     "{what}: {host} dropped the connection (throttling); resting {host}"),
    "data_unreachable": ("{what}：无法连接{host}（{cause}）", "{what}: cannot reach {host} ({cause})"),
    "data_http_throttled": ("{what}：{host}拒绝了请求（HTTP {status}），暂停向其请求",
                            "{what}: {host} refused the request (HTTP {status}); resting {host}"),
    "data_http_server": ("{what}：{host}服务器错误（HTTP {status}）", "{what}: {host} server error (HTTP {status})"),
    "data_http_refused": ("{what}：{host}拒绝了请求（HTTP {status}）", "{what}: {host} refused the request (HTTP {status})"),
    "data_host_no_data": ("{what}：{host}没有数据", "{what}: {host} has no data"),
    "data_unparseable": ("{what}：无法解析{host}的应答", "{what}: could not understand {host}'s answer ({detail})"),
    "data_network": ("{what}：与{host}通信时网络错误", "{what}: network error talking to {host} ({detail})"),
    "data_no_rows": ("{what}：{host}返回了空表", "{what}: {host} returned no rows"),
    "data_missing_columns": ("{what}：应答缺少列 {columns}", "{what}: the answer lacks columns {columns} (has {has})"),
    "data_no_bars_in_range": ("{what}：所请求的区间内没有K线", "{what}: no bars in the requested range"),
    "data_not_a_stock": ("{token} 不是A股代码：{reason}", "{token} is not an A-share stock code: {reason}"),
    "data_no_stocks": ("股票列表：交易所的应答中没有A股", "stock lists: no A-share stocks in the exchanges' answers"),
    "data_no_bse_on_tencent": ("{what}：腾讯没有北交所数据", "{what}: Tencent has no Beijing (BSE) data"),
    "data_not_an_index": ("{token} 不是指数代码", "{token} is not an index code"),
    "data_no_board": ("没有名为“{name}”的{kind}板块", "no {kind} board named {name!r}"),
    "data_no_calendar": ("交易日历：新浪的应答中没有日期", "trade calendar: no dates in Sina's answer"),
    "data_empty_answer": ("{symbol}：空应答", "{symbol}: empty answer"),
    "data_snapshot_inconsistent": ("行情快照与本地收盘价不一致（不是当日快照？）",
                                   "snapshot inconsistent with stored closes (snapshot of another day?)"),
    "host_resting": ("{host}暂停请求中，约 {minutes} 分钟后重试{why}", "{host} is resting for about {minutes} more min{why}"),
    "host_resting_why": ("；原因：{reason}", " after: {reason}"),
    "data_all_hosts_failed": ("{symbol}：所有日线服务器都失败：{errors}", "{symbol}: every daily-bar host failed: {errors}"),
    "what_stock_list": ("{exchange}股票列表{part}", "{exchange} list {part}"),
    "what_daily_bars": ("{symbol} 日线（{host}）", "{symbol} daily bars ({host})"),
    "what_snapshot": ("行情快照", "market snapshot"),
    "what_index_members": ("指数 {code} 成分股", "members of index {code}"),
    "what_boards": ("{kind}板块列表", "{kind} boards"),
    "what_board_members": ("{kind}板块“{name}”成分股", "members of {kind} board {name}"),
    "what_company": ("{symbol} 公司资料", "{symbol} company info"),
    "what_calendar": ("交易日历", "trade calendar"),
    "demo_unknown_index": ("演示行情：未知指数 {token}（{reason}）", "demo market: unknown index {token} ({reason})"),
    "demo_no_constituents": ("演示行情：指数 {code} {index} 没有成分股列表",
                             "demo market: no constituent list for index {code} {index}"),
    "demo_no_board": ("演示行情：没有名为“{name}”的{kind}板块", "demo market: no {kind} board named {name!r}"),
    "demo_throttled": ("{host}：请求过多，服务器拒绝连接", "{host}: too many requests, the host refuses connections"),
    "demo_bad_code": ("演示行情：{reason}", "demo market: {reason}"),
    "demo_no_stock": ("演示行情中没有股票 {code}", "demo market has no stock {code}"),
    "demo_fault_no_data": ("{host}：{symbol} 无数据（注入的故障）", "{host}: returned no data for {symbol} (injected fault)"),
    "demo_fault_network": ("{host}：获取 {symbol} 超时（注入的故障）", "{host}: timed out fetching {symbol} (injected fault)"),
    "demo_fault_throttled": ("{host}：拒绝了 {symbol} 的请求（限流，注入的故障）",
                             "{host}: refused the request for {symbol} (throttled) (injected fault)"),
    "demo_fault_unparseable": ("{host}：{symbol} 的应答无法解析（注入的故障）",
                               "{host}: sent an unreadable answer for {symbol} (injected fault)"),
    # connection causes (a requests ConnectionError's long repr, read for the user)
    "cause_dns": ("没有网络？无法解析主机名", "no network? the host name could not be resolved"),
    "cause_refused": ("连接被拒绝", "connection refused"),
    "cause_unreachable": ("网络不可达", "network is unreachable"),
    "cause_proxy": ("代理拒绝了连接", "the proxy refused the connection"),
    "cause_ssl": ("安全连接失败（SSL）", "secure connection failed (SSL)"),
    "cause_other": ("连接错误", "{detail}"),
    # a failure kind in front of a per-symbol reason (backfill, update)
    "failure_kind": ("{kind}：{reason}", "{kind}: {reason}"),

    # -- the data source at start (core/data/probe.py): one short sentence, details on hover ----
    "probe_online": ("在线：{host} 可以连接", "online: {host} is reachable"),
    "probe_no_answer": ("{seconds} 秒内没有行情服务器应答（{details}）", "no data host answered within {seconds} s ({details})"),
    "probe_unreachable": ("无法连接任何行情服务器（{details}）", "no data host is reachable ({details})"),
    "probe_failed": ("联网检查失败：{details}", "the reachability check failed: {details}"),
    "source_demo_chosen": ("演示行情（设置中选择）：模拟数据，不是真实价格", "Demo market (chosen in settings): synthetic data, not real prices"),
    "source_live_chosen": ("akshare 实时行情（设置中选择）", "Live data from akshare (chosen in settings)"),
    "source_live_found": ("akshare 实时行情", "Live data from akshare"),
    "source_offline": ("离线：正在使用演示行情", "Offline: using the demo market"),
    "no_cjk_font": ("未安装中文字体，中文会显示为方框：请安装 {package}（Debian/Ubuntu：apt-get install {package}）",
                    "No Chinese font is installed, so Chinese text shows as boxes: install {package} "
                    "(Debian/Ubuntu: apt-get install {package})"),

    # -- support / resistance level sources (core/analysis.py) --------------------------------
    "level_ma": ("MA{n}", "MA{n}"),
    "level_swing_low": ("波段低点 {date}", "swing low {date}"),
    "level_swing_high": ("波段高点 {date}", "swing high {date}"),
    "level_n_low": ("{n}日最低", "{n}-day low"),
    "level_n_high": ("{n}日最高", "{n}-day high"),
    "level_boll_lower": ("布林下轨", "BOLL lower"),
    "level_boll_mid": ("布林中轨", "BOLL mid"),
    "level_boll_upper": ("布林上轨", "BOLL upper"),

    # -- job phases (Progress.current) --------------------------------------------------------
    "phase_universe": ("解析股票范围", "resolving the universe"),
    "phase_prefilters": ("应用预筛选", "applying prefilters"),
    "phase_reading": ("读取K线", "reading bars"),
    "phase_snapshot": ("行情快照", "market snapshot"),
    "phase_fetching": ("下载数据 {done}/{total} {symbol}", "fetching {done}/{total} {symbol}"),
    "phase_paused": ("暂停：所有行情服务器都在限流休息，{seconds} 秒后重试",
                     "paused: every bar host is resting (throttled); next try in {seconds} s"),
    "phase_scoring": ("评分 {first}–{last}", "scoring {first}–{last}"),
    "phase_yielding": ("等待扫描完成后继续写入", "waiting for the scan to finish before writing on"),

    # -- user files: busy, full, read-only, damaged, foreign (core/file_errors.py) -----------
    "file_busy": ("{file} 正被{holder}占用（已等待 {seconds} 秒）：请关闭该程序或等它完成后重试",
                  "{file} is in use by {holder} (waited {seconds} s): close it or let it finish, then try again"),
    "file_busy_waiting": ("{file} 正被{holder}占用，继续等待…", "{file} is in use by {holder}; still waiting…"),
    "disk_full": ("磁盘已满，无法写入 {file}：已保存的数据都保留着；请释放磁盘空间后重试，会从中断处继续",
                  "the disk is full: cannot write {file}; everything stored so far is kept. Free some space "
                  "and try again: it resumes where it stopped"),
    "file_read_only": ("无法写入 {file}（只读或没有权限）：请检查该文件及其文件夹的权限",
                       "cannot write {file} (read-only or no permission): check the permissions of the file "
                       "and its folder"),
    "file_cannot_open": ("无法打开 {file}：请检查该文件夹是否存在且可写",
                         "cannot open {file}: check that its folder exists and is writable"),
    "file_io_error": ("读写 {file} 失败（{detail}）：请检查磁盘后重试",
                      "reading or writing {file} failed ({detail}): check the disk and try again"),
    "file_folder_missing": ("无法写入 {file}：文件夹 {folder} 不存在；请先创建它或换一个路径",
                            "cannot write {file}: the folder {folder} does not exist; create it or choose "
                            "another path"),
    "file_is_folder": ("{file} 是一个文件夹，不是文件：请给出文件路径", "{file} is a folder, not a file: give a file path"),
    "file_parent_not_folder": ("无法写入 {file}：它的上级路径不是文件夹",
                               "cannot write {file}: a part of its path is not a folder"),
    "file_path_empty": ("{option} 需要一个文件路径", "{option} needs a file path"),
    "file_damaged_moved": ("{file} 已损坏（{detail}）：原文件已保留为 {kept}，现用一个新的空文件",
                           "{file} is damaged ({detail}): it was kept as {kept} and a new empty one is used"),
    "file_foreign_moved": ("{file} 不是 StockScan 的文件（{detail}）：未改动，已移到 {kept}，现用一个新的文件",
                           "{file} is not a StockScan file ({detail}): it was moved, unchanged, to {kept} "
                           "and a new one is used"),
    "file_not_sqlite": ("不是 SQLite 数据库：{detail}", "not an SQLite database: {detail}"),
    "file_missing_tables": ("缺少数据表 {tables}", "missing tables: {tables}"),
    "file_foreign_tables": ("含有别的程序的数据表 {tables}", "it holds another program's tables: {tables}"),
    "file_foreign_columns": ("数据表 {table} 的列不是 StockScan 的", "table {table} does not have StockScan's columns"),
    "file_schema_version": ("未知的结构版本 {found}（应为 {expected}）", "unknown schema version {found} (expected {expected})"),
    "file_not_json": ("不是有效的 JSON（第 {line} 行第 {column} 列）", "not valid JSON (line {line}, column {column})"),
    "file_not_text": ("不是 UTF-8 文本", "not UTF-8 text"),
    "watchlist_not_list": ("内容不是股票代码列表", "it does not hold a list of stock codes"),
    "as_of_invalid": ("历史日期 {value} 无效：请用 年-月-日 的格式，如 2026-06-30",
                      "the date {value} is not valid: use year-month-day, e.g. 2026-06-30"),
    "as_of_future": ("历史日期 {day} 还没有到", "the date {day} is in the future"),
    "screen_no_formula": ("选股方案“{name}”没有公式，不能导出为公式文本",
                          "the screen {name!r} has no formula to export as formula text"),
    "screen_not_found": ("没有名为“{name}”的选股方案（已有：{names}）", "there is no saved screen named {name!r} (saved: {names})"),
    "screen_name_empty": ("请给选股方案起个名字", "give the screen a name"),
    "screen_name_long": ("方案名称最长 {limit} 个字", "a screen's name has at most {limit} characters"),
    "screen_unreadable": ("无法读取选股方案文件 {file}：{detail}", "cannot read the screen file {file}: {detail}"),
    "screen_not_screen": ("它不是 StockScan 的选股方案（缺少 {field}）", "it is not a StockScan screen (no {field})"),
    "screen_newer": ("它由更新版本的 StockScan 保存（方案版本 {found}，本版本支持到 {supported}）",
                     "it was saved by a newer StockScan (screen version {found}; this one reads up to {supported})"),
    "file_unusable_memory": ("{reason}。本次运行的数据只保存在内存中，退出后不保留",
                             "{reason}. This session's data is kept in memory only and is lost on exit"),
    "setting_out_of_range": ("设置 {key} 的值 {value} 无效（应为 {allowed}），已改用默认值 {default}",
                             "setting {key} = {value} is not valid (expected {allowed}); using the default {default}"),
    "dir_not_folder": ("{what}路径 {path} 不是文件夹：请改用一个文件夹（或更正 STOCKSCAN_HOME）",
                       "the {what} path {path} is not a folder: use a folder (or correct STOCKSCAN_HOME)"),
    "dir_not_writable": ("无法写入{what}文件夹 {path}（{detail}）：请检查权限和磁盘空间，或设置 STOCKSCAN_HOME 指向可写的文件夹",
                         "cannot write to the {what} folder {path} ({detail}): check its permissions and free "
                         "space, or set STOCKSCAN_HOME to a writable folder"),
    "dir_data": ("数据", "data"),
    "dir_cache": ("缓存", "cache"),
    "dir_log": ("日志", "log"),
    "demo_size": ("演示市场的股票数必须在 1 到 {maximum} 之间，给出的是 {n}",
                  "the demo market has between 1 and {maximum} stocks; {n} was given"),
    "store_missing_stocks": ("{n} 只股票不在本地K线库 {file} 中（补全历史未完成？）：运行 stockscan-cli refresh 补全，会从中断处继续",
                             "{n} stocks are not in the local bar store {file} (an unfinished backfill?): run "
                             "stockscan-cli refresh to fill it; it resumes where it stopped"),
}
# The formula language's templates (core/formula_reasons.py: kept apart for the file-size rule).
REASONS.update(FORMULA_REASONS)
REASONS.update(VALIDATION_REASONS)
REASONS.update(MARKET_REASONS)         # core/market_reasons.py, likewise
REASONS.update(WATCH_REASONS)          # core/watch_reasons.py, likewise
REASONS.update(INDEX_REASONS)          # core/index_reasons.py, likewise
REASONS.update(MINUTE_REASONS)         # core/minute_reasons.py, likewise
REASONS.update(ADJUST_REASONS)         # core/adjust_reasons.py, likewise
REASONS.update(FUNDAMENTAL_REASONS)     # core/fundamental_reasons.py, likewise
REASONS.update(SINCE_REASONS)           # core/since_reasons.py, likewise
REASONS.update(ASOF_REASONS)            # core/asof_reasons.py, likewise

#: A data failure's kind (``DataError.kind``) as a word.
FAILURE_KINDS: dict[str, tuple[str, str]] = {
    "error": ("错误", "error"),
    "no_data": ("无数据", "no_data"),
    "network": ("网络", "network"),
    "throttled": ("限流", "throttled"),
    "unparseable": ("无法解析", "unparseable"),
}

#: Data hosts by their id in ``core/data`` (akshare's hosts and the demo market's stand-ins).
HOSTS: dict[str, tuple[str, str]] = {
    "eastmoney": ("东方财富", "eastmoney"), "sina": ("新浪", "sina"), "tencent": ("腾讯", "tencent"),
    "sse": ("上交所", "sse"), "szse": ("深交所", "szse"), "bse": ("北交所", "bse"),
    "cninfo": ("巨潮资讯", "cninfo"), "csindex": ("中证指数", "csindex"), "legulegu": ("乐咕乐股", "legulegu"),
    "demo-em": ("演示-东方财富", "demo-em"), "demo-tx": ("演示-腾讯", "demo-tx"),
    "demo-sina": ("演示-新浪", "demo-sina"), "demo": ("演示行情", "demo"),
    "eastmoney_dc": ("东方财富数据中心", "eastmoney data center"),
}

# ---------------------------------------------------------------------------------------------
# labels
# ---------------------------------------------------------------------------------------------
HIT_HEADERS: dict[str, tuple[str, str]] = {
    "symbol": ("代码", "Code"), "name": ("名称", "Name"), "board": ("板块", "Board"),
    "industry": ("行业", "Industry"), "score": ("得分", "Score"), "label_zh": ("评级", "Rating (zh)"),
    "label_en": ("评级(英)", "Rating"), "last": ("最新价", "Last"), "chg_pct": ("涨跌幅", "Change %"),
    "amount": ("成交额", "Amount"), "turnover": ("换手率", "Turnover %"), "rsi": ("RSI", "RSI"),
    "ma_trend": ("均线趋势", "MA trend"), "macd_state": ("MACD状态", "MACD"),
    "vol_ratio": ("量比", "Vol ratio"), "strategies": ("命中策略", "Strategies"),
    "trend": ("趋势", "Trend"), "volatility": ("波动", "Volatility"), "technical": ("技术", "Technical"),
    "volume": ("成交量", "Volume"), "momentum": ("动量", "Momentum"),
    **FUNDAMENTAL_HEADERS,
    **SINCE_HEADERS,            # core/since_reasons.py
}

#: Prefilter exclusion reasons, in the order they are checked: id -> (zh, en).
EXCLUDE_REASONS: dict[str, tuple[str, str]] = {
    "st": ("ST/*ST 股票", "ST / *ST stock"),
    "new_listing": ("上市天数不足", "listed too recently"),
    "suspended": ("今日停牌", "suspended today"),
    "price": ("价格不在范围内", "price outside the range"),
    "amount": ("成交额过低", "turnover amount too low"),
    "market_cap": ("市值不在范围内", "market cap outside the range"),
    "history_short": ("上市不久，K线不足以评分", "history too short to score (new listing)"),
    **FUNDAMENTAL_EXCLUSIONS,
}

TASK_KINDS: dict[str, tuple[str, str]] = {
    "scan": ("扫描", "Scan"), "analysis": ("分析", "Analysis"), "refresh": ("数据更新", "Data refresh"),
    "export": ("导出", "Export"),
}
TASK_KINDS.update(VALIDATION_TASK_KINDS)    # core/validation_reasons.py
TASK_KINDS.update(WATCH_TASK_KINDS)         # core/watch_reasons.py

TASK_STATES: dict[str, tuple[str, str]] = {
    "pending": ("等待中", "Pending"), "running": ("运行中", "Running"), "completed": ("已完成", "Completed"),
    "failed": ("失败", "Failed"), "cancelled": ("已取消", "Cancelled"), "interrupted": ("已中断", "Interrupted"),
}

#: The names of indicator values in a score rule's trace, as 通达信 shows them.
VALUE_NAMES: dict[str, tuple[str, str]] = {
    "close": ("收盘", "Close"), "ma5": ("MA5", "MA5"), "ma10": ("MA10", "MA10"), "ma20": ("MA20", "MA20"),
    "ma60": ("MA60", "MA60"), "dif": ("DIF", "DIF"), "dea": ("DEA", "DEA"), "rsi": ("RSI", "RSI"),
    "roc10": ("ROC10", "ROC10"), "vol_ratio": ("量比", "Vol ratio"), "atr_pct": ("ATR%", "ATR%"),
    "boll_pos": ("布林位置", "BOLL position"), "up": ("收涨", "Up day"), "down": ("收跌", "Down day"),
    "raw": ("原始分", "Raw points"), "macd": ("MACD", "MACD"), "k": ("K", "K"), "d": ("D", "D"),
    "j": ("J", "J"), "boll_upper": ("布林上轨", "BOLL upper"), "boll_mid": ("布林中轨", "BOLL mid"),
    "boll_lower": ("布林下轨", "BOLL lower"), "atr": ("ATR", "ATR"),
    **FUNDAMENTAL_VALUE_NAMES,
}
#: Values that are yes/no flags (shown as 是/否, not 1.00/0.00).
FLAG_VALUES = frozenset({"up", "down"})

#: Words the request's title and the reports use (scan titles, bounds names).
WORDS: dict[str, tuple[str, str]] = {
    "all_market": ("全市场", "All A-shares"),
    "watchlist": ("自选股", "Watchlist"),
    "industry": ("行业", "Industry"),
    "concept": ("概念", "Concept"),
    "score": ("得分", "score"),
    "price": ("价格", "price"),
    "market_cap": ("市值", "market cap"),
    "n_stocks": ("{n}只股票", "{n} stocks"),
    "analyse": ("分析 {symbol}", "Analyse {symbol}"),
    "update": ("更新行情", "Update bars"),
    "backfill": ("补全历史", "Backfill history"),
    "export": ("导出 {name}", "Export {name}"),
    "yes": ("是", "yes"), "no": ("否", "no"),
    "universe": ("范围", "Universe"), "min_score": ("最低得分", "Minimum score"),
    "strategies": ("策略", "Presets"), "mode_all": ("全部满足", "all must fire"),
    "mode_any": ("任一满足", "any may fire"), "exclude_st": ("排除ST", "Exclude ST"),
    "exclude_suspended": ("排除停牌", "Exclude suspended"), "min_listed_days": ("最少上市天数", "Minimum days listed"),
    "price_range": ("价格区间", "Price range"), "min_amount": ("最低成交额", "Minimum amount"),
    "mcap_range": ("市值区间", "Market cap range"), "source": ("数据源", "Data source"),
    "mode": ("方式", "Mode"), "symbols": ("股票", "Stocks"), "symbol": ("股票", "Stock"), "path": ("文件", "File"),
    "rows": ("行数", "Rows"), "formula": ("公式", "Formula"), "as_of_day": ("截至 {day}", "as of {day}"),
    "as_of": ("历史日期", "As of"),
    **FUNDAMENTAL_WORDS,
    **VALIDATION_WORDS,         # core/validation_reasons.py
    **ASOF_WORDS,               # core/asof_reasons.py
    **WATCH_WORDS,              # core/watch_reasons.py
}


def value_text(key: str, value, lang: str) -> str:
    """``收盘=10.24`` / ``Close=10.24``; flags as 是/否."""
    from . import numfmt

    name = pick(VALUE_NAMES.get(key), lang, key)
    if key in FLAG_VALUES and numfmt.finite(value):
        return f"{name}={word('yes' if float(value) else 'no', lang)}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{name}={value}"
    return f"{name}={numfmt.num(value, 2 if abs(float(value)) < 1e5 else 0, thousands=True)}"


def values_text(values: dict, lang: str) -> str:
    return ", ".join(value_text(k, v, lang) for k, v in (values or {}).items())


def pick(pair: tuple[str, str] | None, lang: str, fallback: str = "") -> str:
    """The zh or en word of a pair (``lang`` "zh"/"zh_CN"/"en"); ``fallback`` when unknown."""
    if not pair:
        return fallback
    return pair[0] if str(lang).lower().startswith("zh") else pair[1]


def word(key: str, lang: str, **params) -> str:
    text = pick(WORDS[key], lang)
    return text.format(**params) if params else text


def host_term(host: str) -> dict:
    """A host id as a name per language (a Reason parameter)."""
    zh, en = HOSTS.get(host, (host, host))
    return {"zh": zh, "en": en}


#: What ``stockscan-cli`` says, by key (templates as in REASONS).
MESSAGES: dict[str, tuple[str, str]] = {
    "interrupted": ("已中断", "interrupted"),
    "cancelled": ("已取消", "cancelled"),
    "error": ("错误：{text}", "error: {text}"),
    "scan_progress": ("扫描：{done}/{total} 命中 {found} 失败 {failed} {current}",
                      "scan: {done}/{total} found {found} failed {failed} {current}"),
    "refresh_progress": ("{label}：已完成 {done}{total}，失败 {failed} {current}",
                         "{label}: {done}{total} done, {failed} failed {current}"),
    "scan_title": ("{title}  [任务 {id}]", "{title}  [task {id}]"),
    "scan_summary": ("范围 {size}：命中 {found}，不符合 {not_matching}，排除 {excluded}{detail}，失败 {failed}；"
                     "{elapsed:.2f} 秒；K线日期 {as_of}",
                     "universe {size}: found {found}, not matching {not_matching}, excluded {excluded}{detail}, "
                     "failed {failed}; {elapsed:.2f} s; bars as of {as_of}"),
    "rejected_list": ("被拒绝 {n} 个：{items}", "rejected {n}: {items}"),
    "failed_list": ("失败：{items}{more}", "failed: {items}{more}"),
    "more": (" …（另有 {n} 个）", " … (+{n})"),
    "wrote_hits": ("已将 {n} 条结果写入 {path}", "wrote {n} hits to {path}"),
    "wrote_task_hits": ("已将任务 {id} 的 {n} 条结果写入 {path}", "wrote {n} hits of task {id} to {path}"),
    "more_rows": ("… 另有 {n} 条（用 --json 或 --csv 查看全部）", "… {n} more (use --json or --csv for all)"),
    "no_tasks": ("历史中没有任务", "no tasks in the history"),
    "older_tasks": ("… 另有 {n} 个更早的任务（--limit）", "… {n} older tasks (--limit)"),
    "history_header": ("编号\t类型\t状态\t完成/总数\t命中\t失败\t创建时间\t用时\t标题",
                       "id\tkind\tstatus\tdone/total\tfound\tfailed\tcreated\telapsed\ttitle"),
    "csv_only_show": ("--csv 只用于 'history show 编号'", "--csv applies to 'history show ID'"),
    "show_needs_id": ("'history show' 需要任务编号", "'history show' needs a task id"),
    "no_such_task": ("历史中没有任务 {id}", "no task {id} in the history"),
    "ambiguous_task": ("{id} 匹配 {n} 个任务：{ids}", "{id} matches {n} tasks: {ids}"),
    "task_line": ("{title}  [{kind} {id}，{status}，{created}]", "{title}  [{kind} {id}, {status}, {created}]"),
    "task_counts": ("完成 {done}/{total}，命中 {found}，失败 {failed}{error}",
                    "done {done}/{total}, found {found}, failed {failed}{error}"),
    "task_error": ("，错误：{error}", ", error: {error}"),
    "symbols_rejected": ("--symbols：{token}：{reason}", "--symbols: {token}: {reason}"),
    "symbols_none": ("--symbols 中没有股票代码", "--symbols lists no stock code"),
    "store_rebuilt": ("注意：K线库已重建：{reason}", "note: the bar store was rebuilt: {reason}"),
    "report_line": ("{title}：{summary}", "{title}: {summary}"),
    "report_failed": ("  失败 {symbol}：{reason}", "  failed {symbol}: {reason}"),
    "report_more_failures": ("  … 另有 {n} 个失败", "  … and {n} more failures"),
    "store_line": ("K线库：{n} 只股票，最新K线 {latest}（{path}）", "store: {n} symbols, latest bar {latest} ({path})"),
    "refresh_summary": ("获取 {fetched}，跳过 {skipped}，失败 {failed}{extra}",
                        "fetched {fetched}, skipped {skipped}, failed {failed}{extra}"),
    "refresh_extended": ("，延长 {n}", ", extended {n}"),
    "refresh_readjusted": ("，除权除息重算复权 {n}", ", re-adjusted after ex-dividend {n}"),
    "refresh_per_host": ("，各服务器 {items}", ", per host {items}"),
    "refresh_rested": ("，暂停 {items}", ", rested {items}"),
    "refresh_cancelled": ("，已取消", ", CANCELLED"),
    "backfill": ("补全历史", "backfill"),
    "update": ("更新行情", "update"),
    "col_code": ("代码", "code"), "col_name": ("名称", "name"), "col_board": ("板块", "board"),
    "col_industry": ("行业", "industry"), "col_listed": ("上市日期", "listed"),
    "universe_on_board": ("（{board}，{id}）", " on {board} ({id})"),
    "universe_footer": ("{n} 只股票{where} · 数据源：{source}{demo}", "{n} stocks{where} · source: {source}{demo}"),
    "legacy_bse": ("（{digits} 是北交所旧代码，按 {code} 处理；北交所已将股票改为 920xxx）",
                   " ({digits} is an old Beijing code, read as {code}; the BSE renumbered its stocks to 920xxx)"),
    "note": ("注意：{text}", "note: {text}"),
    "arg_not_utf8": ("第 {n} 个参数 {arg} 不是有效的 UTF-8 文本：请重新输入",
                     "argument {n} ({arg}) is not valid UTF-8 text: type it again"),
    "arg_nul": ("第 {n} 个参数含有空字符（NUL）：请重新输入", "argument {n} contains a NUL character: type it again"),
    "internal_error": ("内部错误（{type}：{detail}）；详情已写入 {log}，请报告此问题",
                       "internal error ({type}: {detail}); the details are in {log}, please report it"),
    "not_finite": ("{option} 必须是有限的数，给出的是 {value}", "{option} must be a finite number; {value} was given"),
    "not_non_negative": ("{option} 不能为负数，给出的是 {value}", "{option} must not be negative; {value} was given"),
    "hits_in_history": ("结果已保存在历史中：可用 stockscan-cli history show {id} --csv 路径 再次导出",
                        "the hits are kept in the history: export them again with "
                        "stockscan-cli history show {id} --csv PATH"),
    "refresh_stopped": ("已停止：{reason}", "stopped: {reason}"),
    "screens_none": ("还没有保存的选股方案（用 scan --save-screen 名称 保存）",
                     "no saved screens yet (save one with scan --save-screen NAME)"),
    "screen_saved": ("已保存选股方案“{name}”：{file}", "saved the screen {name!r}: {file}"),
    "screen_exported": ("已导出选股方案“{name}”：{file}", "exported the screen {name!r}: {file}"),
    "screen_deleted": ("已删除选股方案“{name}”", "deleted the screen {name!r}"),
    "screen_needs_name": ("'screens {action}' 需要方案名称", "'screens {action}' needs a screen name"),
    "screen_needs_path": ("'screens {action}' 需要文件路径", "'screens {action}' needs a file path"),
    "screen_columns": ("结果列：{columns}", "result columns: {columns}"),
    **FUNDAMENTAL_MESSAGES,
}

MESSAGES.update(VALIDATION_MESSAGES)
MESSAGES.update(MARKET_MESSAGES)
MESSAGES.update(WATCH_MESSAGES)
MESSAGES.update(INDEX_MESSAGES)
MESSAGES.update(MINUTE_MESSAGES)

MESSAGES.update(ADJUST_MESSAGES)

def say(key: str, lang: str, **params) -> str:
    """A CLI message in ``lang``; Reason parameters render in the same language."""
    from .reasons import render_param

    text = pick(MESSAGES[key], lang)
    if not params:
        return text
    values = {k: (v if isinstance(v, (int, float)) and not isinstance(v, bool) else render_param(v, lang))
              for k, v in params.items()}
    return text.format(**values)
