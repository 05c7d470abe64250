"""Employee events the rulebook needs beside the core ones: a penalty's end and appeal, KGB, degrees,
ujian dinas, PPPK contract renewals and disciplinary examinations."""

from __future__ import annotations

from ledger import rules
from ledger.events.base import EVENT_ID, LedgerEvent, catalogued
from ledger.fields import Choice, Date, Money, Str


@catalogued
class DisciplinaryPenaltyEnded(LedgerEvent):
    """A penalty with a period ends from the TMT: a demotion's grade and a pembebasan's post are restored."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {"penalty_event_id": EVENT_ID}


@catalogued
class DisciplinaryPenaltyAppealed(LedgerEvent):
    """Upaya administratif against a penalty: keberatan (to the superior) or banding (to the BPASN)."""

    STREAM = "employee"
    DATA = {"penalty_event_id": EVENT_ID, "kind": Choice(["keberatan", "banding"]), "filed_on": Date(),
            "grounds": Str(max_length=2000)}


@catalogued
class PeriodicSalaryIncreaseGranted(LedgerEvent):
    """Kenaikan gaji berkala (KGB): the basic salary rises with masa kerja from the TMT."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {"basic_salary": Money()}


@catalogued
class EducationCompleted(LedgerEvent):
    """A diploma earned (riwayat pendidikan): what KP penyesuaian ijazah and the grade ceiling rest on."""

    STREAM = "employee"
    DATA = {"level": Choice(rules.EDUCATION_LEVELS), "institution": Str(max_length=200),
            "major": Str(max_length=200, required=False), "graduated_on": Date(),
            "certificate_number": Str(max_length=100, required=False)}


@catalogued
class CivilServiceExamPassed(LedgerEvent):
    """Ujian dinas passed: tingkat I opens golongan III, tingkat II golongan IV."""

    STREAM = "employee"
    DATA = {"level": Choice(["tingkat_i", "tingkat_ii"]), "passed_on": Date(),
            "certificate_number": Str(max_length=100, required=False)}


@catalogued
class ContractRenewed(LedgerEvent):
    """A PPPK's perjanjian kerja is renewed to a new end, possibly at another grade, from the TMT."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {"contract_end": Date(), "grade": Str(max_length=6, required=False)}


@catalogued
class CivilServantConfirmed(LedgerEvent):
    """A CPNS is appointed PNS (pengangkatan menjadi PNS) from the TMT, after probation and Latsar."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {"latsar_certificate": Str(max_length=100, required=False), "latsar_completed_on": Date(required=False)}


@catalogued
class DisciplinaryExaminationStarted(LedgerEvent):
    """An employee is summoned for examination of an alleged breach of discipline (PP 94/2021 art. 26)."""

    STREAM = "employee"
    DATA = {"started_on": Date(), "grounds": Str(max_length=2000)}


@catalogued
class DisciplinaryExaminationClosed(LedgerEvent):
    """An examination ends: with a penalty (recorded on its own) or without one."""

    STREAM = "employee"
    DATA = {"examination_event_id": EVENT_ID, "closed_on": Date(),
            "outcome": Choice(["penalty", "no_penalty"])}
