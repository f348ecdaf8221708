"""Simplified Chinese for the platform catalog: fills web/translations/zh_Hans from the template.

Usage (after changing strings):
    .venv/bin/pybabel extract -F web/babel.cfg -k _l -o /tmp/messages.pot --no-location .
    .venv/bin/python scripts/zh_hans.py /tmp/messages.pot
It writes messages.po (kept in git, the source of truth for reviewers) and compiles messages.mo.
A msgid without a translation here stays English and is listed on stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ZH = {
    "Choose a file to upload.": "请选择要上传的文件。",
    "%(name)s was not imported: %(error)s": "%(name)s 未导入：%(error)s",
    "%(name)s imported: %(text)s": "%(name)s 已导入：%(text)s",
    "Settings saved.": "设置已保存。",
    "Alias saved.": "别名已保存。",
    "Alias deleted.": "别名已删除。",
    "Too many attempts. Try again later.": "尝试次数过多，请稍后再试。",
    "The file is larger than the upload limit of %(mib)s MiB; an administrator can raise it with "
    "RECON_MAX_UPLOAD_BYTES, or import it with the command line (recon statements import), "
    "whose limit is RECON_MAX_FILE_BYTES.":
        "文件超过上传上限 %(mib)s MiB；管理员可通过 RECON_MAX_UPLOAD_BYTES 提高上限，或使用命令行"
        "（recon statements import）导入，其上限为 RECON_MAX_FILE_BYTES。",
    "Wrong username or password, or the account is locked.": "用户名或密码错误，或账户已被锁定。",
    "Dashboard": "仪表板",
    "Queue": "待处理队列",
    "Invoices": "发票",
    "Gateways": "支付网关",
    "Runs": "运行记录",
    "Upload": "上传",
    "Audit log": "审计日志",
    "Settings": "设置",
    "Pages": "分页",
    "Previous": "上一页",
    "Page %(page)s of %(pages)s": "第 %(page)s 页，共 %(pages)s 页",
    "%(total)s items": "共 %(total)s 项",
    "Next": "下一页",
    "Reconciliation": "对账",
    "Log out": "退出登录",
    "Error": "错误",
    "Back to the dashboard": "返回仪表板",
    "Alias table": "别名表",
    "Payer or customer": "付款人或客户",
    "Polarity": "类型",
    "All": "全部",
    "Filter": "筛选",
    "Payer name": "付款人名称",
    "Customer": "客户",
    "Source": "来源",
    "By": "操作人",
    "Save": "保存",
    "Delete this alias?": "删除此别名？",
    "Delete": "删除",
    "No aliases.": "没有别名。",
    "Setting": "设置项",
    "Value": "值",
    "Upload a file": "上传文件",
    "Kind": "类型",
    "Bank statement (OFX, camt.05x, MT940, BAI2, CSV, XLSX)":
        "银行对账单（OFX、camt.05x、MT940、BAI2、CSV、XLSX）",
    "Gateway settlement report (Stripe, Alipay, WeChat Pay)":
        "网关结算报表（Stripe、支付宝、微信支付）",
    "Open invoices from the ERP (CSV or JSON)": "来自 ERP 的未结发票（CSV 或 JSON）",
    "File": "文件",
    "Import": "导入",
    "One file is one transaction: a file with errors imports nothing and says where the error is.":
        "每个文件是一个事务：有错误的文件不会导入任何内容，并会指出错误位置。",
    "Log in": "登录",
    "Username": "用户名",
    "Password": "密码",
    "Auto-match rate per run": "每次运行的自动匹配率",
    "No runs yet.": "尚无运行记录。",
    "Unmatched by age (days)": "未匹配款项账龄（天）",
    "Age": "账龄",
    "Count": "笔数",
    "Amount": "金额",
    "Unapplied cash": "未核销现金",
    "None": "无",
    "Payout differences": "结算差额",
    "Gateway": "网关",
    "Payout": "结算",
    "Expected": "应到账",
    "Deposited": "已到账",
    "Difference": "差额",
    "not in bank yet": "尚未到账",
    "none": "无",
    "No payouts.": "没有结算。",
    "Last runs": "最近运行",
    "Date": "日期",
    "Status": "状态",
    "Started": "开始时间",
    "Finished": "结束时间",
    "When": "时间",
    "Who": "操作人",
    "Action": "操作",
    "Object": "对象",
    "Change": "变更",
    "Reason": "原因",
    "No events.": "没有记录。",
    "User": "用户",
    "Object type": "对象类型",
    "Object id": "对象编号",
    "From": "从",
    "To": "至",
    "Gateway transactions and payouts": "网关交易与结算",
    "Id": "编号",
    "Order": "订单",
    "Gross": "总额",
    "Fee": "手续费",
    "Net": "净额",
    "No transactions.": "没有交易。",
    "Invoice": "发票",
    "Issued": "开票日期",
    "Due": "到期日",
    "Paid": "已付",
    "Adjusted": "已调整",
    "Open amount": "未结金额",
    "Allocations": "核销明细",
    "Match": "匹配",
    "Receipt": "收款",
    "bank line": "银行流水",
    "gateway transaction": "网关交易",
    "Adjustments": "调整",
    "Prepared by": "经办人",
    "Approved by": "审批人",
    "History": "历史",
    "Invoice or customer": "发票或客户",
    "Days overdue": "逾期天数",
    "No invoices.": "没有发票。",
    "Run": "运行",
    "Reports": "报告",
    "No report files.": "没有报告文件。",
    "open": "未结", "partial": "部分支付", "paid": "已付清", "cancelled": "已取消",
    "running": "运行中", "clean": "正常", "attention": "需关注", "failed": "失败",
    "suggested": "建议", "auto": "自动", "manual": "手工", "rejected": "已拒绝",
    "undone": "已撤销", "superseded": "已替换", "proposed": "已提议", "applied": "已生效",
    "pending_approval": "待审批",
    "charge": "收款", "refund": "退款", "fee": "手续费", "dispute": "争议", "payout": "结算",
    "adjustment": "调整", "matched": "已匹配", "unmatched": "未匹配", "deposited": "已到账",
    "awaiting_deposit": "待到账", "n/a": "不适用",
    "bank_fee": "银行手续费", "fx_difference": "汇兑差额", "discount": "折扣",
    "write_off": "核销冲账", "other_income": "其他收入", "own_transfer": "内部转账",
    "positive": "确认", "negative": "排除",
    "viewer": "查看者", "clerk": "经办员", "approver": "审批人", "admin": "管理员",
    "Auto-confirm threshold (score 0-1)": "自动确认阈值（分数 0-1）",
    "Suggestion threshold (score 0-1)": "建议阈值（分数 0-1）",
    "Write-off limit needing approval (amount)": "需审批的核销冲账限额（金额）",
    "Bank fee tolerance (amount)": "银行手续费容差（金额）",
    "Bank fee tolerance (percent of the amount)": "银行手续费容差（金额百分比）",
    "Language of the daily report and its e-mail": "每日报告及其邮件的语言",
}


def main(pot: str) -> None:
    with open(pot, "rb") as fh:
        catalog = read_po(fh, locale="zh_Hans")
    missing = []
    for message in catalog:
        if message.id:
            message.string = ZH.get(message.id, "")
            if not message.string:
                missing.append(message.id)
    folder = Path(__file__).resolve().parents[1] / "web/translations/zh_Hans/LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "messages.po").open("wb") as fh:
        write_po(fh, catalog, omit_header=False, width=100)
    with (folder / "messages.mo").open("wb") as fh:
        write_mo(fh, catalog)
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
