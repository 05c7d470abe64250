"""`jejak import`: good lines recorded in order, bad lines named with their reason, reruns record nothing."""

from __future__ import annotations

import json

from api.demo.importer import import_lines, line_key

UNIT = {"type": "UnitRegistered", "subject": "DINKES", "data": {"name": "Dinas Kesehatan"}}


def appointment(i: int) -> dict:
    return {"type": "EmployeeAppointed", "subject": f"1985031220100110{i:02d}", "effective_date": "2010-01-01",
            "legal_basis": {"number": f"800/{i}/BKPSDM/2010", "date": "2009-12-20"},
            "data": {"employment_type": "pns", "name": f"Pegawai {i}", "grade": "III/a",
                     "position": {"type": "pelaksana", "title": "Pengadministrasi Perkantoran"}, "unit": "DINKES"}}


def lines_with_five_percent_bad() -> tuple[list[str], dict[int, str]]:
    """40 lines: 38 good, a line that is not JSON and a promotion that skips a grade."""
    lines = [json.dumps(UNIT)] + [json.dumps(appointment(i)) for i in range(1, 38)]
    lines[5] = json.dumps({**appointment(5), "idempotency_key": "siasn-appointment-5"})
    bad = {
        12: '{"type": "EmployeeAppointed", "subject": ',
        30: json.dumps({"type": "PromotionGranted", "subject": "198503122010011001", "effective_date": "2024-04-01",
                        "legal_basis": {"number": "800/9/BKPSDM/2024", "date": "2024-03-20"},
                        "data": {"from_grade": "III/a", "to_grade": "III/c", "kind": "reguler"}}),
    }
    for number, text in sorted(bad.items()):
        lines.insert(number - 1, text)
    return lines, {12: "not JSON", 30: "data.to_grade: a promotion goes to the next step after III/a"}


def test_good_lines_are_recorded_in_order_and_each_bad_line_is_named_with_its_reason(ledger):
    lines, reasons = lines_with_five_percent_bad()
    result = import_lines(ledger, lines, "siasn-sync")
    assert result.recorded == 38 and result.replayed == 0
    assert [r["line"] for r in result.rejects] == sorted(reasons)
    for reject in result.rejects:
        assert reject["reason"].startswith(reasons[reject["line"]])
        assert reject["text"] == lines[reject["line"] - 1]
    subjects = [e["subject"] for e in ledger.feed(0, 100)]
    good = [json.loads(t)["subject"] for n, t in enumerate(lines, 1) if n not in reasons]
    assert subjects == good


def test_a_second_run_records_nothing_new(ledger):
    lines, reasons = lines_with_five_percent_bad()
    import_lines(ledger, lines, "siasn-sync")
    head = ledger.head()
    again = import_lines(ledger, lines, "siasn-sync")
    assert again.recorded == 0 and again.replayed == 38 and len(again.rejects) == len(reasons)
    assert ledger.head() == head


def test_a_line_carries_its_own_idempotency_key_or_one_derived_from_its_content(ledger):
    lines, _ = lines_with_five_percent_bad()
    import_lines(ledger, lines[:7], "siasn-sync")
    keys = {e["subject"]: e["idempotency_key"] for e in ledger.feed(0, 10)}
    assert keys["198503122010011005"] == "siasn-appointment-5"
    assert keys["DINKES"] == line_key(lines[0])


def test_reusing_a_line_key_for_another_event_is_rejected_and_changes_nothing(ledger):
    import_lines(ledger, [json.dumps(UNIT), json.dumps({**appointment(1), "idempotency_key": "k-1"})], "siasn-sync")
    head = ledger.head()
    result = import_lines(ledger, [json.dumps({**appointment(2), "idempotency_key": "k-1"})], "siasn-sync")
    assert result.rejects[0]["code"] == "idempotency_mismatch" and ledger.head() == head
