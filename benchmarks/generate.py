"""Generate a large, realistic SFDX package for benchmarking apexlint.

    python3 benchmarks/generate.py OUT --classes 2000 [--seed 7]

2,000 classes come to about 500k lines of Apex, with triggers, Visualforce pages and components,
static JavaScript (plain files, an expanded bundle and one zipped resource) and metadata. Session-ID
sources are planted at a low rate with flows across classes; their locations and the rules expected
there are written to `OUT/.apexlint-bench.json` (a dot file: scans skip it). The same seed always
gives byte-identical output.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import sys
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import metadata as md
from benchmarks.apex_classes import write_class
from benchmarks.apex_plan import PackagePlan, plan_package
from benchmarks.apex_plants import SESSION_PROVIDER_LINE, SHARED_SOURCES, Planted
from benchmarks.web import write_component, write_js_module, write_page, write_session_page

MANIFEST = ".apexlint-bench.json"
BASE = "force-app/main/default"


@dataclass
class Generated:
    """What was written: counts for the benchmark table and the planted sources for checks."""

    root: Path
    files: dict[str, str | bytes] = field(default_factory=dict)
    planted: list[Planted] = field(default_factory=list)

    def add(self, rel: str, content: str | bytes) -> None:
        self.files[f"{BASE}/{rel}"] = content

    def summary(self) -> dict[str, int]:
        apex = [c for r, c in self.files.items() if r.endswith((".cls", ".trigger")) and isinstance(c, str)]
        return {
            "files": len(self.files),
            "apex_files": len(apex),
            "apex_lines": sum(c.count("\n") for c in apex),
            "total_lines": sum(c.count("\n") for c in self.files.values() if isinstance(c, str)),
            "planted_sources": len(self.planted),
        }


def generate(out: Path, classes: int, seed: int = 7) -> Generated:
    """Write the package under `out` (replacing an earlier generated one) and return its summary."""
    rng = random.Random(seed)
    plan = plan_package(classes, rng)
    gen = Generated(out)
    _apex(plan, rng, gen)
    _pages(plan, rng, gen)
    _static_resources(plan, rng, gen)
    _metadata(plan, rng, gen)
    gen.files["sfdx-project.json"] = json.dumps({
        "packageDirectories": [{"path": "force-app", "default": True}], "name": "apexlint-benchmark",
        "namespace": plan.namespace, "sourceApiVersion": "59.0"}, indent=2) + "\n"
    _write(gen)
    return gen


def _apex(plan: PackagePlan, rng: random.Random, gen: Generated) -> None:
    for name, text in SHARED_SOURCES.items():
        gen.add(f"classes/{name}.cls", text)
        gen.add(f"classes/{name}.cls-meta.xml", md.class_meta())
    gen.planted.append(Planted(f"{BASE}/classes/SessionProvider.cls", SESSION_PROVIDER_LINE, "shared-provider",
                               ("SID010",)))
    for cp in plan.classes:
        rel = f"classes/{cp.name}.cls"
        text, planted = write_class(cp, rng, f"{BASE}/{rel}")
        gen.add(rel, text)
        gen.add(f"{rel}-meta.xml", md.class_meta())
        gen.planted += planted
    handlers = {cp.domain.name for cp in plan.classes if cp.role == "TriggerHandler"}
    for d in sorted(handlers):
        gen.add(f"triggers/{d}Trigger.trigger",
                f"trigger {d}Trigger on {d}__c (before insert, before update, after insert, after update) {{\n"
                f"    TriggerDispatcher.run(new {d}TriggerHandler());\n}}\n")
        gen.add(f"triggers/{d}Trigger.trigger-meta.xml", md.trigger_meta())
    services = [cp for cp in plan.classes if cp.role == "Service" and cp.methods]
    if services:  # platform-event trigger: its handler code runs as async Apex
        first = services[0].methods[0]
        args = ", ".join(f"new {t}()" if t.startswith(("List", "Set", "Map")) else "null" for t, _ in first.params)
        gen.add("triggers/OrgSyncTrigger.trigger",
                "trigger OrgSyncTrigger on Org_Sync__e (after insert) {\n    for (Org_Sync__e evt : Trigger.new) {\n"
                f"        {first.owner}.{first.name}({args});\n    }}\n}}\n")
        gen.add("triggers/OrgSyncTrigger.trigger-meta.xml", md.trigger_meta())


def _pages(plan: PackagePlan, rng: random.Random, gen: Generated) -> None:
    controllers = [cp.domain for cp in plan.classes if cp.role == "Controller"]
    for i, domain in enumerate(controllers):
        roll = rng.random()
        session = ("supported" if i == 0 or (i > 1 and roll < 0.06) else
                   "export" if i == 1 or (i > 1 and roll < 0.09) else None)
        rel = f"pages/{domain.name}Page.page"
        text, planted = write_page(domain.name, domain.sobject, session, rng, f"{BASE}/{rel}")
        gen.add(rel, text)
        gen.add(f"{rel}-meta.xml", md.page_meta(f"{domain.name} Page"))
        gen.planted += planted
        if i % 5 == 0:
            gen.add(f"components/{domain.name}Summary.component", write_component(domain.name, domain.sobject))
            gen.add(f"components/{domain.name}Summary.component-meta.xml", md.page_meta(domain.name, True))
    for domain in plan.domains:
        if "vf-content" in domain.plants:
            rel = f"pages/{domain.name}SessionPage.page"
            text, planted = write_session_page(domain.name, f"{BASE}/{rel}")
            gen.add(rel, text)
            gen.planted += planted
            gen.add(f"pages/{domain.name}SessionPage.page-meta.xml", md.page_meta("Session"))


def _static_resources(plan: PackagePlan, rng: random.Random, gen: Generated) -> None:
    """One script per page, an expanded bundle folder, and one zipped resource."""
    controllers = [cp.domain for cp in plan.classes if cp.role == "Controller"]
    for i, domain in enumerate(controllers):
        name = f"{domain.name.lower()}_app"
        session = "supported" if i == 0 or (i > 0 and rng.random() < 0.03) else None
        text, line = write_js_module(rng, name, rng.randint(80, 400), session)
        gen.add(f"staticresources/{name}.js", text)
        gen.add(f"staticresources/{name}.resource-meta.xml", md.resource_meta("application/javascript"))
        if line is not None:
            gen.planted.append(Planted(f"{BASE}/staticresources/{name}.js", line, "js-supported", ("SID010",)))
    for n in range(4):
        text, _ = write_js_module(rng, f"portal{n}", rng.randint(150, 600), None)
        gen.add(f"staticresources/portal_bundle/js/portal{n}.js", text)
    gen.add("staticresources/portal_bundle.resource-meta.xml", md.resource_meta("application/zip"))
    members: dict[str, str] = {}
    for n in range(3):
        members[f"js/widgets{n}.js"] = write_js_module(rng, f"widgets{n}", rng.randint(100, 300), None)[0]
    telemetry, line = write_js_module(rng, "telemetry", 60, "export")
    members["js/telemetry.js"] = telemetry
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for member in sorted(members):
            info = zipfile.ZipInfo(member, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, members[member])
    gen.add("staticresources/legacy_widgets.resource", buf.getvalue())
    gen.add("staticresources/legacy_widgets.resource-meta.xml", md.resource_meta("application/zip"))
    gen.planted.append(Planted(f"{BASE}/staticresources/legacy_widgets.resource!/js/telemetry.js", line or 0,
                               "js-export", ("SID002",)))


def _metadata(plan: PackagePlan, rng: random.Random, gen: Generated) -> None:
    for i, domain in enumerate(plan.domains):
        s = domain.sobject
        for rel, text in md.object_files(domain.name, rng).items():
            gen.add(rel, text)
        link_rel = f"objects/{s}/webLinks/Open_In_Portal.webLink-meta.xml"
        text, planted = md.web_link(domain.name, i == 0 or rng.random() < 0.03, f"{BASE}/{link_rel}")
        gen.add(link_rel, text)
        gen.planted += planted
        wf_rel = f"workflows/{s}.workflow-meta.xml"
        text, planted = md.workflow(domain.name, i == min(1, len(plan.domains) - 1) or rng.random() < 0.03,
                                    f"{BASE}/{wf_rel}")
        gen.add(wf_rel, text)
        gen.planted += planted
        gen.add(f"tabs/{s}.tab-meta.xml", md.object_tab(domain.name))
        gen.add(f"namedCredentials/{domain.name}_API.namedCredential-meta.xml",
                md.named_credential(f"{domain.name} API", f"https://api.{domain.name.lower()}.example.com"))
        if i % 10 == 0:
            gen.add(f"remoteSiteSettings/{domain.name}_Partner.remoteSite-meta.xml",
                    md.remote_site(domain.name, f"https://hooks.{domain.name.lower()}.example.com"))
    gen.add("namedCredentials/Org_API.namedCredential-meta.xml",
            md.named_credential("Org API", "https://benchmark-dev-ed.my.salesforce.com"))
    text, planted = md.web_tab(f"{BASE}/tabs/Partner_Dashboard.tab-meta.xml")
    gen.add("tabs/Partner_Dashboard.tab-meta.xml", text)
    gen.planted += planted
    gen.add("labels/CustomLabels.labels-meta.xml", md.custom_labels([d.name for d in plan.domains]))


def _write(gen: Generated) -> None:
    """Replace an earlier generated package; refuse to overwrite anything else."""
    root = gen.root
    if root.exists() and any(root.iterdir()):
        if not (root / MANIFEST).is_file():
            raise SystemExit(f"{root} is not empty and was not made by this generator; choose another OUT")
        shutil.rmtree(root)
    for rel, content in sorted(gen.files.items()):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="\n")
    manifest = {"summary": gen.summary(), "planted": [asdict(p) for p in gen.planted]}
    (root / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="directory to create (an earlier generated package is replaced)")
    parser.add_argument("--classes", type=int, default=2000, help="number of Apex classes (default 2000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed; same seed, same bytes (default 7)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    gen = generate(args.out, args.classes, args.seed)
    summary = gen.summary()
    print(f"{args.out}: {summary['files']:,} files, {summary['apex_files']:,} Apex files, "
          f"{summary['apex_lines']:,} Apex lines, {summary['total_lines']:,} lines in all, "
          f"{summary['planted_sources']} planted session sources ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
