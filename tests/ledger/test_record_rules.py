"""The validation rules that keep the ledger's own records consistent, each with a lawful case recorded and
an impossible one refused with nothing stored. Each test names its regulation (or CONTRACT.md)."""

from __future__ import annotations

NIP = "198503122010011002"
SUPERIOR = "197001012000011001"
CONTACT = "v1:c2VhbGVkLWNvbnRhY3QtZm9yLXRoZS10ZXN0LW9ubHk="  # sealed, as the portal posts it
SK = {"number": "100/5/BKPSDM/2026", "date": "2026-01-05"}


def _feedback(ticket, anonymous, contact=None):
    data = {"classification": "pengaduan", "unit": "BKPSDM", "message": "Antrian terlalu lama", "anonymous": anonymous}
    if contact:
        data["contact_encrypted"] = contact
    return {"type": "FeedbackReceived", "subject": ticket, "data": data}


def _internship(key="MAGANG-2025-001"):
    return {"type": "InternshipStarted", "subject": key,
            "data": {"intern_name": "Rina", "institution": "Universitas Sumatera Utara", "scheme": "MBKM",
                     "host_unit": "BKPSDM", "supervisor": NIP, "start_date": "2025-02-03", "end_date": "2025-06-27"}}


def test_a_unit_code_is_registered_once_contract(ledger, hr):
    hr.finds(ledger, hr.unit())
    hr.refuses(ledger, hr.unit(name="Badan Kepegawaian Kota Binjai"), "unit_registered_once", "subject")


def test_an_employee_is_appointed_once_per_nip_contract(ledger, hr):
    hr.employee(ledger)
    hr.refuses(ledger, hr.appoint(tmt="2011-01-01"), "appointment_once", "subject")


def test_an_appointee_under_18_on_the_tmt_is_refused_pp_11_2017_art_23(ledger, hr):
    hr.record(ledger, hr.unit())
    hr.refuses(ledger, hr.appoint(tmt="2003-03-11"), "appointment_age", "effective_date")  # a day before 18
    hr.finds(ledger, hr.appoint(tmt="2003-03-12"))


def test_a_transfer_starts_from_the_current_unit_and_goes_to_another_contract(ledger, hr):
    hr.employee(ledger)
    hr.refuses(ledger, hr.transfer(from_unit="DINKES", to_unit="BKPSDM"), "transfer_from_current_unit",
               "data.from_unit")
    hr.refuses(ledger, hr.transfer(to_unit="BKPSDM"), "transfer_to_other_unit", "data.to_unit")
    hr.finds(ledger, hr.transfer(tmt="2012-03-01"))


def test_a_training_ending_before_it_starts_is_refused_pp_17_2020_art_203(ledger, hr):
    hr.employee(ledger)
    hr.refuses(ledger, hr.training(end="2025-06-30"), "training_dates", "data.end_date")
    hr.finds(ledger, hr.training())


def test_the_decision_on_an_objection_is_final_pp_30_2019_art_59(ledger, hr):
    hr.employee(ledger)
    hr.record(ledger, hr.appoint(nip=hr.EVALUATOR, post="pengawas", grade="III/d", tmt="2005-01-01"),
              hr.appoint(nip=SUPERIOR, post="administrator", grade="IV/a", tmt="2000-01-01"), hr.plan())
    (evaluation,) = hr.record(ledger, hr.evaluate(evaluated_on="2026-01-10"))
    (objection,) = hr.record(ledger, hr.object(evaluation["event_id"], "2026-01-15"))
    decision = {"type": "ObjectionDecided", "subject": NIP,
                "data": {"objection_event_id": objection["event_id"], "outcome": "rejected", "decided_by": SUPERIOR}}
    hr.finds(ledger, decision)
    hr.refuses(ledger, {**decision, "data": {**decision["data"], "outcome": "upheld", "new_predikat": "sangat_baik"}},
               "objection_decision_final", "data.objection_event_id")


def test_an_internship_starts_once_contract(ledger, hr):
    hr.employee(ledger)
    hr.finds(ledger, _internship())
    hr.refuses(ledger, _internship(), "internship_started_once", "subject")


def test_a_ticket_number_is_used_once_and_an_anonymous_report_carries_no_contact_contract(ledger, hr):
    hr.record(ledger, hr.unit())
    hr.refuses(ledger, _feedback("LPR-0001", True, CONTACT), "anonymous_has_no_contact", "data.contact_encrypted")
    hr.finds(ledger, _feedback("LPR-0001", False, CONTACT))
    hr.refuses(ledger, _feedback("LPR-0001", True), "ticket_once", "subject")


def test_an_erasure_must_find_personal_data_still_kept_uu_27_2022_art_8(ledger, hr):
    hr.record(ledger, hr.unit(), _feedback("LPR-0002", False, CONTACT))
    erasure = {"type": "PersonalDataErased", "subject": "LPR-0002", "legal_basis": SK,
               "reason": "Masa retensi berakhir", "data": {"fields": ["data.contact_encrypted"]}}
    ledger.record([erasure], "admin")
    hr.refuses(ledger, erasure, "erasure_finds_data", "data.fields")
