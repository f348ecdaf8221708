"""Reference normalisation: keys of invoice numbers and payment texts."""

from matching.refs import core_key, full_key, text_keys, unwrap_structured, zero_key


def test_full_and_core_keys_ignore_case_dashes_and_zeros():
    assert full_key("inv-2024/00123") == "INV202400123"
    assert core_key("INV-000123") == "123"
    assert zero_key("INV0042") == "INV42"


def test_text_keys_join_tokens_split_by_spaces():
    keys = text_keys("Payment for INV 2024 00123, thanks")
    assert "INV202400123" in keys.full
    assert "202400123" in keys.core


def test_several_numbers_and_po_prefix_all_yield_keys():
    keys = text_keys("PO 4500012345 / inv 1001, 1002")
    assert {"4500012345", "INV1001", "1002"} <= keys.full


def test_fullwidth_digits_are_folded():
    assert "INV123" in text_keys("ＩＮＶ１２３").full


def test_creditor_references_are_unwrapped():
    assert unwrap_structured("RF18 5390 0754 7034") == "539007547034"
    qrr = "0" * 20 + "1234567"  # Swiss QR reference: number + check digit, zero padded
    assert unwrap_structured(qrr) == "123456"


def test_truncation_flagged_at_bank_field_limits():
    text = "PAYMENT OF INVOICES THANK YOU INV-2"
    assert len(text) == 35
    keys = text_keys(text)
    assert keys.truncated and "INV2" in keys.tails
    assert not text_keys("short INV-2").truncated
