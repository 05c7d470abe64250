"""Rules that keep the ledger's own records consistent (what cannot be true of a record, by any regulation)."""

from __future__ import annotations

from ledger.rules import book

LEDGER = ("Jejak", "CONTRACT.md")
for rule_id, text, text_id in (
    ("appointment_once", "An employee is appointed once per NIP.", "Pegawai diangkat sekali untuk setiap NIP."),
    ("unit_registered_once", "A unit code is registered once.", "Kode unit didaftarkan sekali."),
    ("transfer_from_current_unit", "A transfer starts from the employee's current unit.",
     "Mutasi berangkat dari unit pegawai saat ini."),
    ("transfer_to_other_unit", "A transfer goes to another unit.", "Mutasi menuju unit lain."),
    ("fix_same_subject", "A fix names an event of its own subject.", "Koreksi menyebut peristiwa subjeknya sendiri."),
    ("fix_targets_original", "Corrections and annulments target an original event.",
     "Koreksi dan pembatalan hanya untuk peristiwa asli."),
    ("fix_derived_through_cause", "A derived event is fixed through the event that caused it.",
     "Peristiwa turunan diperbaiki melalui peristiwa penyebabnya."),
    ("already_annulled", "An event is annulled once.", "Peristiwa dibatalkan sekali."),
    ("training_cost_by_annulment", "A training's cost and funding unit are fixed by annulling it and recording it again.",
     "Biaya dan unit pendana pelatihan diperbaiki dengan membatalkan lalu mencatat ulang."),
    ("internship_started_once", "An internship starts once.", "Magang dimulai sekali."),
    ("internship_dates", "An internship ends after it starts.", "Magang berakhir setelah dimulai."),
    ("internship_finished", "A finished internship takes no more steps.", "Magang yang selesai tidak berlanjut."),
    ("ticket_once", "A ticket number is used once.", "Nomor tiket digunakan sekali."),
    ("anonymous_has_no_contact", "An anonymous report carries no contact.", "Laporan anonim tidak memuat kontak."),
    ("release_once", "A public release is published once and never changes.",
     "Rilis statistik publik diterbitkan sekali dan tidak pernah berubah."),
    ("review_names_finding", "A review names a finding the event carries (or a red flag on it).",
     "Tinjauan menyebut temuan yang dimiliki peristiwa (atau tanda bahayanya)."),
    ("review_once", "A finding is marked reviewed once.", "Temuan ditandai sudah ditinjau sekali."),
    ("unit_name_unique", "No two units bear names that read alike (NFKC, case folded).",
     "Tidak ada dua unit dengan nama yang terbaca sama (NFKC, tanpa beda huruf besar)."),
    ("unit_name_single_script", "A unit name is written in one alphabet.", "Nama unit ditulis dalam satu aksara."),
):
    book.validation(rule_id, *LEDGER, text, text_id)
book.validation("appointment_age", "PP 11/2017", "art. 23", "An appointee is 18 or older on the TMT.",
                "Calon ASN berusia paling rendah 18 tahun pada TMT.")
book.validation("erasure_finds_data", "UU 27/2022", "art. 8", "An erasure erases personal data that is still kept.",
                "Penghapusan menghapus data pribadi yang masih disimpan.")
