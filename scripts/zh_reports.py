"""Simplified Chinese for the daily report's catalog: fills recon/reports/translations/zh_Hans.

Usage (after changing strings of the report, its summary text, e-mail or the credit reasons):
    .venv/bin/pybabel extract -F recon/reports/babel.cfg -k N_ -k _msg -k w \\
        -o /tmp/reports.pot --no-location .
    .venv/bin/python scripts/zh_reports.py /tmp/reports.pot
It writes messages.po (kept in git, the source of truth for reviewers) and compiles messages.mo.
The credit reasons (``REASON_TEXT`` of recon/credit/tiers.py) take the Chinese of the credit
pages' catalog (web/translations_credit), so the page and the report say the same. A msgid
without a translation stays English, is listed on stderr, and fails
tests/recon/test_reports_i18n.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ZH = {
    # causes and kinds of item
    "possible duplicate": "疑似重复",
    "no candidate invoice": "无候选发票",
    "unknown payer": "付款人未知",
    "competing readings": "多种解读相互竞争",
    "fee gap": "手续费差额",
    "partial payment": "部分付款",
    "overpayment": "超额付款",
    "several invoices": "多张发票",
    "payout deposit": "结算到账",
    "payout difference": "结算差额",
    "low confidence": "置信度低",
    "other": "其他",
    "bank": "银行",
    "gateway": "支付网关",
    "payout": "结算",
    # sheets
    "summary": "摘要",
    "reconciliation": "银行对账",
    "payouts": "网关结算",
    "unmatched": "未匹配",
    "aging": "账龄",
    "exceptions": "异常",
    "credit": "信用",
    "forecast": "回款预测",
    # summary and overview
    "Run #%(run)s": "运行 #%(run)s",
    "needs a human": "需要人工处理",
    "tier %(tier)s": "等级 %(tier)s",
    "no tier yet": "尚无等级",
    "%(label)s: %(count)s": "%(label)s：%(count)s",
    "Credit alerts": "信用预警",
    "collection rate (回款率)": "回款率",
    "week from": "起始日",
    "expected (%(base)s)": "预计回款（%(base)s）",
    "80 %% band, low": "80%% 区间下限",
    "80 %% band, high": "80%% 区间上限",
    "Unmatched items by age (days)": "未匹配项目账龄（天）",
    "AR aging, %(currency)s (days past due)": "应收账款账龄，%(currency)s（逾期天数）",
    "Exceptions by cause (items)": "按原因分类的异常（笔）",
    "clean": "正常",
    "attention": "需关注",
    "failed": "失败",
    "files imported": "已导入文件",
    "quarantined": "已隔离",
    "duplicates": "重复",
    "lines imported": "已导入流水",
    "auto-matched": "自动匹配",
    "open suggestions": "待处理建议",
    "unapplied cash": "未核销现金",
    "payout differences": "结算差额",
    "%(n)s file(s) quarantined": "%(n)s 个文件被隔离",
    ", %(b)s of them by a bug": "，其中 %(b)s 个因程序错误",
    "%(n)s payout difference(s)": "%(n)s 笔结算差额",
    "%(n)s unmatched item(s) at least %(d)s day(s) old": "%(n)s 笔未匹配项目已超过 %(d)s 天",
    "%(n)s unmatched item(s)": "%(n)s 笔未匹配项目",
    "%(who)s is over its credit limit: exposure %(exposure)s > limit %(limit)s":
        "%(who)s 超出信用额度：敞口 %(exposure)s > 额度 %(limit)s",
    ", ": "，",
    "; ": "；",
    "%(who)s dropped from tier %(old)s to %(new)s: %(reasons)s":
        "%(who)s 信用等级由 %(old)s 降至 %(new)s：%(reasons)s",
    "%(n)s days": "%(n)s 天",
    "receivables": "应收账款",
    "DSO": "应收账款周转天数 (DSO)",
    "countback DSO": "倒推法应收账款周转天数 (DSO)",
    "CEI": "回款有效性指数 (CEI)",
    "average days delinquent": "平均逾期天数",
    "customers on hold": "暂停赊销客户",
    "The 80 %% band is calibrated on the forecast's errors at %(n)s earlier month-ends "
    "(factor %(f)s).": "80%% 区间已按此前 %(n)s 个月末的预测误差校准（系数 %(f)s）。",
    "The 80 %% band is simulated only: too little history to calibrate it.":
        "80%% 区间仅为模拟结果：历史数据不足，无法校准。",
    # the HTML page
    "Reconciliation report %(day)s": "对账报告 %(day)s",
    "status": "状态",
    "started %(at)s": "开始于 %(at)s",
    "finished %(at)s": "结束于 %(at)s",
    "Credit and receivables (%(base)s)": "信用与应收账款（%(base)s）",
    "Credit figures not computed: %(error)s": "未能计算信用数据：%(error)s",
    "tiers": "信用等级",
    "Collection rate (回款率) by month: of what fell due in the month, the share collected by "
    "its end": "按月回款率：当月到期金额中于月末前收回的比例",
    "month": "月份",
    "due": "到期金额",
    "collected": "已收回",
    "Receivables aging in %(base)s": "应收账款账龄（%(base)s）",
    "days past due": "逾期天数",
    "in %(base)s": "折合 %(base)s",
    "in their own currency": "原币金额",
    "Rates of %(rates)s": "汇率日期：%(rates)s",
    "No rate for %(codes)s: left out of the base-currency totals.":
        "%(codes)s 无汇率：未计入本位币合计。",
    "Top overdue customers": "逾期金额最高的客户",
    "Collection rate (回款率) by month, %%": "按月回款率（%%）",
    "Expected receipts per week, %(base)s": "每周预计回款（%(base)s）",
    "customer": "客户",
    "overdue": "逾期金额",
    "oldest (days)": "最长逾期（天）",
    "Cash-collection forecast, next %(weeks)s weeks (%(base)s)":
        "未来 %(weeks)s 周回款预测（%(base)s）",
    "Forecast not computed: %(error)s": "未能计算回款预测：%(error)s",
    "expected": "预计回款",
    "80 %% band": "80%% 区间",
    "Later or never: %(amount)s.": "更晚或无法收回：%(amount)s。",
    "nothing to show": "无内容",
    "Amounts are in each row's own currency unless a base currency is named; the CSV files "
    "keep the machine column names in every language.":
        "除注明本位币外，金额均为各行自身币种；CSV 文件在所有语言下均保留机器可读的列名。",
    # table cells and column names
    "no deposit found": "未找到到账",
    "ok": "一致",
    "difference": "差额",
    "account": "账户",
    "name": "名称",
    "currency": "币种",
    "opening balance": "期初余额",
    "receipts matched": "已匹配收款",
    "receipts unmatched": "未匹配收款",
    "payments": "付款",
    "closing balance (ledger)": "期末余额（账面）",
    "closing balance (statement)": "期末余额（对账单）",
    "check": "核对",
    "lines": "流水笔数",
    "date": "日期",
    "payout amount": "结算金额",
    "expected net": "预期净额",
    "components": "组成笔数",
    "bank deposit": "银行到账",
    "deposit reference": "到账参考号",
    "deposit date": "到账日期",
    "state": "状态",
    "source": "来源",
    "item": "编号",
    "booked": "记账日期",
    "age (days)": "账龄（天）",
    "amount": "金额",
    "payer": "付款人",
    "text": "摘要",
    "cause": "原因",
    "best suggestion": "最佳建议",
    "confidence": "置信度",
    "customer id": "客户编号",
    "total": "合计",
    "invoices": "发票数",
    "count": "笔数",
    "examples": "示例",
    "current": "未到期",
    "1-30 days": "1-30 天",
    "31-60 days": "31-60 天",
    "61-90 days": "61-90 天",
    "over 90 days": "90 天以上",
    "Bank reconciliation per account": "各账户银行对账",
    "no closing balance from the bank": "银行未提供期末余额",
    "no opening balance from the bank": "银行未提供期初余额",
    "agrees": "一致",
    "DIFFERENCE": "有差异",
    "Gateway payouts vs bank deposits": "网关结算与银行到账核对",
    "Unmatched items": "未匹配项目",
    "Accounts receivable aging (days past due)": "应收账款账龄（逾期天数）",
    "Exceptions by cause": "按原因分类的异常",
    # e-mail and summary text
    "%(day)s run #%(run)s: %(status)s": "%(day)s 运行 #%(run)s：%(status)s",
    "imported": "已导入",
    "duplicate": "重复",
    "auto": "自动",
    "accepted_suggestion": "已接受的建议",
    "suggestion": "建议",
    "manual": "人工",
    "recon run %(day)s (run #%(run)s)": "对账运行 %(day)s（运行 #%(run)s）",
    "FAILED": "失败",
    "files: %(imported)s imported (%(lines)s line(s)), %(quarantined)s quarantined, "
    "%(duplicate)s duplicate(s)":
        "文件：已导入 %(imported)s 个（%(lines)s 笔流水），隔离 %(quarantined)s 个，"
        "重复 %(duplicate)s 个",
    "gateway events: %(text)s": "网关事件：%(text)s",
    "matching: %(text)s": "匹配：%(text)s",
    "unmatched: %(n)s (%(amounts)s); by age %(ages)s":
        "未匹配：%(n)s 笔（%(amounts)s）；按账龄 %(ages)s",
    "unapplied cash: %(amounts)s": "未核销现金：%(amounts)s",
    "confirmed matches by origin: %(text)s": "已确认匹配（按来源）：%(text)s",
    "none": "无",
    "payout differences: %(n)s": "结算差额：%(n)s",
    "reports: %(path)s": "报告：%(path)s",
    "NEEDS A HUMAN: %(reason)s": "需要人工处理：%(reason)s",
    "credit: not computed (%(error)s)": "信用：未计算（%(error)s）",
    "credit: %(tiers)s; %(kpis)s": "信用：%(tiers)s；%(kpis)s",
    "ALERT: %(text)s": "预警：%(text)s",
    "not run": "未运行",
    "%(processed)s processed, %(failed)s failed": "已处理 %(processed)s 个，失败 %(failed)s 个",
    "not run (--no-match)": "未运行（--no-match）",
    "%(auto)s auto-matched, %(suggested)s suggestion(s) waiting for a person":
        "自动匹配 %(auto)s 笔，%(suggested)s 条建议待人工处理",
}

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "recon/reports/translations/zh_Hans/LC_MESSAGES"
CREDIT = ROOT / "web/translations_credit/zh_Hans/LC_MESSAGES/messages.po"


def _credit_reasons() -> dict[str, str]:
    """The credit catalog's Chinese for the tier reasons."""
    from recon.credit.tiers import REASON_TEXT

    with CREDIT.open("rb") as fh:
        known = {str(m.id): str(m.string) for m in read_po(fh) if m.id}
    return {text: known[text] for text in REASON_TEXT.values() if known.get(text)}


def main(pot: str) -> int:
    with open(pot, "rb") as fh:
        catalog = read_po(fh, locale="zh_Hans")
    missing, table = [], {**ZH, **_credit_reasons()}
    for message in catalog:
        if message.id:
            message.string = table.get(message.id, "")
            if not message.string:
                missing.append(message.id)
    FOLDER.mkdir(parents=True, exist_ok=True)
    with (FOLDER / "messages.po").open("wb") as fh:
        write_po(fh, catalog, omit_header=False, width=100)
    with (FOLDER / "messages.mo").open("wb") as fh:
        write_mo(fh, catalog)
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
