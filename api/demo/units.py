"""The ~35 perangkat daerah (OPD) of Kota Binjai, with stable codes and relative sizes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    weight: float  # share of the city's ASN
    quarterly: bool = False  # units whose SKP is also evaluated every quarter


UNITS: list[UnitSpec] = [
    UnitSpec("SETDA", "Sekretariat Daerah Kota Binjai", "sekretariat", 2.2, True),
    UnitSpec("SETWAN", "Sekretariat DPRD Kota Binjai", "sekretariat", 1.0),
    UnitSpec("INSPEKTORAT", "Inspektorat Kota Binjai", "inspektorat", 0.9, True),
    UnitSpec("BAPPEDA", "Badan Perencanaan Pembangunan, Riset dan Inovasi Daerah", "badan", 0.8, True),
    UnitSpec("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "badan", 0.9, True),
    UnitSpec("BPKPAD", "Badan Pengelolaan Keuangan, Pendapatan dan Aset Daerah", "badan", 1.4, True),
    UnitSpec("BPBD", "Badan Penanggulangan Bencana Daerah", "badan", 0.6),
    UnitSpec("KESBANGPOL", "Badan Kesatuan Bangsa dan Politik", "badan", 0.5),
    UnitSpec("DISDIK", "Dinas Pendidikan", "dinas", 38.0),
    UnitSpec("DINKES", "Dinas Kesehatan", "dinas", 9.0),
    UnitSpec("RSUD-DJOELHAM", "RSUD Dr. R.M. Djoelham", "rsud", 8.5),
    UnitSpec("DISPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "dinas", 1.6),
    UnitSpec("DISPERKIM", "Dinas Perumahan, Kawasan Permukiman dan Pertanahan", "dinas", 0.8),
    UnitSpec("SATPOLPP", "Satuan Polisi Pamong Praja", "dinas", 2.4),
    UnitSpec("DAMKAR", "Dinas Pemadam Kebakaran dan Penyelamatan", "dinas", 1.2),
    UnitSpec("DINSOS", "Dinas Sosial", "dinas", 0.8),
    UnitSpec("DISNAKER", "Dinas Tenaga Kerja", "dinas", 0.6),
    UnitSpec("DP3AP2KB", "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan KB",
             "dinas", 1.0),
    UnitSpec("DKP", "Dinas Ketahanan Pangan dan Pertanian", "dinas", 1.0),
    UnitSpec("DLH", "Dinas Lingkungan Hidup", "dinas", 2.0),
    UnitSpec("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "dinas", 0.9, True),
    UnitSpec("DISHUB", "Dinas Perhubungan", "dinas", 1.3),
    UnitSpec("DISKOMINFO", "Dinas Komunikasi dan Informatika", "dinas", 0.7, True),
    UnitSpec("DISKOPUKM", "Dinas Koperasi, Usaha Kecil dan Menengah", "dinas", 0.5),
    UnitSpec("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "dinas", 0.6, True),
    UnitSpec("DISPORABUDPAR", "Dinas Kepemudaan, Olahraga, Kebudayaan dan Pariwisata", "dinas", 0.7),
    UnitSpec("DISPERPUSIP", "Dinas Perpustakaan dan Kearsipan", "dinas", 0.5),
    UnitSpec("DISPERINDAG", "Dinas Perindustrian dan Perdagangan", "dinas", 0.9),
    UnitSpec("DPMK", "Dinas Pemberdayaan Masyarakat dan Kelurahan", "dinas", 0.4),
    UnitSpec("KEC-BINJAI-KOTA", "Kecamatan Binjai Kota", "kecamatan", 1.4),
    UnitSpec("KEC-BINJAI-UTARA", "Kecamatan Binjai Utara", "kecamatan", 1.6),
    UnitSpec("KEC-BINJAI-SELATAN", "Kecamatan Binjai Selatan", "kecamatan", 1.4),
    UnitSpec("KEC-BINJAI-TIMUR", "Kecamatan Binjai Timur", "kecamatan", 1.4),
    UnitSpec("KEC-BINJAI-BARAT", "Kecamatan Binjai Barat", "kecamatan", 1.3),
    UnitSpec("DISKAN", "Dinas Perikanan", "dinas", 0.4),
]
# The Sekda (a kota's is JPT Pratama) heads SETDA and evaluates the camat; the Wali Kota, who has no
# NIP, evaluates the Sekda and every other JPT Pratama (PermenPANRB 6/2022).
SEKDA_UNIT = "SETDA"
WALI_KOTA = {"name": "Amir Hamzah", "title": "Wali Kota Binjai"}
BKPSDM = "BKPSDM"
# Each unit's head post title, by unit kind.
HEAD_TITLE = {"sekretariat": "Sekretaris DPRD", "inspektorat": "Inspektur", "badan": "Kepala Badan",
              "dinas": "Kepala Dinas", "rsud": "Direktur", "kecamatan": "Camat", "instalasi": "Kepala Instalasi"}


def head_title(spec: UnitSpec) -> str:
    if spec.code == "SETWAN":
        return "Sekretaris DPRD"
    if spec.code == SEKDA_UNIT:
        return "Asisten Pemerintahan dan Kesejahteraan Rakyat"
    return HEAD_TITLE[spec.kind]
