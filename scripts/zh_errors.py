# ruff: noqa: E501  (a table of translations: one sentence per line reads best)
"""Writes the service errors' catalog (web/translations_errors/zh_Hans) from the table below
and compiles it. The message ids are the English texts ``recon/`` raises
(``scripts/error_ids.py`` lists them); run after adding one:
``.venv/bin/python scripts/zh_errors.py``. ``tests/recon/test_error_messages.py`` fails when an
id has no entry here or its placeholders differ."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

OUT = Path(__file__).resolve().parents[1] / "web/translations_errors/zh_Hans/LC_MESSAGES"

ZH: dict[str, str] = {
    "%(setting)s: %(value)s is not one of %(choices)s": "%(setting)s：%(value)s 不是以下之一：%(choices)s",
    "say in a note what was done (e.g. the new invoice number)": "请在备注中说明所做处理（例如新发票号）",
    "resolution must be one of %(choices)s": "处理方式必须是以下之一：%(choices)s",
    "money-back item %(id)s does not exist": "退款事项 %(id)s 不存在",
    "the item was already closed (%(resolution)s)": "该事项已关闭（%(resolution)s）",
    "unknown file kind %(kind)s (one of %(choices)s)": "未知的文件类型 %(kind)s（应为以下之一：%(choices)s）",
    "%(file)s: file is %(size)s bytes, over the limit of %(limit)s": "%(file)s：文件大小 %(size)s 字节，超过上限 %(limit)s",
    "%(file)s: the file is empty": "%(file)s：文件为空",
    "import %(job)s is not waiting for an account decision": "导入 %(job)s 不在等待账户确认",
    "import %(job)s: the file names no account %(account)s": "导入 %(job)s：文件中没有账户 %(account)s",
    "import %(job)s: no bank account %(id)s for %(account)s": "导入 %(job)s：没有可用于 %(account)s 的银行账户 %(id)s",
    "import %(job)s: pick an account or confirm creating each one": "导入 %(job)s：请为每个账户选择已有账户或确认新建",
    "%(gateway)s account: %(field)s is a secret; give env:NAME or file:/path, never the value": "%(gateway)s 账户：%(field)s 是密钥，请填写 env:变量名 或 file:/路径，不要填写密钥本身",
    "%(gateway)s account: missing %(fields)s": "%(gateway)s 账户：缺少 %(fields)s",
    "%(gateway)s account: unknown fields %(fields)s": "%(gateway)s 账户：未知字段 %(fields)s",
    "%(gateway)s refused the pay link: %(reason)s": "%(gateway)s 拒绝了付款链接：%(reason)s",
    "%(kind)s %(id)s does not exist": "%(kind)s %(id)s 不存在",
    "%(kind)s %(id)s is not a receipt": "%(kind)s %(id)s 不是收款",
    "%(kind)s of %(amount)s exceeds the line's unapplied %(left)s": "%(kind)s %(amount)s 超过了该流水的未核销金额 %(left)s",
    "%(kind)s of %(amount)s exceeds the open %(left)s of %(invoice)s": "%(kind)s %(amount)s 超过了发票 %(invoice)s 的未付金额 %(left)s",
    "%(kind)s of %(amount)s exceeds the unapplied %(left)s of charge %(charge)s": "%(kind)s %(amount)s 超过了网关收款 %(charge)s 的未核销金额 %(left)s",
    "%(object)s %(id)s does not belong to this receipt": "%(object)s %(id)s 不属于这笔收款",
    "%(part)s: %(reason)s": "%(part)s：%(reason)s",
    "%(setting)s: %(currency)s is given twice": "%(setting)s：%(currency)s 填写了两次",
    "%(setting)s: %(entry)s is not CURRENCY=amount with an ISO 4217 currency": "%(setting)s：%(entry)s 不是“币种=金额”格式（币种须为 ISO 4217 代码）",
    "%(setting)s: %(entry)s: %(currency)s has at most %(digits)s decimals": "%(setting)s：%(entry)s：%(currency)s 最多 %(digits)s 位小数",
    "%(setting)s: %(entry)s: %(value)s is not an amount": "%(setting)s：%(entry)s：%(value)s 不是金额",
    "%(setting)s: %(entry)s: the limit must be 0 or more": "%(setting)s：%(entry)s：限额不能小于 0",
    "%(setting)s: %(value)s is below %(low)s": "%(setting)s：%(value)s 小于 %(low)s",
    "%(setting)s: %(value)s is not a number": "%(setting)s：%(value)s 不是数字",
    "%(setting)s: %(value)s is not between %(low)s and %(high)s": "%(setting)s：%(value)s 不在 %(low)s 与 %(high)s 之间",
    "%(setting)s: %(value)s must not exceed the auto-confirm threshold %(auto)s": "%(setting)s：%(value)s 不能高于自动确认阈值 %(auto)s",
    "%(user)s is not an active user": "%(user)s 不是有效用户",
    "%(where)s: cannot read %(path)s: %(reason)s": "%(where)s：无法读取 %(path)s：%(reason)s",
    "%(where)s: environment variable %(name)s is not set": "%(where)s：未设置环境变量 %(name)s",
    "SMS: %(count)s characters, one message holds %(limit)s": "短信：共 %(count)s 个字符，一条短信最多 %(limit)s 个",
    "a %(receipt_currency)s receipt for %(invoice)s in %(invoice_currency)s needs the receipt amount (an FX rate rule)": "用 %(receipt_currency)s 收款支付 %(invoice_currency)s 发票 %(invoice)s，需要收款金额（汇率规则）",
    "a category is one of %(choices)s": "类别须为以下之一：%(choices)s",
    "a credit limit cannot be negative": "信用额度不能为负数",
    "a debit or refund cannot pay customer invoices": "支出或退款不能用于支付客户发票",
    "a difference is one of %(choices)s, not %(kind)s": "差额须为以下之一：%(choices)s，而不是 %(kind)s",
    "a match needs at least one allocation or adjustment": "匹配至少需要一笔分配或调整",
    "a new match cannot have status %(status)s": "新匹配的状态不能是%(status)s",
    "a note needs some text": "备注不能为空",
    "a password has at least %(count)s characters": "密码至少 %(count)s 个字符",
    "a receipt is classified as one of %(choices)s": "收款只能归类为以下之一：%(choices)s",
    "a rule leads to one of %(choices)s": "规则的结果须为以下之一：%(choices)s",
    "a rule needs a payer or a text to look for": "规则需要付款人或要查找的文字",
    "a user name has 1-64 characters": "用户名为 1-64 个字符",
    "a view needs a name": "视图需要名称",
    "a write-off needs a reason": "核销需要填写原因",
    "account %(account)s belongs to another customer": "账户 %(account)s 属于其他客户",
    "account: not an account number (letters and digits, 5-64)": "账户：不是账号（5-64 位字母和数字）",
    "adjustment %(id)s belongs to match %(match)s: undo that": "调整 %(id)s 属于匹配 %(match)s：请撤销该匹配",
    "adjustment %(id)s does not exist": "调整 %(id)s 不存在",
    "adjustment %(id)s is %(status)s, not applied": "调整 %(id)s 的状态是%(status)s，不是已生效",
    "adjustment %(id)s is %(status)s, not waiting for approval": "调整 %(id)s 的状态是%(status)s，不是待审批",
    "alias %(id)s does not exist": "别名 %(id)s 不存在",
    "amount: %(amount)s is not an amount in %(currency)s": "金额：%(amount)s 不是有效的 %(currency)s 金额",
    "amount: must be positive": "金额：必须大于 0",
    "an adjustment amount must be positive": "调整金额必须大于 0",
    "an adjustment has one target: an invoice, a bank line or a charge": "一笔调整只能有一个对象：发票、银行流水或网关收款",
    "an adjustment needs an invoice or a bank line": "调整需要一张发票或一条银行流水",
    "an adjustment needs an invoice, a bank line or a gateway charge": "调整需要一张发票、一条银行流水或一笔网关收款",
    "an amount range needs a currency": "金额范围需要币种",
    "an override needs a reason": "人工调整需要填写原因",
    "bank line %(id)s does not exist": "银行流水 %(id)s 不存在",
    "bank line %(id)s has nothing left to clear": "银行流水 %(id)s 已无待处理金额",
    "channel: %(value)s is not e-mail or SMS": "渠道：%(value)s 不是电子邮件或短信",
    "channel: %(value)s is not e-mail, SMS or the preferred channel": "渠道：%(value)s 不是电子邮件、短信或首选渠道",
    "collection status: %(value)s is not one of %(choices)s": "催收状态：%(value)s 不是以下之一：%(choices)s",
    "confidence %(confidence)s is outside [0, 1]": "置信度 %(confidence)s 不在 [0, 1] 之间",
    "customer %(id)s does not exist": "客户 %(id)s 不存在",
    "days: level %(level)s must stay between its neighbours": "天数：第 %(level)s 级必须介于相邻两级之间",
    "dispute %(id)s does not exist": "争议 %(id)s 不存在",
    "dispute %(id)s is already resolved": "争议 %(id)s 已解决",
    "dunning level %(id)s does not exist": "催收级别 %(id)s 不存在",
    "e-mail: %(value)s is not an e-mail address": "电子邮件：%(value)s 不是电子邮件地址",
    "gateway charge %(id)s does not exist": "网关收款 %(id)s 不存在",
    "gateway record %(id)s is a %(kind)s, not a charge": "网关记录 %(id)s 是%(kind)s，不是收款",
    "gateway: %(gateway)s cannot make pay links": "网关：%(gateway)s 不能生成付款链接",
    "gateway: %(gateway)s is not configured for pay links": "网关：%(gateway)s 未配置付款链接",
    "invoice %(id)s does not exist": "发票 %(id)s 不存在",
    "invoice %(id)s is not an invoice of %(customer)s": "发票 %(id)s 不是客户 %(customer)s 的发票",
    "invoice %(invoice)s is %(status)s: nothing to pay": "发票 %(invoice)s 的状态是%(status)s：无需付款",
    "invoice %(invoice)s is cancelled": "发票 %(invoice)s 已作废",
    "kind: %(value)s is not a call, an e-mail, a note or an SMS": "类型：%(value)s 不是电话、电子邮件、备注或短信",
    "language: %(value)s is not one of %(choices)s": "语言：%(value)s 不是以下之一：%(choices)s",
    "log entry %(id)s does not exist": "记录 %(id)s 不存在",
    "match %(id)s does not exist": "匹配 %(id)s 不存在",
    "match %(id)s has no receipt": "匹配 %(id)s 没有收款",
    "match %(id)s is %(status)s: only confirmed ones can be undone": "匹配 %(id)s 的状态是%(status)s：只能撤销已确认的匹配",
    "match %(id)s is %(status)s: only suggestions can be accepted": "匹配 %(id)s 的状态是%(status)s：只能接受建议",
    "match %(id)s is %(status)s: only suggestions can be rejected": "匹配 %(id)s 的状态是%(status)s：只能拒绝建议",
    "minimum amount: %(value)s is not a number": "最低金额：%(value)s 不是数字",
    "minimum amount: must be zero or more": "最低金额：不能小于 0",
    "name the clearing account": "请填写过渡账户",
    "only %(user)s, who prepared it, can withdraw it": "只有提交人 %(user)s 可以撤回",
    "only a bank line's rest can be classified": "只有银行流水的余额可以归类",
    "payment terms: %(value)s days is not between 0 and 365": "付款期限：%(value)s 天不在 0 到 365 之间",
    "payment terms: %(value)s has no number of days": "付款期限：%(value)s 中没有天数",
    "period: %(value)s is not a month (YYYY-MM)": "期间：%(value)s 不是月份（YYYY-MM）",
    "phone: %(value)s is not a phone number": "电话：%(value)s 不是电话号码",
    "polarity must be one of %(choices)s": "类型须为以下之一：%(choices)s",
    "promised date: a promise to pay cannot be in the past": "承诺日期：付款承诺不能早于今天",
    "reason: say what the customer disputes": "原因：请说明客户对什么有争议",
    "rejecting a write-off needs a reason": "拒绝核销需要填写原因",
    "rule %(id)s does not exist": "规则 %(id)s 不存在",
    "select at least one suggestion": "请至少选择一条建议",
    "summary: write what was said": "摘要：请记录沟通内容",
    "template: %(value)s is not one of %(choices)s": "模板：%(value)s 不是以下之一：%(choices)s",
    "that view is not yours": "该视图不属于你",
    "the alias must contain letters or digits": "别名必须包含字母或数字",
    "the allocation of %(amount)s to %(invoice)s exceeds its open amount %(left)s": "分配给 %(invoice)s 的 %(amount)s 超过了其未付金额 %(left)s",
    "the allocation's currency differs from %(invoice)s's": "分配的币种与发票 %(invoice)s 的币种不同",
    "the allocations of %(amount)s exceed the receipt's unapplied %(left)s": "分配总额 %(amount)s 超过了收款的未核销金额 %(left)s",
    "the amount for %(invoice)s must be positive": "%(invoice)s 的金额必须大于 0",
    "the customer already has the alias %(alias)s (#%(id)s)": "该客户已有别名 %(alias)s（#%(id)s）",
    "the difference %(amount)s is above the limit %(limit)s: write it off for approval": "差额 %(amount)s 超过了限额 %(limit)s：请提交核销审批",
    "the limit %(amount)s is not an amount in %(currency)s": "额度 %(amount)s 不是有效的 %(currency)s 金额",
    "the lowest amount is above the highest": "最低金额高于最高金额",
    "the override's expiry is in the past": "人工调整的到期日已过",
    "the payer name is empty": "付款人名称为空",
    "the preparer of a write-off cannot approve it (four eyes)": "核销的提交人不能自己审批（四眼原则）",
    "the preparer withdraws a write-off, an approver rejects it": "核销由提交人撤回，由审批人拒绝",
    "the receipt amount for %(invoice)s must be positive": "%(invoice)s 的收款金额必须大于 0",
    "the rest %(amount)s is above the limit %(limit)s: classify it on its own, for approval": "余额 %(amount)s 超过了限额 %(limit)s：请单独归类并提交审批",
    "the rest is one of %(choices)s, not %(kind)s": "余额须为以下之一：%(choices)s，而不是 %(kind)s",
    "the role %(role)s cannot approve write-offs": "角色%(role)s不能审批核销",
    "the role %(role)s cannot decide write-offs": "角色%(role)s不能处理核销",
    "the rule's customer does not exist": "规则指定的客户不存在",
    "the tier is one of %(choices)s": "等级须为以下之一：%(choices)s",
    "the user %(user)s already exists": "用户 %(user)s 已存在",
    "there is no template %(key)s in %(language)s": "没有 %(language)s 的模板 %(key)s",
    "there is no user %(user)s": "没有用户 %(user)s",
    "there is nothing to remember for this match any more": "此匹配已没有可记住的内容",
    "undo needs a reason": "撤销需要填写原因",
    "unknown adjustment kind %(kind)s; one of %(choices)s": "未知的调整类型 %(kind)s；须为以下之一：%(choices)s",
    "unknown gateway %(gateway)s; one of %(choices)s": "未知网关 %(gateway)s；须为以下之一：%(choices)s",
    "unknown match origin %(origin)s": "未知的匹配来源 %(origin)s",
    "unknown role %(role)s (one of %(choices)s)": "未知角色 %(role)s（须为以下之一：%(choices)s）",
    "url: a pay link must be an https:// (or weixin://) address": "网址：付款链接必须是 https://（或 weixin://）地址",
}


def build() -> Catalog:
    catalog = Catalog(locale="zh_Hans", project="recon-errors", fuzzy=False)
    for msgid, msgstr in ZH.items():
        catalog.add(msgid, msgstr, flags=("python-format",) if "%(" in msgid else ())
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
