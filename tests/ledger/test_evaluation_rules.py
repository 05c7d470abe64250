"""Who evaluates (PermenPANRB 6/2022): the plan's evaluator, and teachers by their school's principal."""

from __future__ import annotations

NIP = "198503122010011002"
OTHER = "197501012000011001"
PRINCIPAL = "197001012000012001"


def test_an_evaluation_by_someone_else_than_the_plans_evaluator_is_recorded_with_its_finding_permenpanrb_6_2022(
        ledger, hr):
    hr.employee(ledger, hr.plan())
    hr.record(ledger, hr.appoint(nip=hr.EVALUATOR, post="pengawas", grade="III/d", tmt="2005-01-01"),
              hr.appoint(nip=OTHER, post="pengawas", grade="III/d", tmt="2005-01-01"))
    event = hr.finds(ledger, hr.evaluate(evaluator=OTHER), "evaluator_is_plans")
    assert event["findings"][0]["facts"] == {"planned": hr.EVALUATOR, "evaluator": OTHER}
    hr.record(ledger, hr.plan(2026))
    hr.finds(ledger, hr.evaluate(2026))  # the plan's own evaluator: no finding


def test_a_teacher_evaluated_by_the_schools_principal_has_no_finding_permenpanrb_6_2022(ledger, hr):
    hr.record(ledger, hr.unit("DISDIK", "Dinas Pendidikan"),
              {"type": "UnitRegistered", "subject": "SDN-020-BINJAI",
               "data": {"name": "SD Negeri 020 Binjai", "kind": "sekolah", "parent": "DISDIK"}})
    teacher = hr.appoint(unit="SDN-020-BINJAI", post="jf_ahli_pertama")
    teacher["data"]["position"]["title"] = "Guru Ahli Pertama"
    principal = hr.appoint(nip=PRINCIPAL, unit="SDN-020-BINJAI", post="jf_ahli_madya", grade="IV/a",
                           tmt="2000-01-01")
    principal["data"]["position"]["title"] = "Guru Ahli Madya (Kepala Sekolah)"
    clerk = hr.appoint(nip=OTHER, unit="SDN-020-BINJAI", tmt="2000-01-01")  # a pelaksana: not a principal
    hr.record(ledger, teacher, principal, clerk, hr.plan(evaluator=PRINCIPAL), hr.plan(2026, evaluator=PRINCIPAL))
    hr.finds(ledger, hr.evaluate(evaluator=PRINCIPAL))
    hr.record(ledger, hr.plan(2025, evaluator=PRINCIPAL, nip=OTHER))
    hr.finds(ledger, hr.evaluate(evaluator=PRINCIPAL, nip=OTHER), "evaluator_hierarchy")  # a clerk is no teacher
