"""Build the gold files for the two Cloud Temple IaaS service agreements from unit-level decisions.

Decisions are keyed by unit index as produced by units.py (paragraph / list item / table row); the spans
are recomputed from the corpus text at build time, so no corpus text is stored in the repository.

Usage (from the repository root):
    .venv/bin/python tests/gold/corpus/tools_cloudtemple/build_gold.py [CORPUS_DIR]
CORPUS_DIR defaults to ../shared/corpus relative to the repository root.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from units import body_of, units  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD_DIR = os.path.dirname(HERE)
REPO = os.path.abspath(os.path.join(GOLD_DIR, "..", "..", ".."))

CAT = {"H": "hosting", "M": "maintenance", "S": "security", "T": "training", "P": "project_management"}
STATUS = {"I": "included", "E": "excluded", "C": "conditional", "D": "definition"}
ORDER = ["A1", "A2", "A3", "A4", "A5", "A6", "infogerance", "transversal"]
CHECK_IDS = [
    "r1111_11_1_certificate", "r1111_11_2_services", "r1111_11_3_locations", "r1111_11_4_rights",
    "r1111_11_5_referent", "r1111_11_6_sla", "r1111_11_7_subcontractors", "r1111_11_8_access",
    "r1111_11_9_changes", "r1111_11_10_failure", "r1111_11_11_end", "r1111_11_13_return",
    "l1111_8_destruction", "hds2_eea_storage", "hds2_third_country_access",
]

T = "transversal"
INF = "infogerance"

# --- decisions shared by both documents for units 0..385 (the two texts are unit-aligned up to there;
# every EN unit was re-read on its own and gets the same decision unless overridden below) ---
COMMON = {
    27: ("S", [T], "I"),            # service qualified SecNumCloud (attestation annexed)
    111: ("S", [T], "I"),           # loss of qualification: notification duty (+ termination right)
    116: ("S", [T], "I"),           # ANSSI / qualification body verification
    117: ("S", [T], "I"),           # PASSI security audits
    121: ("H", ["A3"], "I"),        # compute resources
    122: ("H", ["A3"], "I"),        # storage spaces
    123: ("H", ["A3"], "I"),        # network / internet connectivity
    124: ("H", ["A6"], "I"),        # backup service for VMs
    126: ("S", [T], "I"),           # delivery per SecNumCloud requirements
    130: ("H", ["A3"], "I"),        # table row compute
    131: ("H", ["A3"], "I"),        # table row storage
    132: ("H", ["A3"], "I"),        # table row S3 object storage
    133: ("H", ["A6"], "C"),        # table row backup, subject to mass-storage subscription
    134: ("H", ["A3"], "I"),        # table row network
    135: ("H", ["A3"], "I"),        # table row client console
    136: ("M", [INF], "I"),         # table row support
    140: ("HS", ["A1", T], "I"),    # datacenter in France, Tier 3 resilience
    141: ("H", ["A1"], "I"),        # technical rooms
    142: ("HS", ["A1", T], "I"),    # dual power feeds -> continuity
    143: ("H", ["A1"], "I"),        # air conditioning
    144: ("M", ["A5"], "I"),        # continuous monitoring & metrology
    145: ("HS", ["A1"], "I"),       # fire detection / extinction (physical security)
    146: ("S", [T], "I"),           # security procedures, generator failover tests
    148: ("HMS", ["A3", "A5", T], "I"),  # console + API, MCO and security
    149: ("SH", [T, "A3"], "I"),    # automatic protective blocking, not unavailability
    150: ("H", ["A3"], "I"),        # API throttling, not unavailability
    152: ("H", ["A2", "A3"], "I"),  # equipment to run VMs
    154: ("H", ["A2"], "I"),        # chassis
    155: ("H", ["A2"], "I"),        # dedicated compute blades
    156: ("HMS", ["A3", "A5", T], "I"),  # hypervisors + MCO/MCS; update decision on client
    157: ("H", ["A2"], "E"),        # blade model choice = client
    159: ("H", ["A2"], "I"),        # SAN storage
    160: ("HMS", ["A2", T], "I"),   # SAN network MCO/MCS
    161: ("HMS", ["A2", "A5", T], "I"),  # storage arrays MCO/MCS, supervision
    162: ("H", ["A3"], "I"),        # automated LUN allocation
    164: ("H", ["A2"], "I"),        # global network
    165: ("HMS", ["A2", T], "I"),   # fibre links MCO/MCS
    166: ("HMS", ["A2", T], "I"),   # network equipment MCO/MCS, client isolation
    167: ("H", ["A2"], "E"),        # internet/private interconnection out of scope
    169: ("HMS", ["A5", "A6", T], "I"),  # managed backup service, MCO/MCS, off-AZ copies
    170: ("H", ["A6"], "C"),        # backup limited to VMs; policy depends on subscribed units
    171: ("H", ["A6"], "I"),        # capacity notice, advice, implements client policy
    173: ("SH", [T, "A3"], "I"),    # continuity: multi-AZ distribution tools
    177: ("H", ["A1"], "E"),        # no hosting of client physical components
    178: ("H", ["A2"], "E"),        # no interconnection
    179: ("M", ["A5", INF], "E"),   # no managed services / TMA
    180: ("M", ["A5", INF], "E"),   # no assistance at OS level and above, not even supervision
    181: ("M", ["A5"], "E"),        # MSP offer possible but outside this agreement
    183: ("SH", [T, "A3"], "I"),    # default deployment across AZs (secours)
    185: ("H", ["A6"], "I"),        # backup scope: VMs + topology
    186: ("H", ["A6"], "C"),        # backup subject to mass-storage subscription
    187: ("H", ["A6"], "I"),        # provider's means for backup within subscribed resources
    188: ("H", ["A6"], "E"),        # out-of-scope perimeters: client defines/configures backups
    189: ("H", ["A6"], "I"),        # only translates client's configuration
    190: ("H", ["A6"], "E"),        # "no backup" policy
    191: ("M", ["A5"], "E"),        # OS-level administration/supervision = client
    195: ("H", ["A3"], "E"),        # prerequisite: VMware virtualisation
    196: ("H", ["A6"], "E"),        # prerequisite: use provider's backup tool
    197: ("S", ["A5"], "E"),        # prerequisite: declare whitelisted IPs
    199: ("H", ["A1"], "I"),        # nothing outside the EU
    200: ("HM", ["A1", "A5"], "I"), # support, supervision, SOC, storage, admin in France
    202: ("H", ["A1"], "I"),        # datacenters in France
    204: ("M", ["A5"], "I"),        # operating staff agencies in France
    205: ("S", ["A5"], "I"),        # remote work, secured remote access (VPN)
    208: ("M", [INF], "I"),         # technical support
    210: ("MT", [INF], "I"),        # initial implementation assistance (onboarding)
    211: ("M", [INF], "I"),
    212: ("M", [INF], "I"),
    213: ("M", [INF], "I"),
    214: ("M", ["A5", INF], "E"),   # support does not replace client; client operates VMs
    215: ("M", [INF], "E"),         # client's reasonable use of support
    216: ("M", [INF], "C"),         # support level depends on subscribed units
    218: ("M", [INF], "I"),         # ticketing, hours, on-call
    219: ("M", [INF], "I"),
    220: ("M", [INF], "I"),
    221: ("M", [INF], "I"),
    223: ("MS", ["A5", INF], "I"),  # incident investigation, provider may access service
    224: ("M", [INF], "C"),         # billable professional services on request
    225: ("M", ["A5"], "I"),        # restoration at no extra cost
    227: ("M", [INF], "I"),         # priority matrix principle
    240: ("M", [INF], "I"),
    243: ("M", [INF], "I"),         # priority matrix rows
    244: ("M", [INF], "I"),
    245: ("M", [INF], "I"),
    248: ("M", [INF], "I"),         # support language
    249: ("M", [INF], "I"),         # support operations in the EU
    251: ("MS", ["A5", T], "I"),    # continuous monitoring of performance and security
    252: ("H", ["A3"], "I"),        # start of unavailability
    253: ("H", ["A3"], "I"),        # end of unavailability
    255: ("H", ["A3"], "C"),        # SLAs apply only if >= 2 AZs
    256: ("H", ["A3"], "C"),        # starred SLAs, monthly measurement
    257: ("H", ["A3"], "C"),        # SLA 1 (*) compute
    258: ("H", ["A3"], "C"),        # SLA 2 (*) storage
    259: ("H", ["A6"], "I"),        # SLA 3 backup
    260: ("H", ["A3"], "C"),        # SLA 4 (*) network
    261: ("H", ["A3"], "I"),        # SLA 5 internet access
    263: ("S", [T], "I"),           # DDoS mitigation
    264: ("S", [T], "E"),           # client must minimise open flows
    266: ("H", ["A3"], "I"),        # SLA 6 console
    267: ("H", ["A3"], "I"),        # SLA 7 APIs
    269: ("M", [INF], "I"),         # SLA 8 support GTI incidents
    272: ("M", [INF], "I"),
    273: ("M", [INF], "I"),
    274: ("M", [INF], "I"),
    275: ("M", [INF], "I"),
    276: ("M", [INF], "I"),
    277: ("M", [INF], "I"),         # SLA 9 service requests
    280: ("M", [INF], "I"),
    282: ("M", [INF], "I"),         # GTI computation
    283: ("M", ["A5", INF], "E"),   # no remote intervention on hosted servers
    285: ("H", ["A3"], "I"),        # SLA 10 S3
    288: ("H", ["A3"], "I"),
    289: ("H", ["A3"], "I"),
    290: ("H", ["A3"], "I"),
    292: ("H", ["A3"], "E"),        # no block-mode use of object storage
    293: ("H", ["A3"], "C"),        # durability conditional on compliant use
    295: ("H", ["A6"], "C"),        # backup strategy conditional on units
    296: ("H", ["A6"], "I"),        # backup solution provided
    297: ("HM", ["A6", "A5"], "E"), # client supervises backup execution
    298: ("H", ["A6"], "E"),        # backup capacity management = client
    300: ("HM", ["A6", INF], "E"),  # client checks backups, may call support
    301: ("MH", [INF, "A6"], "I"),  # SLA 8/9 apply to backup incidents
    306: ("S", [T], "I"),           # notify changes affecting extra-EU-law protection
    312: ("S", [T], "I"),           # report security incidents
    313: ("S", [T], "I"),           # PASSI audits + compliance audits
    315: ("S", [T], "I"),           # notify projects impacting security/availability
    316: ("S", [T], "I"),           # procedures incl. client's security needs
    317: ("S", [T], "I"),           # no production data in tests, anonymisation
    318: ("S", [T], "I"),           # deletion at end of contract
    319: ("S", [T], "I"),           # secure erasure by overwriting
    322: ("S", [T], "C"),           # on request: security-policy sanctions
    323: ("S", [T], "C"),           # on request: logging events
    324: ("S", [T], "C"),           # on request: procedures / security needs
    325: ("S", [T], "C"),           # on request: risk elements re non-EU law
    330: ("H", ["A4"], "E"),        # nothing above compute/network/storage/backup
    331: ("M", ["A5", INF], "E"),   # no management of OS/middleware/apps
    332: ("M", ["A5"], "E"),        # no OS/software updates
    333: ("S", [T], "E"),           # no security of client software
    334: ("M", ["A5"], "E"),        # no VM updates
    335: ("H", ["A6"], "E"),        # no application-level backup
    336: ("H", ["A6"], "C"),        # no backup commitment without units
    339: ("H", ["A1"], "E"),        # client physical components not part of service
    341: ("S", ["A5"], "I"),        # no access to tenants without authorisation
    342: ("S", ["A5"], "I"),        # access only for the agreed services
    343: ("S", ["A5"], "I"),        # third-party remote access prohibited / exception
    344: ("S", ["A5"], "I"),        # control, authorised & documented exceptions
    353: ("H", ["A3", "A6"], "E"),  # client configures VMs, activates backup policies
    354: ("S", [T], "I"),           # ANSSI / qualification body audits
    356: ("S", [T], "E"),           # client must not ask to lower SecNumCloud level
    361: ("S", [T], "I"),           # secure erasure at end of contract
    362: ("S", [T], "I"),           # erasure certificate
    368: ("P", [INF], "I"),         # changes only via designated governance bodies
}

FR = dict(COMMON)
FR.update({
    392: ("S", [T], "I"),           # incident type: disasters (sinistres)
    393: ("M", ["A5"], "I"),        # incident type: breakdowns and failures
    394: ("S", [T], "I"),           # incident type: security incidents
    396: ("MS", ["A5", T], "I"),    # incident/interruption notification and follow-up
    398: ("S", [T], "E"),           # client chooses security-incident notification levels
    400: ("S", [T], "I"),
    401: ("S", [T], "I"),
    402: ("S", [T], "I"),           # personal data breaches (client controller)
    406: ("SM", [T, "A5"], "I"),    # breaches (provider controller) + maintenance lead-in
    407: ("M", ["A5"], "I"),        # MCO plan
    408: ("S", [T], "C"),           # PCA/PRA if subscribed
    410: ("S", ["A5"], "I"),        # no access to tenants / client interface
    411: ("S", ["A5"], "E"),        # client grants access to provider staff
    413: ("S", ["A5"], "I"),        # no remote third-party access
    414: ("S", ["A5"], "I"),        # exception: notice, justification, written consent
    416: ("S", [T], "I"),           # end-of-contract erasure procedure
    425: ("S", [T], "I"),           # personal data protection measures
    427: ("S", [T], "I"),           # relations with ANSSI, CERT-FR, CNIL
    430: ("S", [T], "I"),           # transparency and traceability
    433: ("S", [T], "I"),           # security guarantee (SecNumCloud)
})

EN = dict(COMMON)
EN.update({
    394: ("M", ["A5"], "I"),        # incident type "Incidents" (EN text; FR says sinistres)
    395: ("M", ["A5"], "I"),        # failures and outages
    396: ("S", [T], "I"),           # security incidents
    398: ("MS", ["A5", T], "I"),    # incident/outage notification
    400: ("S", [T], "E"),           # client selects notification severity levels
    402: ("S", [T], "I"),
    403: ("S", [T], "I"),
    404: ("S", [T], "I"),           # personal data breaches (client controller)
    407: ("SM", [T, "A5"], "I"),    # breaches (provider controller) + maintenance lead-in
    408: ("MS", ["A5", T], "I"),    # "operational continuity plan" (EN wording)
    409: ("S", [T], "C"),           # PCA/PRA if subscribed
    411: ("S", ["A5"], "I"),
    412: ("S", ["A5"], "E"),
    414: ("S", ["A5"], "I"),
    415: ("S", ["A5"], "I"),
    417: ("S", [T], "I"),
    426: ("S", [T], "I"),
    428: ("S", [T], "I"),
    431: ("S", [T], "I"),
    434: ("S", [T], "I"),
})

# checklist: status + evidence unit indexes
FR_CHECK = {
    "r1111_11_1_certificate": ("missing", [27]),      # only SecNumCloud; no HDS certificate scope/dates
    "r1111_11_2_services": ("present", [120, 121, 122, 123, 124, 130, 257, 258]),
    "r1111_11_3_locations": ("present", [140, 199, 200, 202]),
    "r1111_11_4_rights": ("present", [114, 311, 313, 402, 406, 386]),
    "r1111_11_5_referent": ("present", [396, 315]),
    "r1111_11_6_sla": ("present", [256, 257, 258, 259, 260, 261, 266, 267, 269, 277, 285]),
    "r1111_11_7_subcontractors": ("present", [326, 346, 347, 348, 349, 350, 439, 440, 441]),
    "r1111_11_8_access": ("present", [341, 342, 343, 344, 410, 411, 413, 414, 205]),
    "r1111_11_9_changes": ("present", [306, 315, 368, 370, 371, 372, 383]),
    "r1111_11_10_failure": ("present", [173, 183, 392, 393, 394, 396, 407, 408]),
    "r1111_11_11_end": ("present", [111, 361, 385, 386, 416]),
    "r1111_11_13_return": ("present", [386]),
    "l1111_8_destruction": ("present", [318, 319, 361, 362, 416]),
    "hds2_eea_storage": ("present", [199, 200, 202]),
    "hds2_third_country_access": ("present", [199, 306, 325, 440]),
}
EN_CHECK = {
    "r1111_11_1_certificate": ("missing", [27]),
    "r1111_11_2_services": ("present", [120, 121, 122, 123, 124, 130, 257, 258]),
    "r1111_11_3_locations": ("present", [140, 199, 200, 202]),
    "r1111_11_4_rights": ("present", [114, 311, 313, 404, 407, 386, 387, 388]),
    "r1111_11_5_referent": ("present", [398, 315]),
    "r1111_11_6_sla": ("present", [256, 257, 258, 259, 260, 261, 266, 267, 269, 277, 285]),
    "r1111_11_7_subcontractors": ("present", [326, 346, 347, 348, 349, 350, 440, 441, 442]),
    "r1111_11_8_access": ("present", [341, 342, 343, 344, 411, 412, 414, 415, 205]),
    "r1111_11_9_changes": ("present", [306, 315, 368, 370, 371, 372, 383]),
    "r1111_11_10_failure": ("present", [173, 183, 394, 395, 396, 398, 408, 409]),
    "r1111_11_11_end": ("present", [111, 361, 385, 386, 417]),
    "r1111_11_13_return": ("present", [386, 387, 388]),
    "l1111_8_destruction": ("present", [318, 319, 361, 362, 417]),
    "hds2_eea_storage": ("present", [199, 200, 202]),
    "hds2_third_country_access": ("present", [199, 306, 325, 441]),
}

NOTE = ("Spans are Python str indices into body = raw.split('\\n\\n', 1)[1] of the corpus file read as UTF-8 "
        "(the header is exactly the 4 lines SOURCE/LICENSE/LANG/EXTRACTED followed by one blank line; the body "
        "starts with the Markdown front matter '---'). Units: paragraph, list item (nested items separately) or "
        "table row, stripped; table header/separator rows, headings, lead-ins ending in ':' without own "
        "content, glossary and acronym entries are not annotated. Built by "
        "tests/gold/corpus/tools_cloudtemple/build_gold.py.")

DOCS = [
    ("cloudtemple-convention-service-iaas-secnumcloud.txt", "fr", FR, FR_CHECK),
    ("cloudtemple-iaas-service-agreement-en.txt", "en", EN, EN_CHECK),
]


def build(corpus_dir):
    for name, lang, decisions, check in DOCS:
        raw = open(os.path.join(corpus_dir, name), encoding="utf-8").read()
        body = body_of(raw)
        us = units(body)
        clauses = []
        for idx in sorted(decisions):
            cats, mapping, st = decisions[idx]
            a, b, kind = us[idx]
            assert kind != "heading", (name, idx)
            cl = sorted({CAT[c] for c in cats}, key=list(CAT.values()).index)
            mp = sorted(set(mapping), key=ORDER.index)
            clauses.append({"span": [a, b], "categories": cl, "mapping": mp, "status": STATUS[st]})
        coverage = sorted({m for c in clauses if c["status"] in ("included", "conditional") for m in c["mapping"]},
                          key=ORDER.index)
        assert set(check) == set(CHECK_IDS)
        checklist = {k: check[k][0] for k in CHECK_IDS}
        evidence = {k: [list(us[i][:2]) for i in check[k][1]] for k in CHECK_IDS}
        gold = {
            "schema": "hds-analyzer/gold/1",
            "document": name,
            "language": lang,
            "note": NOTE,
            "clauses": clauses,
            "coverage": coverage,
            "checklist": checklist,
            "checklist_evidence": evidence,
        }
        out = os.path.join(GOLD_DIR, name + ".gold.json")
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(gold, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        print(out, len(clauses), "clauses; coverage", coverage)


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "..", "shared", "corpus"))
