"""Writes the triage catalog (web/translations_triage/zh_Hans) from the table below and
compiles it. Run after adding strings: ``.venv/bin/python scripts/zh_triage.py``.
``tests/web/test_triage_i18n.py`` fails when an extracted string has no entry here."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

OUT = Path(__file__).resolve().parents[1] / "web/translations_triage/zh_Hans/LC_MESSAGES"

ZH: dict[str | tuple[str, str], str | tuple[str, ...]] = {
    "bank charges": "银行手续费",
    "currency difference": "汇兑差额",
    "discount": "折扣",
    "write-off": "核销",
    "other income": "其他收入",
    "transfer between own accounts": "内部账户转账",
    "refund": "退款",
    "waiting for approval": "待审批",
    "applied": "已入账",
    "proposed": "已提议",
    "rejected": "已拒绝",
    "reversed": "已冲回",
    "suggested": "建议",
    "matched automatically": "自动匹配",
    "matched by hand": "手工匹配",
    "undone": "已撤销",
    "replaced by a newer suggestion": "已被新建议取代",
    "payout deposit": "结算到账",
    "bank charges gap": "手续费差额",
    "unknown payer": "付款人未知",
    "invoice number %(num)s found in the text": "附言中有发票号码 %(num)s",
    "the digits of invoice %(num)s found in the text": "附言中有发票 %(num)s 的数字",
    "invoice number found in the text, which also names other open invoices":
        "附言中有发票号码，但也提到了其他未付发票",
    "the invoice's digits found in the text, which also names other open invoices":
        "附言中有发票的数字，但也提到了其他未付发票",
    "invoice number found in the text, one digit different": "发票号码出现在附言中，有一位数字不同",
    "the text, cut off at the bank's field limit, ends with the start of the invoice number":
        "附言在银行字段长度处被截断，结尾是发票号码的开头",
    "the text ends with the start of the invoice number": "附言结尾是发票号码的开头",
    "no invoice number in the text": "附言中没有发票号码",
    "the last digits of the invoice number found in the text": "附言中有发票号码的末几位",
    "the text names an invoice that is already paid": "附言提到一张已付清的发票",
    "the text names a different open invoice": "附言提到另一张未付发票",
    "the payout reference found in the deposit": "到账记录中有结算编号",
    "this payer is known to pay for this customer": "已知该付款人为此客户付款",
    "payer name is the customer's name": "付款人名称与客户名称相同",
    "payer name is the pinyin of the customer's Chinese name": "付款人名称是客户中文名的拼音",
    "payer name is very close to the customer's": "付款人名称与客户名称非常接近",
    "payer name is similar to the customer's": "付款人名称与客户名称相似",
    "payer name is only a little like the customer's": "付款人名称与客户名称只有少许相似",
    "the bank sent no payer name": "银行未提供付款人名称",
    "payer looks like a clearing house paying for others": "付款人像是代他人付款的清算机构",
    "payer name differs from the customer's": "付款人名称与客户名称不同",
    "this payer was rejected for this customer before": "此前已有人否定该付款人属于此客户",
    "the deposit comes from the payment gateway": "到账来自支付网关",
    "the deposit does not name the payment gateway": "到账记录未提到支付网关",
    "amount equals the open amount": "金额等于未付金额",
    "amount equals the invoice after currency conversion": "按汇率换算后金额等于发票金额",
    "amount is %(gap)s less than the invoice: within the bank-fee tolerance":
        "金额比发票少 %(gap)s：在银行手续费容差之内",
    ("amount equals %(num)d invoice", "amount equals the sum of %(num)d invoices"):
        ("金额等于 %(num)d 张发票的合计",),
    "amount is %(gap)s less than the invoice: a part payment": "金额比发票少 %(gap)s：部分付款",
    "amount is %(gap)s more than the invoice: the rest stays unapplied":
        "金额比发票多 %(gap)s：多出部分暂不核销",
    "amount is far from the invoice's open amount": "金额与发票未付金额相差很大",
    "amount differs from the payout": "金额与结算金额不同",
    "paid in the usual time after the invoice": "在开票后的正常期限内付款",
    "paid later than usual": "付款晚于通常时间",
    "paid very long after the invoice": "开票很久之后才付款",
    "paid before the invoice was issued": "在开票之前付款",
    "arrived when the payout was due": "在结算应到日到账",
    "arrived long before or after the payout was due": "到账时间与结算应到日相差很远",
    "the text says this is not a customer payment (interest, refund, transfer)":
        "附言显示这不是客户付款（利息、退款或转账）",
    "the money comes from one of our own accounts": "款项来自我方自己的账户",
    "a person rejected this pairing before": "此前已有人拒绝过这一配对",
    ("%(num)d other invoice or receipt fits this money too",
     "%(num)d other invoices or receipts fit this money too"):
        ("另有 %(num)d 张发票或收款也与这笔款项相符",),
    "other evidence": "其他依据",
    "a rule you wrote says this payer pays for this customer": "您设定的规则表明该付款人为此客户付款",
    "looks like a customer payment": "看起来是客户付款",
    "no earlier decision on this pairing": "此配对此前没有人工决定",
    "Suggestion accepted.": "已接受建议。",
    "Suggestion rejected; it will not be proposed again.": "已拒绝建议；不会再次提议。",
    "Matched by hand.": "已手工匹配。",
    "Above the limit: the write-off waits for a second person's approval.":
        "超过限额：核销需等待另一人审批。",
    "Written off.": "已核销。",
    "Enter an amount, for example 99.00.": "请输入金额，例如 99.00。",
    "“%(text)s” is not an amount: use digits and a decimal point, for example 99.00.":
        "“%(text)s”不是金额：请用数字和小数点，例如 99.00。",
    "The amount must be more than zero.": "金额必须大于零。",
    "Enter the invoice number.": "请输入发票号码。",
    "There is no invoice numbered “%(no)s”.": "没有号码为“%(no)s”的发票。",
    "Invoice %(no)s is already settled.": "发票 %(no)s 已结清。",
    "Invoice %(no)s is in %(cur)s, the receipt in %(rc)s.":
        "发票 %(no)s 的币种是 %(cur)s，收款的币种是 %(rc)s。",
    "Choose how to book the difference.": "请选择差额的记账方式。",
    "Say why the amount is written off.": "请说明核销原因。",
    "Match by hand": "手工匹配",
    "Likely invoices": "可能的发票",
    "Invoice number": "发票号码",
    "Amount": "金额",
    "If the invoice stays short": "如果发票仍有差额",
    "leave it partly open": "保留部分未付",
    "book the rest as bank charges": "差额记为银行手续费",
    "Match": "匹配",
    "Write off": "核销",
    "Above %(limit)s a second person with the approver role must approve.":
        "超过 %(limit)s 时，须由另一位审批人批准。",
    "Reason": "原因",
    "Keys": "快捷键",
    "OK, accept the proposal": "确定，接受提议",
    "Reject the proposal": "拒绝提议",
    "Next item of this view": "本视图的下一项",
    "Take that alternative": "采用该备选",
    "Show or hide the weights": "显示或隐藏权重",
    "Leave a field, close this help": "离开输入框，关闭此帮助",
    "This help": "此帮助",
    "In a field, Enter submits that field's form; letters type as usual.":
        "在输入框中，回车提交该表单；字母照常输入。",
    "Close": "关闭",
    "Next": "下一项",
    "Triage": "分拣",
    "Your session has ended. Log in again in another tab, then press the button again: "
    "what you typed is still here.":
        "会话已结束。请在另一个标签页重新登录，然后再按一次按钮：您输入的内容仍然保留。",
    "This page is out of date (its security token expired). Copy what you typed, then reload "
    "the page.": "此页面已过期（安全令牌失效）。请先复制您输入的内容，再刷新页面。",
    "Your role may not do this.": "您的角色无权执行此操作。",
    "That did not work (the server answered %(code)s). Nothing was changed.":
        "操作未成功（服务器返回 %(code)s）。没有任何更改。",
    "The server cannot be reached. Nothing was changed; try again.":
        "无法连接服务器。没有任何更改；请重试。",
    ("%(num)d item needs you in this view", "%(num)d items need you in this view"):
        ("本视图中有 %(num)d 项待您处理",),
    "Back to the list": "返回列表",
    "Nothing left to clear in this view.": "本视图中已没有待处理的项目。",
    "As the bank sent it": "银行原始记录",
    "As the gateway sent it": "网关原始记录",
    "Booked": "入账日期",
    ("%(num)d day ago", "%(num)d days ago"): ("%(num)d 天前",),
    "Payer": "付款人",
    "(no name sent)": "（未提供名称）",
    "Payer account": "付款账户",
    "Remittance": "附言",
    "Bank reference": "银行流水号",
    "Order": "订单",
    "Account": "账户",
    "Gateway": "网关",
    "Why it is here": "待处理原因",
    "The bank's record, unchanged": "银行原始记录（未改动）",
    "(no raw record)": "（无原始记录）",
    "All actions for this receipt (split, classify, undo)": "此收款的全部操作（拆分、分类、撤销）",
    "Proposed": "提议",
    "Invoice": "发票",
    "Customer": "客户",
    "Due": "到期日",
    "Still open": "未付金额",
    "The receipt pays the invoice exactly.": "收款金额与发票金额完全一致。",
    "The receipt is %(gap)s less than the invoice.": "收款比发票少 %(gap)s。",
    "The receipt is %(gap)s more than the invoice.": "收款比发票多 %(gap)s。",
    "Booked as %(what)s: %(amount)s": "记为%(what)s：%(amount)s",
    "Why": "依据",
    "for:": "支持：",
    "against:": "反对：",
    "Details": "详情",
    "Evidence": "依据",
    "Weight": "权重",
    "OK, accept": "确定，接受",
    "Reject": "拒绝",
    "Or one of these": "或选择以下之一",
    "No proposal": "没有提议",
    "The matcher found no invoice that fits. Match it by hand below, or write it off.":
        "匹配程序没有找到相符的发票。请在下方手工匹配，或将其核销。",
}


def build() -> Catalog:
    catalog = Catalog(locale="zh_Hans", project="recon-triage", fuzzy=False)
    for msgid, msgstr in ZH.items():
        catalog.add(msgid, msgstr)
    return catalog


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    catalog = build()
    with open(OUT / "messages.po", "wb") as po:
        write_po(po, catalog, omit_header=False, sort_output=True)
    with open(OUT / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)


if __name__ == "__main__":
    main()
