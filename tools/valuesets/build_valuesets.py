#!/usr/bin/env python3
"""Build the pre-expanded FHIR R4 ValueSets in cds-services/valuesets/ (one file per concept id).

Usage (from the repository root):

    python3 tools/valuesets/build_valuesets.py [DATA_DIR] [--out OUT_DIR] [--check]

DATA_DIR defaults to ../shared/data relative to the repository root (the read-only shared data: VSAC expansions in
vsac/ and derived code lists in derived/, see its README.md). OUT_DIR defaults to cds-services/valuesets.
--check builds everything in memory and fails if any file on disk differs (for CI); nothing is written.

How the sets are made (details in tools/valuesets/README.md):
  * SNOMED CT, LOINC, CPT and HCPCS are listed as exact codes (the service has no terminology server).
  * ICD-10-CM and WHO ICD-10 are written only as `is-a` filters on a dotted code prefix, one include per prefix
    (FHIR ANDs the filters inside one include), because the service matches those two systems by prefix.
  * Codes come from shared/data/derived/*.json and shared/data/vsac/*.json (read at build time, never copied
    wholesale) plus the hand-listed codes below, each with the clinical.md section it comes from.
  * The build fails if a safety check fails (in-situ or "metastatic to <organ>" concepts in a primary-cancer set,
    Synthea decisions of clinical.md §5.11, roots of §5.1-§5.4 missing, derived ICD codes not covered by a prefix).

Python 3 standard library only. Output is deterministic: sorted codes, fixed key order, 2-space indent, "\\n" ending.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------------------------------

VERSION = "2026.11.1"
URL_BASE = "https://bonemets-cds.example.org/fhir/ValueSet/"

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "http://www.nlm.nih.gov/research/umls/hcpcs"
HCPCS_CMS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"  # 2025 VSAC files; the service aliases it

EXACT_SYSTEMS = [SNOMED, LOINC, CPT, HCPCS]  # order of includes in the output
PREFIX_SYSTEMS = [ICD10CM, ICD10]
SYSTEM_LABEL = {SNOMED: "SNOMED CT", LOINC: "LOINC", CPT: "CPT", HCPCS: "HCPCS", ICD10CM: "ICD-10-CM",
                ICD10: "WHO ICD-10"}

REPOS = {
    "qicore-2024": ("cqframework/ecqm-content-qicore-2024", "9ebd48ffebf2ed2489f3904cc8393ebf8979bfc9"),
    "cms-2026": ("cqframework/dqm-content-cms-2026", "40f95fb70af7f497c641b0d83016439a3eefa4cd"),
}
REPO_PATH = "input/vocabulary/valueset/external/"

# VSAC files read directly by this script (key -> local file under DATA_DIR/vsac, repo key, OID, title).
# The derived lists cite their own sources in their `derivedFrom`; those are quoted in the descriptions.
VSAC = {
    "bone-scan": ("dqm-content-cms-2026/ValueSet-2.16.840.1.113883.3.526.3.320-20240130.json", "cms-2026",
                  "2.16.840.1.113883.3.526.3.320", "Bone Scan"),
    "psa": ("dqm-content-cms-2026/ValueSet-2.16.840.1.113883.3.526.3.401-20170504.json", "cms-2026",
            "2.16.840.1.113883.3.526.3.401", "Prostate Specific Antigen Test"),
    "pain-451": ("dqm-content-cms-2026/ValueSet-2.16.840.1.113883.3.526.3.451-20200306.json", "cms-2026",
                 "2.16.840.1.113883.3.526.3.451", "Pain Warranting Further Investigation for Prostate Cancer"),
    "urinary-retention": ("dqm-content-cms-2026/ValueSet-2.16.840.1.113762.1.4.1248.372-20250312.json", "cms-2026",
                          "2.16.840.1.113762.1.4.1248.372", "Urinary Retention"),
    "neuro-impairment": ("dqm-content-cms-2026/ValueSet-2.16.840.1.113883.3.464.1003.114.12.1012-20240217.json",
                         "cms-2026", "2.16.840.1.113883.3.464.1003.114.12.1012", "Neurologic impairment"),
    "frailty-symptom": ("dqm-content-cms-2026/ValueSet-2.16.840.1.113883.3.464.1003.113.12.1075-20190315.json",
                        "cms-2026", "2.16.840.1.113883.3.464.1003.113.12.1075", "Frailty Symptom"),
    "albumin": ("dqm-content-cms-2026/ValueSet-2.16.840.1.113762.1.4.1248.221-20230520.json", "cms-2026",
                "2.16.840.1.113762.1.4.1248.221", "Albumin lab test"),
    "advanced-illness": ("dqm-content-cms-2026/ValueSet-2.16.840.1.113883.3.464.1003.110.11.1151-20250205.json",
                         "cms-2026", "2.16.840.1.113883.3.464.1003.110.11.1151", "Advanced Illness (SNOMED)"),
    "cancer-snomed": ("dqm-content-cms-2026/ValueSet-2.16.840.1.113883.3.526.2.1079-20250131.json", "cms-2026",
                      "2.16.840.1.113883.3.526.2.1079", "Cancer (SNOMED component)"),
    "xray-study": ("ecqm-content-qicore-2024/valueset-2.16.840.1.113883.3.464.1003.198.12.1034.json", "qicore-2024",
                   "2.16.840.1.113883.3.464.1003.198.12.1034", "X-Ray Study (all inclusive)"),
}

# Displays that identify a concept as NOT a primary invasive cancer of the site. Checked on every primary-cancer set.
FORBIDDEN_IN_PRIMARY = re.compile(
    r"in situ|intraepithelial|to prostate|to lung|to kidney|to breast|to thyroid|to bronch", re.I)
# Codes that must never be in a primary-cancer set (clinical.md §5.1 note, §5.11).
NEVER_IN_PRIMARY = {"92691004": "Carcinoma in situ of prostate (clinical.md §5.11)",
                    "94503003": "Metastatic malignant neoplasm to prostate (clinical.md §5.1 caution)"}

SOURCES_NOTE = ("Not validated against a terminology server: clinical.md asks for every code to be checked "
                "($validate-code) against the licensed SNOMED CT / LOINC / ICD-10 editions before production use.")


# --------------------------------------------------------------------------------------------------------------------
# Small data types
# --------------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Code:
    """A hand-listed exact code. `status` is clinical.md's V/C/U mark (or 'VSAC' when taken from a VSAC file)."""
    system: str
    code: str
    display: str
    status: str
    source: str


@dataclass(frozen=True)
class Prefix:
    """An ICD-10-CM / WHO ICD-10 dotted prefix matched by the service; `meaning` goes into the description only."""
    system: str
    prefix: str
    meaning: str
    status: str
    source: str


@dataclass
class Spec:
    id: str
    title: str
    purpose: str
    derived: str | None = None                 # shared/data/derived/<name>.json: all its SNOMED codes are used
    derived_icd_prefixes: list[str] = field(default_factory=list)  # every derived ICD-10-CM code must match one
    vsac_codes: list[tuple[str, str, str]] = field(default_factory=list)  # (vsac key, code, why) picked codes
    vsac_all: list[tuple[str, str]] = field(default_factory=list)         # (vsac key, system): every code of it
    codes: list[Code] = field(default_factory=list)
    prefixes: list[Prefix] = field(default_factory=list)
    remove: dict[str, str] = field(default_factory=dict)          # code -> reason (removed from derived/VSAC input)
    not_added: list[str] = field(default_factory=list)            # documented decisions not to add something
    notes: list[str] = field(default_factory=list)
    primary_cancer: bool = False
    must_contain: list[str] = field(default_factory=list)         # codes that the checks require


def sct(code, display, status, source="clinical.md"):
    return Code(SNOMED, code, display, status, source)


def lnc(code, display, status, source="clinical.md §5.8"):
    return Code(LOINC, code, display, status, source)


def cm(prefix, meaning, status, source="clinical.md"):
    return Prefix(ICD10CM, prefix, meaning, status, source)


def who(prefix, meaning, status, source="clinical.md"):
    return Prefix(ICD10, prefix, meaning, status, source)


# --------------------------------------------------------------------------------------------------------------------
# The value sets. Hand-listed codes are data, each with its clinical.md source and verification mark.
# --------------------------------------------------------------------------------------------------------------------

S51 = "clinical.md §5.1"

CANCER_COMMON_NOTE = (
    "Primary (invasive) malignancy of the site only: the derived list already excludes benign, uncertain-behaviour, "
    "in-situ/intraepithelial, haematolymphoid and skin malignancies at the site and metastasis TO the organ; it keeps "
    "metastasis FROM the site, recurrence and remission concepts, and inactive SNOMED CT concepts (older and synthetic "
    "data still carry them). The build re-checks that no display says 'in situ', 'intraepithelial' or "
    "'to <target organ>'.")

SPECS: list[Spec] = [
    # ---------------------------------------------------------------- target primary cancers (clinical.md §5.1, §2.6)
    Spec(
        id="cancer-breast",
        title="Primary malignant neoplasm of breast (female and male)",
        purpose=("Target primary cancer, breast (female and male). Feeds CancerAny / CancerQualifying / CancerContext "
                 "(clinical.md §2.6), which gate R1-R5; also selects the breast imaging advice of R5."),
        derived="breast-cancer",
        derived_icd_prefixes=["C50"],
        prefixes=[cm("C50", "Malignant neoplasm of breast, all sites, female and male (incl. FY2025 C50.A-)", "V", S51),
                  who("C50", "Malignant neoplasm of breast", "C", S51)],
        must_contain=["254837009", "372137005", "372064008", "372095001"],
        primary_cancer=True,
        notes=[CANCER_COMMON_NOTE],
    ),
    Spec(
        id="cancer-prostate",
        title="Primary malignant neoplasm of prostate",
        purpose=("Target primary cancer, prostate. Feeds CancerAny / CancerQualifying / CancerContext (clinical.md "
                 "§2.6); also selects the prostate imaging advice of R5 (bone scan or PSMA PET, latest PSA)."),
        derived="prostate-cancer",
        derived_icd_prefixes=["C61"],
        codes=[sct("126906006", "Neoplasm of prostate (disorder)", "U",
                   "clinical.md §5.11: Synthea's prostate-cancer code COUNTS as prostate cancer (behaviour not "
                   "stated as malignant; the card shows the recorded display). In no gathered VSAC value set.")],
        prefixes=[cm("C61", "Malignant neoplasm of prostate", "V", S51),
                  who("C61", "Malignant neoplasm of prostate", "C", S51)],
        must_contain=["399068003", "93974005", "254900004", "712849003", "126906006", "314994000"],
        primary_cancer=True,
        notes=[CANCER_COMMON_NOTE,
               "314994000 |Metastasis from malignant tumor of prostate| counts as prostate cancer (clinical.md §5.11; "
               "possibly inactive since SNOMED CT US 2023-09, kept). 712849003 is also in bone-metastasis. "
               "92691004 |Carcinoma in situ of prostate| and 94503003 |Metastatic malignant neoplasm to prostate| are "
               "deliberately absent (build check). VSAC Prostate Cancer 2.16.840.1.113883.3.526.3.319 is NOT used "
               "verbatim (it holds 94503003 and 369485004 'extension from bladder')."],
    ),
    Spec(
        id="cancer-lung",
        title="Primary malignant neoplasm of lung and bronchus",
        purpose=("Target primary cancer, lung/bronchus. Feeds CancerAny / CancerQualifying / CancerContext "
                 "(clinical.md §2.6); also selects the lung imaging advice of R5 (FDG PET/CT)."),
        derived="lung-cancer",
        derived_icd_prefixes=["C34", "C7A.090"],
        prefixes=[cm("C34", "Malignant neoplasm of bronchus and lung", "V", S51),
                  cm("C7A.090", "Malignant carcinoid tumor of the bronchus and lung", "VSAC",
                     "derived/lung-cancer.json (VSAC Cancer 2.16.840.1.113883.3.526.2.1078)"),
                  who("C34", "Malignant neoplasm of bronchus and lung (WHO codes lung carcinoid here too)", "C",
                      S51)],
        must_contain=["93880001", "363358000", "254637007", "254632001", "254634000", "254626006",
                      "424132000", "425048006", "422968005", "423121009",
                      "67811000119102", "67821000119109", "67831000119107", "67841000119103"],
        primary_cancer=True,
        notes=[CANCER_COMMON_NOTE,
               "All Synthea lung codes of clinical.md §5.11 are present (build check). 363358000 |Malignant tumor of "
               "lung| is listed as an exact code; its metastatic descendants (ECL MINUS << 128462008) are not in the "
               "list. Trachea (C33) is not a target primary."],
    ),
    Spec(
        id="cancer-thyroid",
        title="Primary malignant neoplasm of thyroid gland",
        purpose=("Target primary cancer, thyroid. Feeds CancerAny / CancerQualifying / CancerContext (clinical.md "
                 "§2.6); also selects the thyroid imaging advice of R5 (radioiodine scan / FDG PET/CT)."),
        derived="thyroid-cancer",
        derived_icd_prefixes=["C73"],
        prefixes=[cm("C73", "Malignant neoplasm of thyroid gland", "V", S51),
                  who("C73", "Malignant neoplasm of thyroid gland", "C", S51)],
        must_contain=["363478007", "94098005", "255029007", "255028004", "255032005", "255031003", "424887002"],
        primary_cancer=True,
        notes=[CANCER_COMMON_NOTE,
               "424887002 |Primary malignant neoplasm of thyroid gland, metastatic to bone| is also in "
               "bone-metastasis. 717734005 / 1255194004 'papillary thyroid carcinoma with renal papillary neoplasia' "
               "are thyroid primaries (kept here, not in cancer-kidney)."],
    ),
    Spec(
        id="cancer-kidney",
        title="Primary malignant neoplasm of kidney and renal pelvis",
        purpose=("Target primary cancer, kidney / renal pelvis. Feeds CancerAny / CancerQualifying / CancerContext "
                 "(clinical.md §2.6); also selects the kidney imaging advice of R5 (CT/MRI, lytic lesions)."),
        derived="kidney-cancer",
        derived_icd_prefixes=["C64", "C65", "C7A.093"],
        prefixes=[cm("C64", "Malignant neoplasm of kidney, except renal pelvis", "V", S51),
                  cm("C65", "Malignant neoplasm of renal pelvis", "V", S51),
                  cm("C7A.093", "Malignant carcinoid tumor of the kidney", "VSAC",
                     "derived/kidney-cancer.json (VSAC Cancer 2.16.840.1.113883.3.526.2.1078)"),
                  who("C64", "Malignant neoplasm of kidney, except renal pelvis", "C", S51),
                  who("C65", "Malignant neoplasm of renal pelvis", "C", S51)],
        remove={
            "1240357005": "'Metastatic renal cell carcinoma to kidney': a deposit IN the kidney",
            "1236965009": "'Metastatic renal cell carcinoma to kidney except renal pelvis': a deposit IN the kidney",
            "1263998000": "'Metastatic cystic renal cell carcinoma to kidney': a deposit IN the kidney",
            "1264521002": "'Metastatic collecting duct carcinoma to kidney': a deposit IN the kidney",
        },
        must_contain=["93849006", "363518003", "702391001", "254915003", "363457009"],
        primary_cancer=True,
        notes=[CANCER_COMMON_NOTE,
               "Removed from derived/kidney-cancer.json: the four 'metastatic ... carcinoma to kidney' concepts (the "
               "derived list kept them because the histology is kidney-specific). They are descendants of "
               "128462008 |Metastatic malignant neoplasm|, which clinical.md §5 removes from the kidney root "
               "(MINUS << 128462008), the breast list drops the analogous 'metastatic lobular carcinoma to breast', "
               "and this project's rule is 'no metastatic-TO-organ concept in a primary set'. A patient with such a "
               "deposit will almost always carry an RCC code as well. 'Metastatic renal cell carcinoma' (no target "
               "organ) and 'Metastasis from malignant tumor of kidney' stay. 838281000 is a morphologic-abnormality "
               "concept kept from the derived list (harmless; it implies RCC)."],
    ),
    # ---------------------------------------------------------------- personal history (ICD-10-CM Z85.*; §5.1, §2.6)
    Spec(
        id="cancer-history-breast",
        title="Personal history of malignant neoplasm of breast",
        purpose="Personal-history code: always PAST breast cancer (clinical.md §2.6); counts for CancerAny.",
        prefixes=[cm("Z85.3", "Personal history of malignant neoplasm of breast", "C", S51 + " [S23]")],
        not_added=["No SNOMED CT 'history of' concepts (project decision). WHO ICD-10 Z85.3 is the same category "
                   "but is not listed: clinical.md gives no WHO column for history codes (open item)."],
    ),
    Spec(
        id="cancer-history-prostate",
        title="Personal history of malignant neoplasm of prostate",
        purpose="Personal-history code: always PAST prostate cancer (clinical.md §2.6); counts for CancerAny.",
        prefixes=[cm("Z85.46", "Personal history of malignant neoplasm of prostate", "U", S51)],
        not_added=["No SNOMED CT. No WHO ICD-10: WHO Z85.4 covers all genital organs, not prostate alone."],
    ),
    Spec(
        id="cancer-history-lung",
        title="Personal history of malignant neoplasm of bronchus and lung",
        purpose="Personal-history code: always PAST lung cancer (clinical.md §2.6); counts for CancerAny.",
        prefixes=[cm("Z85.11", "Personal history of malignant neoplasm of bronchus and lung: Z85.110 (carcinoid), "
                               "Z85.118 (other)", "U", S51 + " (Z85.110 / Z85.118; parent Z85.1 is C [S23])")],
        notes=["Prefix Z85.11, not Z85.1: in ICD-10-CM Z85.1 also covers Z85.12 'Personal history of malignant "
               "neoplasm of trachea', which is not a target primary (trachea C33 is not in cancer-lung). Z85.11 "
               "still matches both codes clinical.md names (Z85.110, Z85.118)."],
        not_added=["No SNOMED CT. No WHO ICD-10: WHO Z85.1 includes trachea."],
    ),
    Spec(
        id="cancer-history-thyroid",
        title="Personal history of malignant neoplasm of thyroid",
        purpose="Personal-history code: always PAST thyroid cancer (clinical.md §2.6); counts for CancerAny.",
        prefixes=[cm("Z85.850", "Personal history of malignant neoplasm of thyroid", "U", S51)],
        not_added=["No SNOMED CT. No WHO ICD-10: WHO Z85.8 covers many organs."],
    ),
    Spec(
        id="cancer-history-kidney",
        title="Personal history of malignant neoplasm of kidney and renal pelvis",
        purpose="Personal-history code: always PAST kidney/renal-pelvis cancer (clinical.md §2.6); counts for "
                "CancerAny.",
        prefixes=[cm("Z85.52", "Personal history of malignant neoplasm of kidney: Z85.520 (carcinoid), Z85.528 "
                               "(other)", "U", S51),
                  cm("Z85.53", "Personal history of malignant neoplasm of renal pelvis", "U", S51)],
        not_added=["No SNOMED CT. No WHO ICD-10: WHO Z85.5 covers the whole urinary tract (incl. bladder)."],
    ),
    # ---------------------------------------------------------------- bone metastasis (§5.2)
    Spec(
        id="bone-metastasis",
        title="Metastatic malignant neoplasm to bone or bone marrow (known bone metastases)",
        purpose=("KnownBoneMets (clinical.md §2.6, §5.2): any clinical status. Adds to CancerContext (gates R1-R4) "
                 "and suppresses the R5 'suspected bone metastases' imaging card."),
        derived="bone-metastasis",
        derived_icd_prefixes=["C79.51", "C79.52", "C7B.03"],
        prefixes=[cm("C79.51", "Secondary malignant neoplasm of bone", "V", "clinical.md §5.2"),
                  cm("C79.52", "Secondary malignant neoplasm of bone marrow", "V", "clinical.md §5.2"),
                  cm("C7B.03", "Secondary carcinoid tumors of bone", "V", "clinical.md §5.2"),
                  who("C79.5", "Secondary malignant neoplasm of bone and bone marrow", "C", "clinical.md §5.2")],
        must_contain=["94222008", "94217008", "285618001", "285619009", "712849003", "424887002", "91281000119103",
                      "91271000119101", "1237474005", "1237476007", "1237517009", "1237526007", "94300004"],
        notes=["712849003 (prostate) and 424887002 (thyroid) are deliberately in this set AND in the primary set. "
               "134421000 / 866087009 (pathologic fracture at site of metastatic neoplasm) are in this set and in "
               "pathological-fracture. 'Metastatic ... to articular cartilage' concepts are kept (ICD-10-CM indexes "
               "them to C79.51). 94242004 |Metastatic malignant neoplasm to cauda equina| is not a bone code: it is "
               "in symptom-neuro-red-flag. Primary bone cancer (C40/C41) and C80.0 from VSAC Malignant Bone Disease "
               "are excluded."],
    ),
    # ---------------------------------------------------------------- pathological fracture (§5.4)
    Spec(
        id="pathological-fracture",
        title="Pathological fracture (non-osteoporotic)",
        purpose=("Recent (FractureWindow, 90 d) pathological fracture: fires R4 (fracture card) and is a `warning` "
                 "trigger of R5 (clinical.md §3, §5.4)."),
        derived="pathological-fracture",
        derived_icd_prefixes=["M84.4", "M84.5", "M84.6"],
        codes=[sct("268029009", "Pathological fracture (disorder)", "C", "clinical.md §5.4 [S22] (root)")],
        prefixes=[cm("M84.4", "Pathological fracture, not elsewhere classified", "V", "clinical.md §5.4"),
                  cm("M84.5", "Pathological fracture in neoplastic disease (incl. M84.58- vertebra)", "V",
                     "clinical.md §5.4"),
                  cm("M84.6", "Pathological fracture in other disease", "C", "clinical.md §5.4 (optional, included)"),
                  who("M84.4", "Pathological fracture, not elsewhere classified", "C", "clinical.md §5.4"),
                  who("M90.7", "Fracture of bone in neoplastic disease (asterisk code, used with a C00-D48 dagger "
                               "code)", "C", "added by this build (see notes)")],
        must_contain=["268029009", "134421000", "409667007", "409666003", "704171000", "11309881000119104",
                      "11309921000119106", "11314961000119102", "11304841000119108"],
        notes=["M48.5- 'Collapsed vertebra NEC' (optional in clinical.md) is NOT included: ICD-10-CM Excludes1 "
               "sends neoplastic vertebral fracture to M84.58 and osteoporotic collapse to M80, so M48.5 is by "
               "definition neither; it is commonly used for osteoporotic/degenerative wedge fractures and would "
               "raise false R4 cards in cancer patients on ADT or aromatase inhibitors. M80.- (osteoporotic) is "
               "excluded (clinical.md §8.6).",
               "WHO ICD-10 M90.7* 'Fracture of bone in neoplastic disease' is added because clinical.md notes WHO "
               "has no M84.5 split; M90.7 is the WHO dagger-asterisk code for exactly this (status C: corroborated "
               "in public code lists, not in the gathered sources).",
               "SNOMED CT coverage is partial: the exact codes are the derived list (lower-body sites plus vertebra/"
               "any bone at site of metastatic neoplasm) plus the root 268029009. Descendants of 268029009 that no "
               "gathered VSAC set lists (e.g. humerus, rib, vertebra without 'metastatic') are NOT matched unless "
               "coded with ICD-10-CM. Expand << 268029009 on a terminology server before production."],
    ),
    # ---------------------------------------------------------------- liver disease (§5.7)
    Spec(
        id="liver-disease",
        title="Liver disorder or liver metastases (possible hepatic source of raised ALP)",
        purpose=("R6 liver caveat (clinical.md §3 R6, §5.7): a recorded liver disorder or liver metastases makes a "
                 "raised ALP possibly hepatic; R5 still fires (`info`) but the card says so."),
        codes=[sct("235856003", "Disorder of liver (disorder)", "C", "clinical.md §5.7 [S22] (root)"),
               sct("19943007", "Cirrhosis of liver (disorder)", "VSAC",
                   "VSAC Advanced Illness 2.16.840.1.113883.3.464.1003.110.11.1151 (a << 235856003 concept)"),
               sct("94381002", "Metastatic malignant neoplasm to liver (disorder)", "VSAC",
                   "VSAC Cancer 2.16.840.1.113883.3.526.2.1079 / Advanced Illness 1151; = C78.7"),
               sct("94349006", "Metastatic malignant neoplasm to intrahepatic bile ducts (disorder)", "VSAC",
                   "VSAC Cancer 2.16.840.1.113883.3.526.2.1079 / Advanced Illness 1151; within C78.7"),
               sct("107811000119106", "Metastatic small cell carcinoma to liver (disorder)", "VSAC",
                   "VSAC Cancer 2.16.840.1.113883.3.526.2.1079 / Advanced Illness 1151"),
               sct("107831000119101", "Metastatic squamous cell carcinoma to liver (disorder)", "VSAC",
                   "VSAC Cancer 2.16.840.1.113883.3.526.2.1079 / Advanced Illness 1151"),
               sct("1240370001", "Metastatic squamous cell carcinoma to liver and intrahepatic biliary tract "
                                 "(disorder)", "VSAC", "VSAC Cancer 2.16.840.1.113883.3.526.2.1079 / Advanced "
                                                       "Illness 1151"),
               sct("1268390002", "Metastatic undifferentiated carcinoma to liver and intrahepatic biliary tract "
                                 "(disorder)", "VSAC", "VSAC Cancer 2.16.840.1.113883.3.526.2.1079 / Advanced "
                                                       "Illness 1151")],
        prefixes=[cm(p, m, "U", "clinical.md §5.7") for p, m in [
                      ("K70", "Alcoholic liver disease"), ("K71", "Toxic liver disease"),
                      ("K72", "Hepatic failure, not elsewhere classified"), ("K73", "Chronic hepatitis NEC"),
                      ("K74", "Fibrosis and cirrhosis of liver"), ("K75", "Other inflammatory liver diseases"),
                      ("K76", "Other diseases of liver"), ("K77", "Liver disorders in diseases classified "
                                                                  "elsewhere")]]
                 + [cm("C78.7", "Secondary malignant neoplasm of liver and intrahepatic bile duct", "V",
                       "clinical.md §5.7 [S21]"),
                    cm("C7B.02", "Secondary carcinoid tumors of liver", "VSAC",
                       "added: VSAC Cancer 2.16.840.1.113883.3.526.2.1078 (liver metastasis, like C7B.03 for bone)")]
                 + [who(p, m, "U", "added: same category in WHO ICD-10 as in ICD-10-CM") for p, m in [
                      ("K70", "Alcoholic liver disease"), ("K71", "Toxic liver disease"),
                      ("K72", "Hepatic failure, not elsewhere classified"), ("K73", "Chronic hepatitis NEC"),
                      ("K74", "Fibrosis and cirrhosis of liver"), ("K75", "Other inflammatory liver diseases"),
                      ("K76", "Other diseases of liver"), ("K77", "Liver disorders in diseases classified "
                                                                  "elsewhere"),
                      ("C78.7", "Secondary malignant neoplasm of liver (and intrahepatic bile duct)")]],
        notes=["Kept small on purpose: the SNOMED CT list is the root 235856003 plus cirrhosis and the "
               "'metastatic ... to liver' concepts found in the gathered VSAC sets; other << 235856003 descendants "
               "(hepatitis, fatty liver ...) are matched only through their ICD codes. The engine only uses this set "
               "to word the ALP card, so a miss costs a caveat, not a card."],
        not_added=["Primary liver cancer (ICD-10-CM C22, SNOMED CT 93870000 / 95214007): the ICD scope agreed for "
                   "this set is K70-K77 plus liver metastases (open item: add if a second primary in the liver "
                   "should also trigger the caveat)."],
    ),
]


# ---------------------------------------------------------------- symptom groups (§5.6, §5.3)
S56B, S56L, S56S, S56N, S56H = ("clinical.md §5.6 group B", "clinical.md §5.6 group L", "clinical.md §5.6 group S",
                                "clinical.md §5.6 group N", "clinical.md §5.6 group H")

SPECS += [
    Spec(
        id="symptom-bone-pain",
        title="Bone pain (symptom group B)",
        purpose=("Group B: a recent (SymptomWindow, 30 d) bone pain is a `warning` trigger of the R5 imaging card "
                 "(clinical.md §3 R5, §5.6)."),
        codes=[sct("12584003", "Bone pain (finding)", "V", S56B),
               sct("282743009", "Malignant bone pain (finding)", "V", S56B),
               sct("203508001", "Bony pelvic pain (finding)", "V", S56B),
               sct("297217002", "Rib pain (finding)", "V", S56B),
               sct("301773003", "Pain in femur (finding)", "V", S56B + " (also group L)"),
               sct("30473006", "Pain in pelvis (finding)", "C", S56B + " [S22]"),
               sct("78514002", "Thigh pain (finding)", "C", S56B + " [S22] (also group L)"),
               sct("771083005", "Pain in upper arm (finding)", "C", S56B + " [S22] (also group L)")],
        vsac_codes=[("pain-451", "203509009", "clavicle (bone)"),
                    ("pain-451", "20793008", "scapula (bone)"),
                    ("pain-451", "298731003", "sternum (bone)"),
                    ("pain-451", "3200003", "sacrum and coccyx (bones)"),
                    ("pain-451", "34789001", "coccyx (bone)"),
                    ("pain-451", "89638008", "xiphoid process of sternum")],
        not_added=[
            "From VSAC 2.16.840.1.113883.3.526.3.451 (not bone pains): 161977000 Costal margin chest "
            "pain (chest wall / costal cartilage), 298740004 Rib tender (tenderness, not pain), 49218002 Hip pain "
            "(joint), 36729000 Pain of prostate, 426135001 Chronic prostatitis - chronic pelvic pain syndrome; "
            "267981009 Pain in thoracic spine and 48926009 Pain in spine belong to symptom-spinal-pain (group S, "
            "which leads to R2, not R5); all its ICD-10-CM codes (hip joint pain M25.55-, chest/abdominal pain R07/R10, "
            "dorsopathies, bone-density disorders; M54.6/M54.89/M54.9 are in group S).",
            "No ICD-10-CM code: bone pain has no specific code (M89.8X- is too unspecific, clinical.md §5.6). "
            "G89.3 Neoplasm related pain is supportive only, not a trigger (clinical.md §5.6). 315241008 'Pain from "
            "metastases' (VSAC Cancer Related Pain) does not say bone and is not added."],
    ),
    Spec(
        id="symptom-long-bone-pain",
        title="Weight-bearing long-bone pain (symptom group L)",
        purpose=("Group L: recent weight-bearing long-bone pain = possible impending fracture; fires R4 (fracture "
                 "card, Mirels guidance) and is a `warning` trigger of R5 (clinical.md §3 R4/R5, §5.6)."),
        codes=[sct("301773003", "Pain in femur (finding)", "V", S56L),
               sct("78514002", "Thigh pain (finding)", "C", S56L + " [S22]"),
               sct("771083005", "Pain in upper arm (finding)", "C", S56L + " [S22]")],
        not_added=["No ICD-10-CM / WHO codes: clinical.md gives none for group L (M79.65- 'pain in thigh' and "
                   "M79.62- 'pain in upper arm' are limb pains, not bone pains; open item)."],
    ),
    Spec(
        id="symptom-spinal-pain",
        title="Spinal pain (symptom group S)",
        purpose=("Group S: recent spinal pain in a patient with CancerContext and no neurological red flag fires R2 "
                 "(MSCC `warning`, whole-spine MRI within 1 week) and suppresses R5 (clinical.md §3 R2, §5.6)."),
        codes=[sct("161891005", "Backache (finding)", "C", S56S),
               sct("279039007", "Low back pain (finding)", "C", S56S),
               sct("81680005", "Neck pain (finding)", "C", S56S),
               sct("267981009", "Pain in thoracic spine (finding)", "V", S56S),
               sct("48926009", "Pain in spine (finding)", "V", S56S),
               sct("278860009", "Chronic low back pain (finding)", "U",
                   "SNOMED CT descendant of 279039007 (clinical.md §2.2: include descendants; written by Synthea into "
                   "public sandboxes, clinical.md §5.11; from SNOMED CT knowledge, not in shared/data: verify with $subsumes)"),
               sct("278862001", "Acute low back pain (finding)", "U",
                   "SNOMED CT descendant of 279039007 (clinical.md §2.2: include descendants; from SNOMED CT knowledge, "
                   "not in shared/data: verify with $subsumes)"),
               sct("134407002", "Chronic back pain (finding)", "U",
                   "SNOMED CT descendant of 161891005 (clinical.md §2.2: include descendants; from SNOMED CT knowledge, "
                   "not in shared/data: verify with $subsumes)")],
        prefixes=[cm("M54.9", "Dorsalgia, unspecified", "V", S56S),
                  cm("M54.89", "Other dorsalgia", "V", S56S),
                  cm("M54.50", "Low back pain, unspecified (FY2022+)", "C", S56S),
                  cm("M54.59", "Other low back pain (FY2022+)", "C", S56S),
                  cm("M54.5", "Low back pain, legacy pre-FY2022 code; as a prefix it also matches M54.50, M54.51 "
                              "(vertebrogenic low back pain) and M54.59", "C", S56S),
                  cm("M54.2", "Cervicalgia", "C", S56S),
                  cm("M54.6", "Pain in thoracic spine", "V", S56S),
                  who("M54.9", "Dorsalgia, unspecified", "C", S56S),
                  who("M54.5", "Low back pain", "C", S56S),
                  who("M54.2", "Cervicalgia", "C", S56S),
                  who("M54.6", "Pain in thoracic spine", "C", S56S),
                  who("M54.8", "Other dorsalgia (WHO equivalent of ICD-10-CM M54.89)", "U",
                      "added as the WHO equivalent of M54.89")],
        notes=["M54.50 and M54.59 are listed because clinical.md names them, although the legacy prefix M54.5 "
               "already matches them (harmless redundancy, kept for traceability). M54.1- radiculopathy is in "
               "symptom-neuro-red-flag (radicular pain is a red flag), not here."],
    ),
    Spec(
        id="symptom-neuro-red-flag",
        title="Neurological red flags for MSCC, incl. spinal cord and cauda equina compression (symptom group N)",
        purpose=("Group N plus the cord-compression / cauda-equina diagnoses of clinical.md §5.3: >= 1 recent item "
                 "with CancerContext fires R1 (MSCC `critical`, whole-spine MRI within 24 h); suppresses R2 and R5."),
        codes=[sct("26544005", "Muscle weakness (finding)", "V", S56N + " [S18 Frailty Symptom]"),
               sct("713514005", "Muscle weakness of limb (finding)", "V", S56N),
               sct("15634971000119107", "Weakness of bilateral upper limbs (finding)", "V", S56N),
               sct("44077006", "Numbness (finding)", "C", S56N),
               sct("91019004", "Paresthesia (finding)", "U", S56N),
               sct("449813001", "Numbness of saddle area (finding)", "V", S56N + " [S18 Neurologic impairment]"),
               sct("22325002", "Abnormal gait (finding)", "V", S56N),
               sct("432559006", "Abnormal gait due to muscle weakness (finding)", "V", S56N),
               sct("267064002", "Retention of urine (disorder)", "V", S56N + " [S18 Urinary retention]"),
               sct("165232002", "Urinary incontinence (finding)", "C", S56N + " [S22]"),
               sct("72042002", "Incontinence of feces (finding)", "C", S56N + " [S22]"),
               sct("192970008", "Cauda equina syndrome (disorder)", "V", S56N + "; clinical.md §5.3"),
               sct("71286001", "Spinal cord compression (disorder)", "C", S56N + "; clinical.md §5.3 (FSN "
                                                                                 "unconfirmed)"),
               sct("60389000", "Paraplegia (disorder)", "U", S56N),
               sct("16846261000119106", "Compression of cauda equina (disorder)", "V", "clinical.md §5.3"),
               sct("12454008", "Cauda equina syndrome with neurogenic urinary bladder (disorder)", "V",
                   "clinical.md §5.3"),
               sct("782390002", "Painless urinary retention due to cauda equina syndrome (disorder)", "V",
                   "clinical.md §5.3"),
               sct("94242004", "Metastatic malignant neoplasm to cauda equina (disorder)", "V",
                   "clinical.md §5.2 ('an MSCC-relevant diagnosis') [S18 Neurologic impairment]")],
        vsac_codes=[
            # Sub-types of the §5.3 cauda-equina roots (<< 192970008 / << 16846261000119106), in Neurologic impairment
            ("neuro-impairment", "192971007", "cauda equina syndrome sub-type (<< 192970008)"),
            ("neuro-impairment", "8663007", "cauda equina syndrome sub-type (<< 192970008)"),
            ("neuro-impairment", "267590006", "cauda equina syndrome sub-type (<< 192970008)"),
            ("neuro-impairment", "782388003", "cauda equina syndrome sub-type (<< 192970008)"),
            ("neuro-impairment", "764272007", "compression of cauda equina sub-type (<< 16846261000119106); "
                                              "any cauda-equina compression needs urgent MRI"),
            # Limb weakness (NICE 'any limb weakness'), in Frailty Symptom
            ("frailty-symptom", "713512009", "limb weakness (<< 713514005)"),
            ("frailty-symptom", "102568007", "limb weakness (paresis of lower limb)"),
            ("frailty-symptom", "16018391000119104", "limb weakness (paresis of left lower limb)"),
            ("frailty-symptom", "16018431000119109", "limb weakness (paresis of right lower limb)"),
            ("frailty-symptom", "23042008", "limb weakness of spinal-cord origin (spinal paraparesis)"),
            ("frailty-symptom", "249946008", "limb weakness of upper-motor-neuron (cord) pattern (pyramidal type)"),
            ("frailty-symptom", "41786007", "limb weakness of neurological origin (<< 26544005)"),
            ("frailty-symptom", "249939004", "limb-girdle weakness (proximal muscle weakness, << 26544005)"),
            ("frailty-symptom", "249942005", "limb weakness (distal muscle weakness, << 26544005)"),
            ("frailty-symptom", "249943000", "limb weakness (distal arms and legs)"),
            ("frailty-symptom", "249941003", "limb-girdle weakness (pelvic girdle)"),
            ("frailty-symptom", "300948004", "leg weakness (quadriceps)"),
            ("frailty-symptom", "309249007", "leg weakness (calf)"),
            ("frailty-symptom", "127378008", "bilateral limb weakness (bilateral paresis)"),
            ("frailty-symptom", "50314001", "bilateral limb weakness (partial bilateral paresis)"),
            ("frailty-symptom", "78119002", "bilateral limb weakness (complete bilateral paresis)"),
            # Urinary retention with no non-neurological cause stated, VSAC Urinary Retention 1248.372
            ("urinary-retention", "236648008", "new (acute) retention: bladder dysfunction"),
            ("urinary-retention", "236649000", "acute-on-chronic retention: new bladder dysfunction"),
        ],
        prefixes=[cm("M62.81", "Muscle weakness (generalized)", "V", S56N),
                  cm("R20.0", "Anesthesia of skin", "U", S56N),
                  cm("R20.2", "Paresthesia of skin", "U", S56N),
                  cm("R26.2", "Difficulty in walking, not elsewhere classified", "V", S56N),
                  cm("R26.89", "Other abnormalities of gait and mobility", "V", S56N),
                  cm("R26.9", "Unspecified abnormalities of gait and mobility", "V", S56N),
                  cm("R33.8", "Other retention of urine", "V", S56N),
                  cm("R33.9", "Retention of urine, unspecified", "V", S56N),
                  cm("R32", "Unspecified urinary incontinence", "U", S56N + " (U/C)"),
                  cm("R15.9", "Full incontinence of feces", "U", S56N),
                  cm("G83.4", "Cauda equina syndrome", "V", S56N + "; clinical.md §5.3"),
                  cm("G95.2", "Cord compression: G95.20 unspecified, G95.29 other", "C",
                     S56N + "; clinical.md §5.3 [S23]"),
                  cm("G82.2", "Paraplegia (G82.20-G82.22)", "U", S56N),
                  cm("M54.1", "Radiculopathy (M54.10-M54.18); radicular pain is a red flag", "U",
                     "clinical.md §5.6 group S table note ('counted as a neurological red flag')"),
                  who("G95.2", "Cord compression, unspecified", "C", "clinical.md §5.3"),
                  who("G83.4", "Cauda equina syndrome", "C", "clinical.md §5.3"),
                  who("M54.1", "Radiculopathy", "U", "added as the WHO equivalent of M54.1")],
        not_added=[
            "Constipation (14760008, K59.0-; clinical.md §3 R1: not a red flag on its own, it is "
            "in symptom-hypercalcaemia) and R53.1 'Weakness' (asthenia, not limb weakness; clinical.md §5.6).",
            "From VSAC Urinary Retention 2.16.840.1.113762.1.4.1248.372: 236650000 Chronic retention "
            "(long-standing, usually obstructive in this population, not a new red flag), 12245681000119103 "
            "Postprocedural, 236652008 Postoperative, 236651001 Clot retention, 367421000119109 Retention caused by "
            "drug, 430976005 Foley catheter occlusion, and ICD-10-CM R33.0 Drug induced retention: each names a "
            "non-neurological cause, so each would raise a false `critical` MSCC card.",
            "From Frailty Symptom / Neurologic impairment: gait types with other causes (antalgic, "
            "arthritic, shuffling, festinating ...), spastic paraparesis and hemiparesis (chronic neurological "
            "disease/stroke), nerve-root injuries and cauda-equina trauma, K59.2 neurogenic bowel, R29.2 abnormal "
            "reflex, and descendants of 165232002 urinary incontinence (stress/urge incontinence would be false "
            "positives).",
            "No WHO ICD-10 codes for the symptom rows (clinical.md gives none; WHO differs from ICD-10-CM here, "
            "e.g. R33 and R15 are not subdivided): open item."],
    ),
    Spec(
        id="symptom-hypercalcaemia",
        title="Symptoms of hypercalcaemia (symptom group H)",
        purpose=("Group H: upgrades a grade-1 hypercalcaemia card (R3) from `info` to `warning`; never a trigger on "
                 "its own (clinical.md §3 R3, §5.6)."),
        codes=[sct("14760008", "Constipation (finding)", "C", S56H + " (Nictiz IG)"),
               sct("422587007", "Nausea (finding)", "C", S56H + " [S22]"),
               sct("422400008", "Vomiting (disorder)", "C", S56H),
               sct("79890006", "Loss of appetite (finding)", "U", S56H),
               sct("17173007", "Excessive thirst (finding)", "C", S56H),
               sct("28442001", "Polyuria (finding)", "U", S56H + " (public listings disagree on this display)"),
               sct("34095006", "Dehydration (disorder)", "U", S56H),
               sct("84229001", "Fatigue (finding)", "V", S56H),
               sct("286933003", "Confusional state (disorder)", "V", S56H),
               sct("371632003", "Coma (disorder)", "U", S56H),
               sct("16932000", "Nausea and vomiting (disorder)", "U",
                   "SNOMED CT descendant of 422587007 and 422400008 (clinical.md §2.2: include descendants; from SNOMED CT "
                   "knowledge, not in shared/data: verify with $subsumes)"),
               sct("236069009", "Chronic constipation (disorder)", "U",
                   "SNOMED CT descendant of 14760008 (clinical.md §2.2: include descendants; from SNOMED CT knowledge, "
                   "not in shared/data: verify with $subsumes)")],
        prefixes=[cm("K59.00", "Constipation, unspecified", "U", S56H),
                  cm("R11.0", "Nausea", "U", S56H),
                  cm("R11.10", "Vomiting, unspecified", "U", S56H),
                  cm("R11.2", "Nausea with vomiting, unspecified", "U",
                     "added: the usual combined code for the two group-H symptoms nausea and vomiting"),
                  cm("R63.0", "Anorexia", "V", S56H),
                  cm("R63.1", "Polydipsia", "U", S56H),
                  cm("R35.8", "Other polyuria (R35.81 nocturnal, R35.89 other)", "U", S56H),
                  cm("E86.0", "Dehydration", "U", S56H),
                  cm("R53.83", "Other fatigue", "V", S56H),
                  cm("R41.0", "Disorientation, unspecified", "V", S56H),
                  cm("R41.82", "Altered mental status, unspecified", "V", S56H),
                  cm("R40.20", "Unspecified coma", "U", S56H)],
        not_added=["The hypercalcaemia diagnosis itself (66931009, E83.52) is not a symptom and is not listed: "
                   "clinical.md §5.5 makes it informational only (the card is lab-driven).",
                   "No WHO ICD-10 codes (clinical.md gives none): open item."],
    ),
]


# ---------------------------------------------------------------- laboratory (§5.8, LOINC)
S58 = "clinical.md §5.8 / §3 R3"
SPECS += [
    Spec(id="lab-calcium-total", title="Total calcium in serum, plasma or blood",
         purpose=("R3 input: latest valid total calcium within CalciumWindow (7 d), albumin-corrected with the "
                  "Payne formula, graded by CTCAE v5; also an R5 lab trigger (grade >= 1)."),
         codes=[lnc("17861-6", "Calcium [Mass/volume] in Serum or Plasma", "V", S58),
                lnc("2000-8", "Calcium [Moles/volume] in Serum or Plasma", "V", S58),
                lnc("49765-1", "Calcium [Mass/volume] in Blood", "V", S58 + " (Synthea's calcium code, §5.11)"),
                lnc("1996-8", "Calcium [Moles/volume] in Blood", "V", S58)]),
    Spec(id="lab-calcium-corrected", title="Calcium corrected for albumin (as reported by the laboratory)",
         purpose=("R3 fallback input: used as reported, with no further correction, only when no total calcium is "
                  "available (clinical.md §3 R3)."),
         codes=[lnc("46099-8", "Calcium [Mass/volume] corrected for albumin in Serum or Plasma", "V", S58),
                lnc("29265-6", "Calcium [Moles/volume] corrected for albumin in Serum or Plasma", "V", S58)]),
    Spec(id="lab-calcium-ionized", title="Ionized calcium in serum, plasma or blood",
         purpose=("R3 input: latest valid ionized calcium within CalciumWindow, graded by the CTCAE v5 ionized "
                  "limits; the R3 grade is the maximum of the corrected-total and ionized grades."),
         codes=[lnc("1995-0", "Calcium.ionized [Moles/volume] in Serum or Plasma", "V", S58),
                lnc("12180-6", "Calcium.ionized [Moles/volume] in Serum or Plasma by Ion-selective membrane "
                               "electrode (ISE)", "V", S58),
                lnc("17863-2", "Calcium.ionized [Mass/volume] in Serum or Plasma", "V", S58),
                lnc("1994-3", "Calcium.ionized [Moles/volume] in Blood", "V", S58),
                lnc("47596-2", "Calcium.ionized [Moles/volume] in Blood by Ion-selective membrane electrode (ISE)",
                    "V", S58),
                lnc("34581-9", "Calcium.ionized [Moles/volume] in Arterial blood", "V", S58),
                lnc("41645-3", "Calcium.ionized [Moles/volume] in Venous blood", "V", S58),
                lnc("41644-6", "Calcium.ionized [Moles/volume] in Capillary blood", "V", S58),
                lnc("38230-9", "Calcium.ionized [Mass/volume] in Blood", "V", S58)],
         notes=["1994-3 is Blood and 1995-0 is Serum or Plasma (clinical.md §5.8 warning about mislabelled public "
                "listings). 19072-8 (ionized Ca adjusted to pH 7.4, optional in clinical.md) is not included: "
                "the rule grades the measured ionized calcium."]),
    Spec(id="lab-albumin", title="Albumin (mass concentration) in serum or plasma",
         purpose="R3 input: albumin within +/-48 h of the total calcium, for the Payne correction (g/dL or g/L).",
         codes=[lnc("1751-7", "Albumin [Mass/volume] in Serum or Plasma", "V", S58 + " [S18 Albumin lab test]"),
                lnc("61151-7", "Albumin [Mass/volume] in Serum or Plasma by Bromocresol green (BCG) dye binding "
                               "method", "V", S58),
                lnc("61152-5", "Albumin [Mass/volume] in Serum or Plasma by Bromocresol purple (BCP) dye binding "
                               "method", "V", S58)],
         not_added=["54347-0 Albumin [Moles/volume] (in VSAC Albumin lab test 2.16.840.1.113762.1.4.1248.221) is "
                    "deliberately excluded: moles-based albumin is not used for the correction (clinical.md §4)."]),
    Spec(id="lab-alp", title="Alkaline phosphatase (total) in serum, plasma or blood",
         purpose=("R6 / R5: ALP above the ULN within AlpWindow (30 d) is an `info` lab trigger of the imaging card; "
                  "graded by CTCAE v5 'Alkaline phosphatase increased'."),
         codes=[lnc("6768-6", "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma", "V",
                    "clinical.md §5.8 / §3 R6"),
                lnc("1783-0", "Alkaline phosphatase [Enzymatic activity/volume] in Blood", "V",
                    "clinical.md §5.8 / §3 R6")]),
    Spec(id="lab-alp-bone", title="Bone-specific alkaline phosphatase in serum or plasma",
         purpose="R6: bone-specific ALP above the ULN means 'bone source likely' and overrides the liver flag.",
         codes=[lnc("1777-2", "Alkaline phosphatase.bone [Enzymatic activity/volume] in Serum or Plasma", "V",
                    "clinical.md §5.8 / §3 R6")],
         not_added=["15013-6 (bone ALP as a fraction of total ALP) is not included: a percentage cannot be compared "
                    "with an activity ULN. 1779-8 (liver isoenzyme) is not used by any rule."]),
    Spec(id="lab-ggt", title="Gamma glutamyl transferase in serum or plasma",
         purpose="R6 liver pattern: GGT above the ULN within +/-7 days of the ALP suggests a hepatic ALP source.",
         codes=[lnc("2324-2", "Gamma glutamyl transferase [Enzymatic activity/volume] in Serum or Plasma", "V",
                    "clinical.md §5.8 / §3 R6")]),
    Spec(id="lab-5-nucleotidase", title="5'-Nucleotidase in serum or plasma",
         purpose="R6 liver pattern: a raised 5'-nucleotidase within +/-7 days of the ALP suggests a hepatic source.",
         codes=[lnc("1690-7", "5'-Nucleotidase [Enzymatic activity/volume] in Serum or Plasma", "C",
                    "clinical.md §5.8 / §3 R6 (one national-IG ConceptMap)")]),
    Spec(id="lab-urine-ntx", title="Collagen crosslinked N-telopeptide (NTx) in urine",
         purpose="R5 optional lab trigger (`info`): urine NTx above the laboratory ULN within AlpWindow.",
         codes=[lnc("14115-0", "Collagen crosslinked N-telopeptide/Creatinine [Molar ratio] in Urine", "V",
                    "clinical.md §5.8 / §3 R6"),
                lnc("27939-8", "Collagen crosslinked N-telopeptide [Moles/volume] in Urine", "V",
                    "clinical.md §5.8 / §3 R6")],
         notes=["2276-4 is Ferritin, not NTx (clinical.md §5.8 warning)."]),
    Spec(id="lab-psa", title="Prostate specific antigen in serum or plasma",
         purpose="Display only: the latest PSA is shown in the prostate imaging card (clinical.md §3 R5).",
         vsac_all=[("psa", LOINC)]),
]


# ---------------------------------------------------------------- imaging (§5.9)
S59 = "clinical.md §5.9"
SPECS += [
    Spec(
        id="imaging-bone",
        title="Bone-relevant imaging studies and orders",
        purpose=("RecentBoneImaging (30 d): a completed study (DiagnosticReport/ImagingStudy) or an active/completed "
                 "ServiceRequest with one of these codes suppresses the R5 imaging card (clinical.md §2.5, §3 R5, "
                 "§5.9). Also the pool of codes the cards suggest (39818-0, 81554-8, 30854-4/30855-1, 24704-9 ...)."),
        vsac_all=[("bone-scan", LOINC), ("bone-scan", CPT), ("bone-scan", HCPCS)],
        codes=[lnc("39818-0", "NM Whole body Bone Views", "V", S59 + " [S18 Bone Scan]"),
               lnc("81554-8", "PET+CT Guidance for localization of tumor of Skull base to mid-thigh W 18F-FDG IV",
                   "C", S59 + " (V in clinical.md, but in no gathered VSAC set: treat as C, §8.7)"),
               lnc("81555-5", "PET+CT Guidance for localization of tumor of Whole body W 18F-FDG IV", "C",
                   S59 + " (in no gathered VSAC set, §8.7)"),
               lnc("82808-7", "", "C", S59 + " FDG PET/CT, WO contrast (in no gathered VSAC set, §8.7; no sourced "
                                            "display)"),
               lnc("82809-5", "", "C", S59 + " FDG PET/CT, W contrast (in no gathered VSAC set, §8.7; no sourced "
                                            "display)"),
               lnc("30854-4", "", "V", S59 + " whole-spine MRI"),
               lnc("30855-1", "", "V", S59 + " whole-spine MRI"),
               lnc("38061-8", "", "V", S59 + " whole-spine MRI"),
               lnc("36067-7", "", "V", S59 + " spine MRI"),
               lnc("36531-2", "", "V", S59 + " spine MRI"),
               lnc("24980-5", "", "V", S59 + " spine MRI"),
               lnc("24968-0", "", "V", S59 + " spine MRI"),
               lnc("24935-9", "", "V", S59 + " spine MRI"),
               lnc("28566-8", "", "V", S59 + " CT spine"),
               lnc("36530-4", "", "V", S59 + " CT spine"),
               lnc("37365-4", "", "V", S59 + " skeletal survey"),
               lnc("38089-9", "", "V", S59 + " skeletal survey"),
               lnc("24704-9", "", "V", S59 + " XR of a site"),
               lnc("28567-6", "", "V", S59 + " XR of a site"),
               lnc("28561-9", "", "V", S59 + " XR of a site"),
               lnc("28613-8", "", "V", S59 + " XR of a site"),
               lnc("24899-7", "", "V", S59 + " XR of a site"),
               Code(CPT, "78306", "Bone and/or joint imaging; whole body", "U", S59)],
        notes=["The Bone Scan set (2.16.840.1.113883.3.526.3.320) is taken whole, as the project asked: it also "
               "holds labelled-leukocyte and HMPAO bone scans (25032-4, 39812-3, 41772-5, 41836-8, 42700-5) and the "
               "Sm-153 therapy scan (39820-6); they are bone imaging, so a recent one still suppresses a new "
               "imaging suggestion. HCPCS codes are listed under the NLM URI; the 2025 VSAC file uses "
               f"{HCPCS_CMS}, which the service treats as an alias.",
               "LOINC displays are taken from the VSAC files where present (Bone Scan 320, X-Ray Study 1034); "
               "82808-7 and 82809-5 have no display because no gathered source names them. The FDG PET/CT codes are "
               "C (clinical.md §8.7)."],
        not_added=["25007-6 (NM thyroid with I-131, thyroid bed) is not bone imaging and is not listed; no LOINC was "
                   "verified for PSMA PET or whole-body radioiodine survey (clinical.md §5.9), so those studies are "
                   "only recognised through CPT 78811-78816 / HCPCS A9593-A9595. CT chest/abdomen/pelvis and MRI of "
                   "other regions are not listed (open item)."],
    ),
]


# --------------------------------------------------------------------------------------------------------------------
# Reading the shared data
# --------------------------------------------------------------------------------------------------------------------

def canonical_system(system: str) -> str:
    return HCPCS if system == HCPCS_CMS else system


def read_vsac_codes(path: Path) -> list[tuple[str, str, str]]:
    """(system, code, display) from expansion.contains, plus compose.include.concept (paged 2025 files)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for c in data.get("expansion", {}).get("contains", []) or []:
        out.append((canonical_system(c["system"]), c["code"], c.get("display", "")))
    for inc in data.get("compose", {}).get("include", []) or []:
        for c in inc.get("concept", []) or []:
            out.append((canonical_system(inc["system"]), c["code"], c.get("display", "")))
    return out


def build_display_index(data_dir: Path) -> dict[tuple[str, str], str]:
    """Display per (system, code) over every VSAC file; the newest repository (dqm-content-cms-2026) wins."""
    index: dict[tuple[str, str], str] = {}
    for folder in ("ecqm-content-qicore-2024", "dqm-content-cms-2026"):  # later folder overwrites earlier
        for path in sorted((data_dir / "vsac" / folder).glob("*.json")):
            for system, code, display in read_vsac_codes(path):
                if display:
                    index[(system, code)] = display
    return index


def vsac_citation(key: str) -> str:
    rel, repo_key, oid, title = VSAC[key]
    repo, commit = REPOS[repo_key]
    return (f"VSAC *{title}* {oid} ({repo} @ {commit}, `{REPO_PATH}{Path(rel).name}`; "
            f"local copy `shared/data/vsac/{rel}`)")


DERIVED_FROM_RE = re.compile(r"^(\S+) \((.+?), definition version (\d+), (\w+)\) from (\S+) commit (\w+) ")


def derived_sources(derived: dict) -> list[str]:
    full = {repo: commit for repo, commit in REPOS.values()}
    out = []
    for text in derived.get("derivedFrom", []):
        m = DERIVED_FROM_RE.match(text)
        if not m:
            out.append(text)
            continue
        oid, title, version, kind, repo, short = m.groups()
        commit = full.get(repo, short)
        out.append(f"{title} {oid} (def. {version}, {kind}; {repo} @ {commit})")
    return out


# --------------------------------------------------------------------------------------------------------------------
# Building one ValueSet
# --------------------------------------------------------------------------------------------------------------------

def pascal(identifier: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in identifier.split("-"))


def sort_key(system: str, code: str):
    if system == SNOMED:
        return (0, int(code), "")
    if system == LOINC:
        num, _, check = code.partition("-")
        return (0, int(num), check)
    return (1, 0, code)


class BuildError(Exception):
    pass


def build(spec: Spec, data_dir: Path, displays: dict) -> dict:
    exact: dict[tuple[str, str], str] = {}       # (system, code) -> display
    origin: dict[tuple[str, str], str] = {}      # (system, code) -> where it came from (for the description)
    sources: list[str] = []
    added_hand: list[Code] = []
    derived = None

    # 1. Derived list: all SNOMED CT codes; ICD-10-CM codes must be covered by the declared prefixes.
    if spec.derived:
        derived = json.loads((data_dir / "derived" / f"{spec.derived}.json").read_text(encoding="utf-8"))
        for c in derived["codes"]:
            if c["system"] == SNOMED:
                if c["code"] in spec.remove:
                    continue
                exact[(SNOMED, c["code"])] = c.get("display", "")
                origin[(SNOMED, c["code"])] = "derived"
            elif c["system"] == ICD10CM:
                if not any(c["code"].startswith(p) for p in spec.derived_icd_prefixes):
                    raise BuildError(f"{spec.id}: derived ICD-10-CM {c['code']} not covered by "
                                     f"{spec.derived_icd_prefixes}")
            else:
                raise BuildError(f"{spec.id}: unexpected system {c['system']} in derived/{spec.derived}.json")
        for code in spec.remove:
            if not any(c["code"] == code for c in derived["codes"]):
                raise BuildError(f"{spec.id}: remove list names {code}, which is not in derived/{spec.derived}.json")
        declared = {p.prefix for p in spec.prefixes if p.system == ICD10CM}
        missing = set(spec.derived_icd_prefixes) - declared
        if missing:
            raise BuildError(f"{spec.id}: derived ICD prefixes {missing} not declared as filters")

    # 2. Whole VSAC sets (per system) and hand-picked VSAC codes (must exist in the named file).
    vsac_cache: dict[str, list] = {}

    def vsac(key):
        if key not in vsac_cache:
            vsac_cache[key] = read_vsac_codes(data_dir / "vsac" / VSAC[key][0])
        return vsac_cache[key]

    for key, system in spec.vsac_all:
        for s, code, display in vsac(key):
            if s == system:
                exact[(s, code)] = display
                origin.setdefault((s, code), f"vsac:{key}")
    vsac_picked: list[tuple[str, str, str, str]] = []
    for key, code, why in spec.vsac_codes:
        hit = [(s, d) for s, c, d in vsac(key) if c == code]
        if not hit:
            raise BuildError(f"{spec.id}: {code} is not in {VSAC[key][0]}")
        s, display = hit[0]
        exact[(s, code)] = display
        origin.setdefault((s, code), f"vsac:{key}")
        vsac_picked.append((key, code, display, why))

    # 3. Hand-listed codes from clinical.md (display: newest VSAC display if any, else clinical.md's).
    for c in spec.codes:
        key = (c.system, c.code)
        if key in exact:
            continue  # already there from the derived list / VSAC
        exact[key] = displays.get(key) or c.display
        origin[key] = "hand"
        added_hand.append(c)

    # 4. Checks.
    for code in spec.must_contain:
        if (SNOMED, code) not in exact:
            raise BuildError(f"{spec.id}: required code {code} missing")
    if spec.primary_cancer:
        for (system, code), display in exact.items():
            if code in NEVER_IN_PRIMARY:
                raise BuildError(f"{spec.id}: {code} must not be in a primary set ({NEVER_IN_PRIMARY[code]})")
            if FORBIDDEN_IN_PRIMARY.search(display or ""):
                raise BuildError(f"{spec.id}: {code} '{display}' looks in-situ or metastatic-to-organ")
    for (system, code) in exact:
        if system not in EXACT_SYSTEMS:
            raise BuildError(f"{spec.id}: exact code in prefix-matched or unknown system {system}|{code}")
    for p in spec.prefixes:
        if p.system not in PREFIX_SYSTEMS or not re.fullmatch(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?", p.prefix):
            raise BuildError(f"{spec.id}: bad prefix {p.system}|{p.prefix}")

    # 5. compose.include: one include per exact system (sorted codes), one per prefix filter.
    include = []
    for system in EXACT_SYSTEMS:
        codes = sorted((code for (s, code) in exact if s == system), key=lambda c: sort_key(system, c))
        if not codes:
            continue
        concepts = []
        for code in codes:
            concept = {"code": code}
            if exact[(system, code)]:
                concept["display"] = exact[(system, code)]
            concepts.append(concept)
        include.append({"system": system, "concept": concepts})
    for system in PREFIX_SYSTEMS:
        for p in sorted((p for p in spec.prefixes if p.system == system), key=lambda p: p.prefix):
            include.append({"system": system, "filter": [{"property": "concept", "op": "is-a", "value": p.prefix}]})

    # 6. Description (markdown).
    counts = {s: sum(1 for (sys_, _) in exact if sys_ == s) for s in EXACT_SYSTEMS}
    counts.update({s: sum(1 for p in spec.prefixes if p.system == s) for s in PREFIX_SYSTEMS})
    lines = [f"**Purpose.** {spec.purpose}", ""]
    lines.append("**Content.** " + "; ".join(
        f"{SYSTEM_LABEL[s]}: {n} {'prefix filter' if s in PREFIX_SYSTEMS else 'code'}{'s' if n != 1 else ''}"
        for s, n in counts.items() if n) + ". SNOMED CT, LOINC, CPT and HCPCS are exact codes (pre-expanded, no "
        "subsumption at run time); ICD-10-CM and WHO ICD-10 are `is-a` filters on a dotted prefix that the service "
        "matches by prefix (one include per prefix).")
    lines.append("")
    lines.append("**Sources.**")
    if derived is not None:
        n_derived = sum(1 for v in origin.values() if v == "derived")
        lines.append(f"* `shared/data/derived/{spec.derived}.json` (its count {derived.get('count')}; "
                     f"{n_derived} SNOMED CT codes used" + (f", {len(spec.remove)} removed" if spec.remove else "")
                     + "; its ICD-10-CM codes are replaced by the prefixes "
                     + ", ".join(spec.derived_icd_prefixes) + " after checking that every one of them matches). "
                     "That list was derived by display rules from: " + "; ".join(derived_sources(derived)) + ".")
    for key in dict.fromkeys(k for k, _ in spec.vsac_all):
        systems = ", ".join(SYSTEM_LABEL[s] for k, s in spec.vsac_all if k == key)
        lines.append(f"* All {systems} codes of {vsac_citation(key)}.")
    for key in dict.fromkeys(k for k, _, _ in spec.vsac_codes):
        picked = [f"{code} {display}: {why}" for k, code, display, why in vsac_picked if k == key]
        lines.append(f"* Selected from {vsac_citation(key)}: " + "; ".join(picked) + ".")
    if added_hand:
        lines.append("* Hand-listed (status mark of clinical.md: V verified / C corroborated / U unverified; VSAC = "
                     "found in the named VSAC set): " + "; ".join(
                         f"{c.code} {exact[(c.system, c.code)] or '(no display)'} [{c.status}; {c.source}]"
                         for c in added_hand) + ".")
    if spec.prefixes:
        lines.append("* Prefix filters: " + "; ".join(
            f"{SYSTEM_LABEL[p.system]} `{p.prefix}` {p.meaning} [{p.status}; {p.source}]" for p in spec.prefixes)
                     + ".")
    if spec.remove:
        lines.append("* Removed: " + "; ".join(f"{code} ({why})" for code, why in sorted(spec.remove.items())) + ".")
    u_codes = ([c.code for c in added_hand if c.status == "U"]
               + [f"{SYSTEM_LABEL[p.system]} {p.prefix}" for p in spec.prefixes if p.status == "U"])
    if u_codes:
        lines.append(f"* **Unverified (U) entries, check before production:** {', '.join(u_codes)}.")
    if spec.notes:
        lines += ["", "**Notes.** " + " ".join(spec.notes)]
    if spec.not_added:
        lines += ["", "**Deliberately not included.** " + " ".join(spec.not_added)]
    lines += ["", "Built by `tools/valuesets/build_valuesets.py` from `shared/data` and `shared/docs/clinical.md`; "
                  "do not edit by hand. " + SOURCES_NOTE]

    return {
        "resourceType": "ValueSet",
        "id": spec.id,
        "url": URL_BASE + spec.id,
        "version": VERSION,
        "name": pascal(spec.id),
        "title": spec.title,
        "status": "active",
        "experimental": False,
        "description": "\n".join(lines),
        "compose": {"include": include},
    }


def render(resource: dict) -> str:
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"


def concept_ids_from_source(repo_root: Path) -> list[str] | None:
    path = repo_root / "src" / "BoneMets.Cds.Domain" / "Terminology" / "Concepts.cs"
    if not path.exists():
        return None
    return re.findall(r'public const string \w+ = "([a-z0-9-]+)";', path.read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    repo_root = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", nargs="?", default=str(repo_root.parent / "shared" / "data"),
                        help="shared data directory (default: ../shared/data relative to the repository root)")
    parser.add_argument("--out", default=str(repo_root / "cds-services" / "valuesets"), help="output directory")
    parser.add_argument("--check", action="store_true", help="verify the files on disk are up to date; write nothing")
    args = parser.parse_args(argv)
    data_dir, out_dir = Path(args.data_dir), Path(args.out)

    ids = [s.id for s in SPECS]
    if len(ids) != len(set(ids)):
        raise BuildError("duplicate value-set id")
    expected = concept_ids_from_source(repo_root)
    if expected is not None and sorted(expected) != sorted(ids):
        raise BuildError(f"ids differ from Concepts.cs: missing {sorted(set(expected) - set(ids))}, "
                         f"extra {sorted(set(ids) - set(expected))}")

    displays = build_display_index(data_dir)
    outputs = {spec.id: render(build(spec, data_dir, displays)) for spec in SPECS}

    stale = []
    if args.check:
        for vid, text in outputs.items():
            path = out_dir / f"{vid}.json"
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
    else:
        out_dir.mkdir(parents=True, exist_ok=True)
        for vid, text in outputs.items():
            (out_dir / f"{vid}.json").write_text(text, encoding="utf-8", newline="\n")
    extra = sorted(p.name for p in out_dir.glob("*.json") if p.stem not in outputs) if out_dir.exists() else []

    for vid, text in outputs.items():
        vs = json.loads(text)
        summary = []
        for inc in vs["compose"]["include"]:
            label = SYSTEM_LABEL[inc["system"]]
            summary.append((label, len(inc.get("concept", [])) or len(inc.get("filter", []))))
        per = {}
        for label, n in summary:
            per[label] = per.get(label, 0) + n
        print(f"{vid:26} " + ", ".join(f"{k} {v}" for k, v in per.items()))
    if extra:
        print(f"warning: files in {out_dir} not produced by this script: {', '.join(extra)}", file=sys.stderr)
    if stale:
        print(f"out of date: {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
