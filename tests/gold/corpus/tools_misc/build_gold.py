"""Build the span-based gold files for three corpus documents from unit-level decisions.

The corpus text is never copied here: each decision names a unit index (see units.py) and the first
8 hex digits of the SHA-1 of that unit's text, so a change in the corpus or in the splitter is caught.

Usage: python build_gold.py [CORPUS_DIR]   (default ../../../../../shared/corpus, i.e. /work/shared/corpus)
Writes ../<document>.gold.json and validates them.
"""
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from units import body_of, units  # noqa: E402

CHECK_IDS = [
    "r1111_11_1_certificate", "r1111_11_2_services", "r1111_11_3_locations", "r1111_11_4_rights",
    "r1111_11_5_referent", "r1111_11_6_sla", "r1111_11_7_subcontractors", "r1111_11_8_access",
    "r1111_11_9_changes", "r1111_11_10_failure", "r1111_11_11_end", "r1111_11_13_return",
    "l1111_8_destruction", "hds2_eea_storage", "hds2_third_country_access",
]
CATS = {"hosting", "maintenance", "security", "training", "project_management"}
TARGETS = {"A1", "A2", "A3", "A4", "A5", "A6", "infogerance", "transversal"}
STATUSES = {"included", "excluded", "conditional", "definition"}

H, M, S, T = "hosting", "maintenance", "security", "training"
INC, EXC, CON = "included", "excluded", "conditional"

# (unit index, sha1[:8] of unit text, categories, mapping, status)  -- comment = reviewer's reasoning
DOCS = {
    "eoko-conditions-particulieres-infogerance.txt": {
        "language": "fr", "per_line": False,
        "clauses": [
            (7, "3d3ab910", [S], ["A5"], EXC),        # client must provide/maintain access (on site, remote) for the provider
            (8, "a6f1b9df", [S], ["A5"], EXC),        # client opens remote access (SSH, monitoring port) on request
            (9, "cf154ab4", [M, S], ["A5"], EXC),     # client makes no change to hardware/OS without provider's prior authorisation
            (11, "fd63a916", [M], ["A5"], INC),       # client keeps resources updated; provider agrees major OS updates, does minor maintenance
            (12, "69897591", [S], ["A5"], EXC),       # client alone keeps identifiers/passwords safe
            (14, "8029d4f4", [M], ["A5"], INC),       # provider: maintenance, monitoring and management of servers
            (15, "390f578d", [M], ["A5"], INC),       # provider intervenes on failures within agreed times
            (16, "792b2e03", [M, S], ["A5", "transversal"], INC),  # provider may cut a service to contain an incident (abuse)
            (18, "c7e2272d", [M], ["A5"], INC),       # managed-services package = subscription comprising (lead-in)
            (19, "75cd596c", [M], ["A5"], INC),       # monitoring via probes and alerts
            (20, "da632768", [M], ["A5"], INC),       # ... of servers (power/hardware, network)
            (21, "9270ba88", [M], ["A5"], INC),       # ... of operating systems
            (22, "c0b2c82c", [M], ["A5"], INC),       # OS administration (monthly hour volume)
            (23, "aa969897", [M], ["A5"], INC),       # OS maintenance via:
            (24, "6fc2caff", [M, S], ["A5", "transversal"], INC),  # tracking of security vulnerabilities
            (25, "cb68a8af", [M], ["A5"], INC),       # minor updates incl. security patches
            (26, "b1a49369", [M], ["A5"], INC),       # management of major updates
            (27, "5a456670", [M], ["infogerance"], INC),  # access to technical support
            (28, "213aecfe", [M], ["A5", "infogerance"], INC),  # web portal: incident/support tickets, interventions list
            (30, "f1acea40", [M], ["A5"], INC),       # maximum intervention time (GTI) lead-in
            (31, "aa32e94b", [M], ["A5"], INC),       # GTI critical
            (32, "4654dc4a", [M], ["A5"], INC),       # GTI urgent
            (33, "37b57f48", [M], ["A5"], INC),       # GTI start: ticket in portal or emergency phone call
            (34, "4adce507", [M], ["A5"], INC),       # business hours that qualify the intervention times
            (39, "7d7ef79a", [M], ["A5"], INC),       # scheduled maintenance works by the provider (item of penalty-exclusion list)
            (44, "a2cf64fa", [M], ["A5"], CON),       # a specific contract may set shorter intervention times
        ],
        "checklist": {
            "r1111_11_1_certificate": "missing", "r1111_11_2_services": "present",
            "r1111_11_3_locations": "missing", "r1111_11_4_rights": "missing",
            "r1111_11_5_referent": "missing", "r1111_11_6_sla": "present",
            "r1111_11_7_subcontractors": "missing", "r1111_11_8_access": "present",
            "r1111_11_9_changes": "present", "r1111_11_10_failure": "missing",
            "r1111_11_11_end": "missing", "r1111_11_13_return": "missing",
            "l1111_8_destruction": "missing", "hds2_eea_storage": "missing",
            "hds2_third_country_access": "missing",
        },
    },
    "cloudtemple-cgvu.txt": {
        "language": "fr", "per_line": False,
        "clauses": [
            (6, "722dd629", [H, S], ["A3", "transversal"], INC),   # preamble: IaaS offer conforming to SecNumCloud
            (10, "bcfe5803", [H, T], ["A3", "A4", "infogerance"], INC),  # recital: IaaS, PaaS, professional services
            # glossary entries are not annotated (same convention as tools_cloudtemple), except the two below,
            # which carry an explicit provider commitment; units 16 ("Accès") and 41 ("Utilisateur") hold a
            # client rule (credentials not shared) and are left out as definitions.
            (23, "9ade7b2e", [S], ["transversal"], INC),  # glossary "Données du Client": provider refrains from accessing data, advises encryption
            (39, "31ff8355", [H, S], ["A1", "A5", "transversal"], INC),  # glossary "Souveraineté": data stays in Territory, access control
            (56, "ebfcd864", [S], ["A5"], EXC),       # client secures authentication means of its account
            (66, "20984aec", [H], ["A3"], INC),       # scope: provision of infrastructure services
            (82, "78d9aef1", [S], ["A5"], EXC),       # client manages credentials, users follow security practices
            (83, "131db322", [S], ["A5"], EXC),       # client notifies loss/disclosure of credentials, resets them
            (85, "519ad2c8", [S], ["transversal"], INC),  # provider abstains from accessing contents except as strictly needed
            (86, "9047de40", [H], ["A6"], EXC),       # no dedicated backup of contents; client's duty
            (92, "7bc0620e", [S], ["transversal"], EXC),  # no intrusion attempts except pentests authorised by provider
            (97, "30bd1aa4", [S], ["transversal"], INC),  # suspension on real security threat
            (98, "cef1aebc", [M], ["A5"], INC),       # suspension for planned maintenance
            (102, "4693a538", [M], ["A5"], INC),      # suspension modalities; client informed of planned maintenance via interface
            (103, "c3868ea7", [H], ["A3"], EXC),      # suspensions not counted as unavailability for the SLA
            (119, "02ff8371", [S], ["transversal"], INC),  # cessation => definitive deletion of all contents incl. backups
            (121, "2a26a1ea", [S], ["transversal"], EXC),  # client may run pentests under an audit agreement
            (122, "5e2acce3", [S], ["transversal"], EXC),  # pentest contract client/auditor; tests must not:
            (123, "f514f1a1", [S], ["transversal"], EXC),
            (124, "87c120ca", [S], ["transversal"], EXC),
            (125, "b3b135c4", [S], ["transversal"], EXC),
            (126, "c0330347", [S, H], ["A6", "transversal"], EXC),  # client liable for tests, must back up before tests
            (127, "10c7cc2d", [S], ["transversal"], INC),  # anti-spam/DDoS protections stay active; audit report
            (128, "e3c13d34", [S], ["transversal"], EXC),  # audit report confidential
            (142, "cc7dd51a", [H, S], ["A6", "transversal"], EXC),  # provider not responsible for client continuity incl. backups
            (150, "92a8d40f", [H], ["A6"], EXC),      # client responsible for content backup / loss prevention
            (152, "3ba1096f", [S], ["transversal"], EXC),  # client must follow PGSSI-S (HDS req. 4.5.2)
            (168, "eaa8a85f", [S], ["transversal"], INC),  # force majeure: solutions to resume services within 48 h
            (202, "850c4fe9", [H], ["A3"], INC),      # SLA compute availability 99.9 % (penalty example)
            (203, "b4a36d31", [H], ["A6"], INC),      # SLA backup 99.9 % (penalty example)
            (204, "11d0daaf", [H], ["A3"], INC),      # SLA internet access 99.9 % (penalty example); network of the IaaS -> A3 as in tools_cloudtemple
            (224, "3340558a", [S], ["transversal"], INC),  # end: secure deletion of all client data
            (225, "378bc70a", [S], ["transversal"], INC),  # secure deletion of media, technical data, access config
        ],
        "checklist": {
            "r1111_11_1_certificate": "missing", "r1111_11_2_services": "present",
            "r1111_11_3_locations": "missing", "r1111_11_4_rights": "missing",
            "r1111_11_5_referent": "missing", "r1111_11_6_sla": "present",
            "r1111_11_7_subcontractors": "present", "r1111_11_8_access": "present",
            "r1111_11_9_changes": "present", "r1111_11_10_failure": "present",
            "r1111_11_11_end": "present", "r1111_11_13_return": "present",
            "l1111_8_destruction": "present", "hds2_eea_storage": "missing",
            "hds2_third_country_access": "missing",
        },
    },
    "commonpaper-cloud-service-agreement-with-sla.txt": {
        "language": "en", "per_line": True,
        "clauses": [
            (58, "100dded1", [H], ["A4"], CON),       # [ ] Target Uptime
            (72, "e24b287a", [M], ["A5"], CON),       # ( ) scheduled maintenance windows
            (74, "2d1488d7", [M], ["A5"], CON),       # ( ) downtime after written notice
            (76, "d2bad56e", [M], ["infogerance"], CON),  # [ ] Target Response Time
            (78, "dfad0a2f", [M], ["infogerance"], CON),  # support channel / incident ticket
            (81, "b6e5250b", [T], ["infogerance"], CON),  # [ ] professional services per reference
            (82, "80883fab", [T], ["infogerance"], CON),  # [ ] professional services described
            (165, "6e7997bf", [S], ["transversal"], INC),  # [x] secure the Cloud Service from unauthorized access
            (166, "820ed8cc", [S], ["transversal"], CON),  # [ ] comply with Security Policy
            (167, "4b2628db", [S], ["transversal"], CON),  # [ ] annual reports/certifications:
            (168, "88e63fe8", [S], ["transversal"], CON),  # ISO 27001
            (169, "d5de63b7", [S], ["transversal"], CON),  # penetration testing
            (170, "1cf3cc78", [S], ["transversal"], CON),
            (171, "1c577936", [S], ["transversal"], CON),
            (172, "72a3f299", [S], ["transversal"], CON),
            (173, "6b59083d", [S], ["transversal"], CON),
            (174, "66ee811e", [S], ["transversal"], CON),
            (175, "1f1291cf", [S], ["transversal"], CON),
            (176, "301b33a0", [S], ["transversal"], CON),
            (210, "d5642994", [M], ["infogerance"], INC),  # 1.2 Support
            (211, "7a6b20d0", [S], ["A5"], EXC),      # 1.3 User accounts: customer protects credentials, reports compromise
            (217, "7742daa8", [S], ["transversal"], EXC),  # 2.1(a) no security tests / access circumvention by customer
            (239, "17495b17", [S], ["transversal"], CON),  # 5.5(b) delete Customer Content on request within 60 days
            (330, "6ee8c33c", [H], ["A4"], CON),      # SLA 1.1 Target Uptime ("If there is a Target Uptime")
            (331, "8e1f1e49", [H], ["A4"], INC),      # SLA 1.2 calculating uptime
            (333, "7bdf8cfd", [M], ["infogerance"], CON),  # SLA 2.1 Target Response Time ("If there is")
            (334, "376b6dce", [M], ["infogerance"], INC),  # SLA 2.2 calculating response time
        ],
        "checklist": {
            "r1111_11_1_certificate": "missing", "r1111_11_2_services": "present",
            "r1111_11_3_locations": "missing", "r1111_11_4_rights": "missing",
            "r1111_11_5_referent": "missing", "r1111_11_6_sla": "present",
            "r1111_11_7_subcontractors": "missing", "r1111_11_8_access": "present",
            "r1111_11_9_changes": "present", "r1111_11_10_failure": "present",
            "r1111_11_11_end": "present", "r1111_11_13_return": "missing",
            "l1111_8_destruction": "present", "hds2_eea_storage": "missing",
            "hds2_third_country_access": "missing",
        },
    },
}


def dumps(gold):
    """JSON with one clause per line (stable, diff-friendly)."""
    head = {k: gold[k] for k in ("schema", "document", "language")}
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    lines.append('  "clauses": [')
    lines += ["    " + json.dumps(c, ensure_ascii=False) + ("," if i < len(gold["clauses"]) - 1 else "")
              for i, c in enumerate(gold["clauses"])]
    lines.append("  ],")
    lines.append(f'  "coverage": {json.dumps(gold["coverage"])},')
    lines.append('  "checklist": {')
    items = list(gold["checklist"].items())
    lines += [f"    {json.dumps(k)}: {json.dumps(v)}" + ("," if i < len(items) - 1 else "") for i, (k, v) in enumerate(items)]
    lines += ["  }", "}", ""]
    out = "\n".join(lines)
    assert json.loads(out) == gold
    return out


def build(corpus_dir):
    out_dir = os.path.dirname(HERE)
    for name, spec in DOCS.items():
        raw = open(os.path.join(corpus_dir, name), encoding="utf-8").read()
        body = body_of(raw)
        us = units(body, spec["per_line"])
        clauses = []
        for idx, h, cats, mapping, status in spec["clauses"]:
            s, e, kind = us[idx]
            got = hashlib.sha1(body[s:e].encode()).hexdigest()[:8]
            assert got == h, (name, idx, got, h)
            assert kind != "heading" and not body[s:e].lstrip().startswith("#"), (name, idx)
            assert 0 <= s < e <= len(body) and body[s:e].strip() == body[s:e]
            assert set(cats) <= CATS and cats and set(mapping) <= TARGETS and mapping and status in STATUSES
            clauses.append({"span": [s, e], "categories": sorted(cats), "mapping": sorted(mapping),
                            "status": status})
        clauses.sort(key=lambda c: c["span"])
        spans = [c["span"] for c in clauses]
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "overlapping spans"
        coverage = sorted({m for c in clauses if c["status"] in (INC, CON) for m in c["mapping"]})
        assert set(spec["checklist"]) == set(CHECK_IDS)
        assert set(spec["checklist"].values()) <= {"present", "missing", "excluded"}
        gold = {"schema": "hds-analyzer/gold/1", "document": name, "language": spec["language"],
                "clauses": clauses, "coverage": coverage,
                "checklist": {k: spec["checklist"][k] for k in CHECK_IDS}}
        path = os.path.join(out_dir, name + ".gold.json")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(dumps(gold))
        json.load(open(path, encoding="utf-8"))
        print(f"{path}: {len(clauses)} clauses, coverage {coverage}")


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/corpus")
