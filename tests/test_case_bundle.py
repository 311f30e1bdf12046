"""Case bundles from a real loaded graph: every file there, a readable Chinese PDF, tamper-evident, redacted, atomic."""

from __future__ import annotations

import io
import itertools
import json
import logging
import os
import re
import shutil
import subprocess
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import bundle_files, open_copy

from graphfraud.bundle import export_bundle, verify_bundle
from graphfraud.bundle.archive import top_folder
from graphfraud.bundle.verify import recorded_export
from graphfraud.case import trail
from graphfraud.detect.run import detect
from graphfraud.detect.store import stored_rings
from graphfraud.engines.embedded import EmbeddedEngine
from graphfraud.errors import BundleError, InputError
from graphfraud.load import load_directory

CHINA = timezone(timedelta(hours=8))
FILES = {"report.pdf", "claims.csv", "members.csv", "timeline.csv", "evidence.csv", "tables.xlsx", "graph.html",
         "graph.png", "queries.cypher", "manifest.json", "items.csv"}   # items: the top ring's claims have drug lines
HEADINGS = ("案件摘要", "成员及角色", "疑点说明", "涉案金额", "时间线", "关系图", "证据清单", "数据期间", "数据快照", "经办及签章")
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=CHINA)


@pytest.fixture
def poppler() -> None:
    """pdftoppm/pdftotext/pdffonts (poppler-utils): skipped on a developer machine without them, required in CI."""
    if not all(shutil.which(tool) for tool in ("pdftoppm", "pdftotext", "pdffonts")):
        if os.environ.get("CI"):
            pytest.fail("poppler-utils missing in CI (.ci/run installs it)")
        pytest.skip("poppler-utils not installed (apt-get install poppler-utils)")


@pytest.fixture(scope="module")
def graph(small_db: Path, tmp_path_factory) -> EmbeddedEngine:
    """An embedded graph with the small data loaded (a copy of ``small_db``) and rings detected (shared by this
    module's tests)."""
    engine = open_copy(small_db, tmp_path_factory.mktemp("bundle"))
    detect(engine, now=datetime(2026, 11, 30, 2, 0, tzinfo=CHINA))
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def bundle(graph, tmp_path_factory) -> Path:
    """The top ring's bundle, exported once for the tests that only read or copy it."""
    return export_bundle(graph, _ring(graph), tmp_path_factory.mktemp("top") / "bundle.zip", actor="张稽核", now=NOW)


def _ring(engine, rank: int = 0) -> str:
    return stored_rings(engine)[rank]["ring_id"]


def _rewrite(bundle: Path, out: Path, change) -> Path:
    """A copy of the bundle with ``change(files)`` applied to its name → bytes map."""
    files = bundle_files(bundle)
    change(files)
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report-for-text.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _readable(text: str) -> str:
    """Text as a reader sees it: JSON \\u escapes and HTML entities decoded (graph.html holds both), plus the raw text."""
    import html

    decoded = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return text + "\n" + html.unescape(decoded)


def _people(engine, ring_id: str) -> dict[str, list[str]]:
    """The raw personal values of the ring's members, straight from the graph."""
    ring = json.loads(engine.query("rings/stored", {"ring_id": ring_id})["details"][0])
    patients = [m["id"] for m in ring["members"] if m["type"] == "patient"]
    doctors = [m["id"] for m in ring["members"] if m["type"] == "doctor"]
    p = engine.query("bundle/patients", {"patients": patients})
    d = engine.query("bundle/doctors", {"doctors": doctors})
    return {"name": [*p["name"], *d["name"]], "id_number": list(p["id_number"]), "phone": list(p["phone"]),
            "address": list(p["address"])}


def test_a_bundle_holds_every_file_and_its_manifest_lists_each_sha256(graph, bundle: Path) -> None:
    ring_id = _ring(graph)
    files = bundle_files(bundle)
    assert set(files) == FILES
    manifest = json.loads(files["manifest.json"])
    assert manifest["ring_id"] == ring_id and manifest["tool"]["name"] == "graphfraud"
    assert manifest["export"] == {"at": "2026-12-01T09:30:00+08:00", "by": "张稽核"}
    assert re.fullmatch(r"S-[0-9A-F]{16}", manifest["snapshot"]["id"]) and manifest["snapshot"]["run_id"].startswith("run-")
    assert manifest["snapshot"]["period"]["first"] <= manifest["snapshot"]["period"]["last"]
    import hashlib
    for name, data in files.items():
        if name != "manifest.json":
            assert manifest["files"][name]["sha256"] == hashlib.sha256(data).hexdigest()
    result = verify_bundle(bundle)
    assert result.intact and not (result.changed or result.added or result.removed)
    with zipfile.ZipFile(io.BytesIO(files["tables.xlsx"])) as book:   # the workbook opens as a workbook
        assert "xl/workbook.xml" in book.namelist()
    from openpyxl import load_workbook
    sheets = load_workbook(io.BytesIO(files["tables.xlsx"])).sheetnames
    assert sheets == ["证据结算", "成员", "时间线", "疑点证据", "药品明细"]
    assert files["graph.png"].startswith(b"\x89PNG") and b"tIME" not in files["graph.png"]
    assert "new vis.Network" in files["graph.html"].decode("utf-8")


def test_the_report_renders_in_chinese_with_its_font_embedded_and_names_every_member(graph, bundle: Path, tmp_path: Path, poppler) -> None:
    ring_id = _ring(graph)
    pdf = bundle_files(bundle)["report.pdf"]
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
                   check=True)
    from PIL import Image
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    assert page.size[0] > 200 and page.getextrema()[0] < 100          # something dark was drawn: text, not a blank page
    text = _pdf_text(pdf, tmp_path)
    for heading in HEADINGS:
        assert heading in text, heading
    members = json.loads(graph.query("rings/stored", {"ring_id": ring_id})["details"][0])["members"]
    for m in members:
        assert m["id"] in text, m
    assert ring_id in text and "医保基金欺诈团伙案件材料" in text
    assert "次检测出现一次" in " ".join(text.split()).replace(" ", "")   # how rarely chance makes a ring as strong
    fonts = subprocess.run(["pdffonts", str(tmp_path / "report.pdf")], check=True, capture_output=True, text=True).stdout
    font_rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert font_rows and all("yes" in row[-5:-3] and row[-5] == "yes" and row[-4] == "yes" for row in font_rows), fonts
    assert len(pdf) < 2_000_000   # a subset travels, not the 8 MB font


def test_no_id_or_date_of_the_chinese_report_is_cut_across_two_lines(graph, bundle: Path, tmp_path: Path, poppler) -> None:
    ring = json.loads(graph.query("rings/stored", {"ring_id": _ring(graph)})["details"][0])
    claims = [c for m in ring["members"] for c in m.get("claims", [])]
    words = {m["id"] for m in ring["members"]} | set(claims) | {"2025-08-26"}
    lines = [line.strip() for line in _pdf_text(bundle_files(bundle)["report.pdf"], tmp_path).splitlines() if line.strip()]
    for first, second in itertools.pairwise(lines):
        tail, head = re.findall(r"[A-Za-z0-9-]*$", first)[0], re.findall(r"^[A-Za-z0-9-]*", second)[0]
        assert not (tail and head and any(wd.startswith(tail) and wd[len(tail):].startswith(head) for wd in words)), (first, second)


def test_english_report_on_request(graph, tmp_path: Path, poppler, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        pdf = bundle_files(export_bundle(graph, _ring(graph), tmp_path / "en.zip", actor="analyst", lang="en", now=NOW))["report.pdf"]
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]   # every character drawn
    text = _pdf_text(pdf, tmp_path)
    for heading in ("Case summary", "Members and roles", "Amount at risk", "Timeline", "Evidence claims", "Data snapshot"):
        assert heading in text


@pytest.mark.parametrize("name", sorted(FILES))
def test_changing_any_file_makes_verify_name_it(bundle: Path, tmp_path: Path, name: str) -> None:

    def edit(files: dict[str, bytes]) -> None:
        if name == "manifest.json":
            files[name] = files[name].replace("张稽核".encode(), "王某".encode())
        else:
            data = bytearray(files[name])
            data[len(data) // 2] ^= 0x01
            files[name] = bytes(data)

    result = verify_bundle(_rewrite(bundle, tmp_path / "tampered.zip", edit))
    assert not result.intact and result.readable
    assert result.changed == [name] and not result.added and not result.removed


def test_an_added_or_removed_file_is_named(bundle: Path, tmp_path: Path) -> None:
    added = verify_bundle(_rewrite(bundle, tmp_path / "added.zip", lambda f: f.update({"extra.txt": b"planted"})))
    assert not added.intact and added.added == ["extra.txt"] and not added.changed
    removed = verify_bundle(_rewrite(bundle, tmp_path / "removed.zip", lambda f: f.pop("graph.png")))
    assert not removed.intact and removed.removed == ["graph.png"] and not removed.changed
    (tmp_path / "junk.zip").write_bytes(b"not a zip at all")
    junk = verify_bundle(tmp_path / "junk.zip")
    assert not junk.readable and "not a readable zip" in junk.error


def test_a_consistently_rewritten_bundle_is_not_on_the_trail(graph, tmp_path: Path) -> None:
    from graphfraud.bundle.archive import zip_bytes
    from graphfraud.bundle.manifest import self_digest

    ring_id = _ring(graph, 1)
    bundle = export_bundle(graph, ring_id, tmp_path / "b.zip", actor="张稽核", now=NOW)
    assert recorded_export(graph, verify_bundle(bundle)) is not None
    files = bundle_files(bundle)
    manifest = json.loads(files["manifest.json"])
    manifest["export"]["by"] = "someone else"
    manifest["digest"] = self_digest(manifest)
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    forged = tmp_path / "forged.zip"
    forged.write_bytes(zip_bytes(files))
    result = verify_bundle(forged)
    assert result.intact                     # a forger who recomputes every sum fools the archive alone …
    assert recorded_export(graph, result) is None   # … but not the trail


def test_redaction_leaves_no_raw_name_id_number_or_phone_anywhere(graph, tmp_path: Path, poppler) -> None:
    ring_id = _ring(graph)
    people = _people(graph, ring_id)
    assert all(people.values())
    files = bundle_files(export_bundle(graph, ring_id, tmp_path / "r.zip", actor="张稽核", redact=True, now=NOW))
    texts = {}
    for name, data in files.items():
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                texts[name] = "".join(book.read(p).decode("utf-8") for p in book.namelist())
        elif name.endswith(".pdf"):
            texts[name] = _pdf_text(data, tmp_path)
        elif name.endswith(".png"):
            continue
        else:
            texts[name] = _readable(data.decode("utf-8"))
    for kind, values in people.items():
        for value in values:
            if not value:
                continue
            for name, text in texts.items():
                assert value not in text, (kind, name)
    import csv
    rows = list(csv.DictReader(io.StringIO(files["members.csv"].decode("utf-8-sig"))))
    patients = [r for r in rows if r["类别"] == "参保人"]
    assert all(re.fullmatch(r"NAME-\d\d", r["姓名/名称"]) and re.fullmatch(r"ID-\d\d", r["身份证号"])
               and re.fullmatch(r"PHONE-\d\d", r["联系电话"]) for r in patients)
    assert len({r["身份证号"] for r in patients}) == len(patients)   # one person, one token
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(files["tables.xlsx"]))["成员"]
    xlsx_tokens = {row[1]: (row[3], row[6]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    for r in patients:                       # the same person has the same token in every file
        assert xlsx_tokens[r["编号"]] == (r["姓名/名称"], r["身份证号"])
        assert r["身份证号"] in texts["report.pdf"]
    assert json.loads(files["manifest.json"])["redacted"] is True


def test_a_redacted_export_that_would_still_show_a_name_fails_and_writes_nothing(graph, tmp_path: Path) -> None:
    ring_id = _ring(graph, 4)   # shared with the trail test: this one writes nothing and restores the name
    patient = next(m["id"] for m in json.loads(graph.query("rings/stored", {"ring_id": ring_id})["details"][0])["members"]
                   if m["type"] == "patient")
    original = graph.query("bundle/patients", {"patients": [patient]})["name"][0]
    rename = "MATCH (p:Patient {patient_id: $id}) SET p.name = $name"
    graph.run(rename, {"id": patient, "name": "医保卡"}, write=True)   # a "name" the report itself prints as a word
    try:
        with pytest.raises(BundleError, match=r"redaction incomplete in .*report\.pdf"):
            export_bundle(graph, ring_id, tmp_path / "r.zip", actor="张稽核", redact=True)
    finally:
        graph.run(rename, {"id": patient, "name": original}, write=True)
    assert list(tmp_path.iterdir()) == []


# made-up people: an ID number and phones no generated person has
STRANGER_ID = "44030419851231002X"
STRANGER_PHONES = ("139 0000 1111", "158-0000-2222", "+86 186 0000 3333")
ID_LIKE = re.compile(r"(?<![0-9A-Za-z.])\d(?:[ \u3000]?\d){16}[ \u3000]?[\dXx](?![0-9A-Za-z])")
PHONE_LIKE = re.compile(r"(?<![0-9A-Za-z.])1[3-9]\d(?:[ \u3000-]?\d){8}(?![0-9A-Za-z])")


def _spaced(digits: str, groups: tuple[int, ...], sep: str = " ") -> str:
    out, at = [], 0
    for n in groups:
        out.append(digits[at:at + n])
        at += n
    return sep.join(out)


def test_redaction_masks_names_id_numbers_and_phones_written_any_way_in_free_text(graph, tmp_path: Path, poppler) -> None:
    """Issue 16, item 6: trail notes keep a member's name, his ID number with spaces, his phone with dashes, and a
    stranger's ID number and phones; none of it may survive --redact, in any file."""
    ring_id = _ring(graph, 5)
    people = _people(graph, ring_id)
    name, id_number, phone = people["name"][0], people["id_number"][0], people["phone"][0]
    notes = [f"约谈{name}", f"身份证 {_spaced(id_number, (6, 8, 4))}", f"手机 {_spaced(phone, (3, 4, 4), '-')}",
             f"手机 {_spaced(phone, (3, 4, 4))}", f"配偶 {_spaced(STRANGER_ID, (4, 4, 4, 4, 2))}",
             *(f"来电 {p}" for p in STRANGER_PHONES)]   # one short note each: one line each in the report's table
    for note in notes:
        trail.record(graph, ring_id, "note", "张稽核", note)
    plain = _pdf_text(bundle_files(export_bundle(graph, ring_id, tmp_path / "plain.zip", actor="张稽核", now=NOW))["report.pdf"],
                      tmp_path)
    assert all(note in plain for note in notes)   # the notes are in the report as written
    files = bundle_files(export_bundle(graph, ring_id, tmp_path / "r.zip", actor="张稽核", redact=True, now=NOW))
    texts = {}
    for file, data in files.items():
        if file.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                texts[file] = "".join(book.read(p).decode("utf-8") for p in book.namelist())
        elif file.endswith(".pdf"):
            texts[file] = _pdf_text(data, tmp_path)
        elif not file.endswith(".png"):
            texts[file] = _readable(data.decode("utf-8"))
    for file, text in texts.items():
        assert name not in text, file
        assert not ID_LIKE.findall(text), (file, ID_LIKE.findall(text))
        assert not PHONE_LIKE.findall(text), (file, PHONE_LIKE.findall(text))
        squeezed = re.sub(r"[\s-]", "", text)
        for digits in (id_number, phone, STRANGER_ID, *(re.sub(r"\D", "", p)[-11:] for p in STRANGER_PHONES)):
            assert digits not in squeezed, (file, digits)
    import csv
    member = next(r for r in csv.DictReader(io.StringIO(files["members.csv"].decode("utf-8-sig")))
                  if r["身份证号"].startswith("ID-") and r["联系电话"].startswith("PHONE-")
                  and r["编号"] == _first_patient(graph, ring_id))
    lines = texts["report.pdf"].splitlines()

    def noted(start: str) -> list[str]:
        return [line.split(start + " ", 1)[1].split()[0] for line in lines if start + " " in line]

    assert noted("手机") == [member["联系电话"]] * 2 and noted("身份证") == [member["身份证号"]]  # the same person, his tokens
    stranger = noted("配偶")
    assert len(stranger) == 1 and re.fullmatch(r"ID-\d\d", stranger[0]) and stranger[0] != member["身份证号"]
    assert len(set(noted("来电"))) == len(STRANGER_PHONES) and all(t.startswith("PHONE-") for t in noted("来电"))


def _first_patient(engine, ring_id: str) -> str:
    ring = json.loads(engine.query("rings/stored", {"ring_id": ring_id})["details"][0])
    return next(m["id"] for m in ring["members"] if m["type"] == "patient")


def test_the_leak_check_finds_id_numbers_and_phones_by_their_pattern(graph, tmp_path: Path) -> None:
    from graphfraud.bundle.redact import leaks

    for written in ("身份证 4403 0419 8512 3100 2X", "44030419851231002x", "电话 158-0000-2222", "+8618600003333",
                    "&#30005;&#35805; 139 0000 1111", "\\u7535\\u8bdd 139\\u30000000\\u30001111"):
        assert leaks({}, {"evidence.csv": written.encode()}) == ["evidence.csv"], written
        assert leaks({}, {}, {"report.pdf": written}) == ["report.pdf"], written
    for harmless in ("CL00000001", "S-A37FCCBD3876E8C3", "2025-01-01T08:15:33", "1365.00", "P000123456789",
                     "1420070400000", "ID-03 PHONE-02"):
        assert leaks({}, {"evidence.csv": harmless.encode()}) == [], harmless
    for rank in range(min(8, len(stored_rings(graph)))):   # redacted bundles of real rings raise no false alarm
        export_bundle(graph, _ring(graph, rank), tmp_path / f"{rank}.zip", actor="张稽核", redact=True, now=NOW)


def test_a_signed_bundle_adds_only_its_signature_and_names_its_key(graph, tmp_path: Path) -> None:
    from graphfraud.bundle.sign import generate_keys, load_public_key, load_signer

    _, public, fingerprint = generate_keys(tmp_path / "keys")
    _, other, _ = generate_keys(tmp_path / "other")
    ring_id = _ring(graph, 2)
    plain = bundle_files(export_bundle(graph, ring_id, tmp_path / "plain.zip", actor="张稽核", now=NOW))
    path = export_bundle(graph, ring_id, tmp_path / "signed.zip", actor="张稽核", now=NOW,
                         signer=load_signer(tmp_path / "keys" / "bureau.key"))
    signed = bundle_files(path)
    assert set(signed) == FILES | {"signature.ed25519"}
    assert {n for n in FILES if signed[n] != plain[n]} == {"manifest.json"}
    manifest = json.loads(signed["manifest.json"])
    assert manifest["signature"] == {"algorithm": "Ed25519", "key": fingerprint, "file": "signature.ed25519"}
    assert "signature.ed25519" not in manifest["files"]
    result = verify_bundle(path)
    assert result.intact and result.signed_by == fingerprint
    assert result.check_signature(load_public_key(public)) is None
    assert "another key" in result.check_signature(load_public_key(other))
    assert "not signed" in verify_bundle(tmp_path / "plain.zip").check_signature(load_public_key(public))
    assert trail.history(graph, ring_id)[-1].details["signed_by"] == fingerprint


def test_exporting_again_gives_the_same_bytes_apart_from_the_export_record(graph, tmp_path: Path) -> None:
    ring_id = _ring(graph, 2)
    first = bundle_files(export_bundle(graph, ring_id, tmp_path / "1.zip", actor="张稽核", now=NOW))
    trail.record(graph, ring_id, "note", "李科长", "复核材料")   # a note is case data: shown, but …
    again = export_bundle(graph, ring_id, tmp_path / "2.zip", actor="李科长", now=NOW + timedelta(days=3))
    second = bundle_files(again)
    changed = {n for n in first if first[n] != second[n]}
    assert changed == {"manifest.json", "report.pdf"}             # … the report shows it (and its export line)
    third = bundle_files(export_bundle(graph, ring_id, tmp_path / "3.zip", actor="王科员", now=NOW + timedelta(days=9)))
    assert {n for n in second if second[n] != third[n]} == {"manifest.json", "report.pdf"}   # the export line
    same = bundle_files(export_bundle(graph, ring_id, tmp_path / "4.zip", actor="王科员", now=NOW + timedelta(days=9)))
    assert {n for n in third if third[n] != same[n]} == set()       # the same export record: the same bytes
    m2, m3 = json.loads(second["manifest.json"]), json.loads(third["manifest.json"])
    assert {k for k in m2 if m2[k] != m3[k]} == {"export", "digest", "files"}   # files: report.pdf's sum
    with zipfile.ZipFile(again) as archive:
        assert [i.filename for i in archive.infolist()] == [f"{ring_id}/{name}" for name in sorted(FILES)]
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_failed_export_leaves_no_zip_and_no_trail_entry(graph, tmp_path: Path) -> None:
    ring_id = _ring(graph, 3)
    before = len(trail.history(graph, ring_id))
    with pytest.raises(InputError, match="no ring"):
        export_bundle(graph, "R-NOSUCH", tmp_path / "none.zip", actor="张稽核")
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    with pytest.raises(BundleError, match="cannot write"):
        export_bundle(graph, ring_id, blocker / "bundle.zip", actor="张稽核")
    with pytest.raises(InputError, match="actor"):
        export_bundle(graph, ring_id, tmp_path / "anon.zip", actor=" ")
    graph.query("rings/upsert_ring", {"rows": [{"ring_id": "R-BARE", "patterns": "[]", "score": 0.0, "amount_at_risk": 0.0,
                                                "summary": "", "seen": "2026-01-01T00:00:00+08:00", "run_id": "old",
                                                "size": 0, "details": "", "expected_false": 0.0}]})
    with pytest.raises(InputError, match="no stored members or evidence"):
        export_bundle(graph, "R-BARE", tmp_path / "bare.zip", actor="张稽核")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
    assert len(trail.history(graph, ring_id)) == before


def test_the_export_is_recorded_on_the_rings_trail(graph, tmp_path: Path) -> None:
    import hashlib

    ring_id = _ring(graph, 4)
    bundle = export_bundle(graph, ring_id, tmp_path / f"{ring_id}.zip", actor="张稽核", redact=True, now=NOW)
    last = trail.history(graph, ring_id)[-1]
    manifest = bundle_files(bundle)["manifest.json"]
    assert (last.action, last.actor, last.at) == ("export", "张稽核", "2026-12-01T09:30:00+08:00")
    assert last.details["bundle"] == f"{ring_id}.zip" and last.details["redacted"] is True
    assert last.details["manifest_sha256"] == hashlib.sha256(manifest).hexdigest()
    assert trail.current_status(graph, ring_id) == "new"          # exporting is not a review decision


def test_a_bundle_from_neo4j_is_complete_and_its_queries_reproduce_the_evidence(neo4j, small_data: Path, tmp_path: Path, poppler) -> None:
    load_directory(neo4j, small_data)
    detect(neo4j, now=datetime(2026, 11, 30, 2, 0, tzinfo=CHINA))
    ring_id = _ring(neo4j)
    bundle = export_bundle(neo4j, ring_id, tmp_path / "neo.zip", actor="张稽核", now=NOW)
    assert verify_bundle(bundle).intact
    files = bundle_files(bundle)
    text = _pdf_text(files["report.pdf"], tmp_path)
    assert all(h in text for h in HEADINGS) and ring_id in text
    text = files["queries.cypher"].decode("utf-8")
    blocks = re.findall(r"^// ── ([^\n]*) \((\S+)\.cypher\)\n(?://[^\n]*\n)*:params (\{[^\n]*\})\n(.*?);$", text, flags=re.DOTALL | re.MULTILINE)
    ring = json.loads(neo4j.query("rings/stored", {"ring_id": ring_id})["details"][0])
    motifs = {ev["motif"] for ev in ring["evidence"]}
    assert {name for _, name, _, _ in blocks} >= {"rings/claims", "bundle/patients"}
    assert {title.split(" / ")[-1] for title, name, _, _ in blocks if name.startswith("motifs/")} == motifs
    for title, name, literal, query in blocks:
        params = neo4j.run(f"RETURN {literal} AS p")["p"][0]          # the file's parameters, read by Neo4j itself
        frame = neo4j.run(query, params)
        found: set[str] = set()
        for column in ("claim_id", "claims", "claim_list"):
            if column in frame.columns:
                for value in frame[column]:
                    found.update([value] if isinstance(value, str) else list(value))
        if name == "rings/claims":
            assert found == {c for ev in ring["evidence"] for c in ev["claims"]}
        elif name.startswith("motifs/") and found:                # each motif query finds this ring's rows again
            motif = title.split(" / ")[-1]
            assert {c for ev in ring["evidence"] if ev["motif"] == motif for c in ev["claims"]} <= found, motif
        elif name.startswith("refine/"):                          # … or its claims query does (bursts: counts first)
            motif = title.split(" / ")[-1].split(":")[0]
            assert {c for ev in ring["evidence"] if ev["motif"] == motif for c in ev["claims"]} <= found, motif


# --------------------------------------------------------------------------- hostile text (issue 16, High 3)

HIDDEN = [chr(k) for k in range(32)] + ["\x7f", "\u202e"]


def _hide(value: str) -> str:
    """An id or name with one control character inside it, the same one every time the value appears.

    Consecutive ids get consecutive characters, so a ring's claims hold every one of them; the character goes
    at the end (before a ``~``), which keeps the ids' order and so the detection's partitions.
    """
    import zlib

    digits = "".join(ch for ch in value if ch.isdigit())
    n = int(digits) if digits else zlib.crc32(value.encode("utf-8"))
    return value if value == "" else value + HIDDEN[n % len(HIDDEN)] + "~"


@pytest.fixture(scope="module")
def hostile(small_data: Path, tmp_path_factory) -> EmbeddedEngine:
    """The small data with a control character (CR, LF, TAB, NUL, … U+202E) in every id and name, loaded and detected."""
    import csv

    import pandas as pd

    folder = tmp_path_factory.mktemp("hostile")
    for path in small_data.glob("*.csv"):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in ("claim_id", "patient_id", "card_id", "provider_id", "doctor_id", "name"):
            if column in table:
                table[column] = table[column].map(_hide)
        table.to_csv(folder / path.name, index=False, quoting=csv.QUOTE_ALL)
    engine = EmbeddedEngine(folder / "db")
    engine.ensure_schema()
    assert load_directory(engine, folder).rejected == 0
    detect(engine, now=datetime(2026, 11, 30, 2, 0, tzinfo=CHINA))
    yield engine
    engine.close()


def test_ids_with_control_characters_export_shown_as_escapes_and_kept_exact_in_the_queries(hostile, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from graphfraud.bundle.case import gather
    from graphfraud.bundle.export import render
    from graphfraud.bundle.reproduce import literal
    from graphfraud.display import visible

    def claims_of(ring: dict) -> list[str]:
        return sorted({c for ev in ring["evidence"] for c in ev["claims"]})

    rings = [json.loads(hostile.query("rings/stored", {"ring_id": r["ring_id"]})["details"][0]) for r in stored_rings(hostile)]
    def held(r: dict) -> set[str]:
        return {ch for c in claims_of(r) + [m["id"] for m in r["members"]] for ch in c} & set(HIDDEN)

    ring = max(rings, key=lambda r: (len(held(r)), -len(claims_of(r))))   # the ring whose ids hold the most characters
    assert {"\r", "\n", "\t", "\x00", "\u202e"} <= held(ring) and len(held(ring)) >= 24, sorted(map(ord, held(ring)))
    ring_id, ids, claims = ring["ring_id"], sorted(m["id"] for m in ring["members"]), claims_of(ring)
    bundle = export_bundle(hostile, ring_id, tmp_path / "b.zip", actor="张稽核", now=NOW)
    assert verify_bundle(bundle).intact
    files = bundle_files(bundle)
    text = {name: data.decode("utf-8") for name, data in files.items() if name.endswith((".csv", ".html", ".cypher"))}
    for name, body in text.items():
        hidden = set(body.replace("\r\n", "").replace("\n", "")) & set(HIDDEN)
        assert hidden <= ({"\t"} if name == "graph.html" else set()), (name, hidden)   # the page's own indentation
    assert all(visible(i) in text["members.csv"] for i in ids)
    assert all(visible(c) in text["claims.csv"] for c in claims)
    assert all(literal(i) in text["queries.cypher"] for i in ids if i.startswith("P"))  # the stored id, exactly
    book = load_workbook(io.BytesIO(files["tables.xlsx"]))
    assert visible(ids[0]) in {str(c.value) for row in book["成员"].iter_rows() for c in row}
    assert files["graph.png"].startswith(b"\x89PNG") and files["report.pdf"].startswith(b"%PDF")
    assert set(json.loads(files["manifest.json"])["ring_id"]) == set(ring_id)
    drawn: list[str] = []
    render(gather(hostile, ring_id), "zh", drawn)   # what the PDF drew: escapes, never the characters themselves
    assert not set("".join(drawn).replace("\n", "")) & set(HIDDEN)
    assert any(visible(i) in "".join(drawn) for i in ids)
    redacted = export_bundle(hostile, ring_id, tmp_path / "r.zip", actor="张稽核", redact=True, now=NOW)
    assert verify_bundle(redacted).intact


def test_a_manifest_that_is_a_list_or_a_flipped_compressed_byte_is_a_finding_not_a_traceback(bundle: Path, tmp_path: Path) -> None:
    listed = verify_bundle(_rewrite(bundle, tmp_path / "list.zip", lambda f: f.update({"manifest.json": b"[1, 2]"})))
    assert not listed.intact and "not a graphfraud case bundle manifest" in listed.error
    entries = _rewrite(bundle, tmp_path / "entries.zip", lambda f: f.update({"manifest.json": json.dumps(
        {**json.loads(f["manifest.json"]), "files": {"claims.csv": "not a table"}}).encode()}))
    assert "claims.csv" in verify_bundle(entries).changed
    data = bytearray(bundle.read_bytes())
    with zipfile.ZipFile(bundle) as archive:
        info = archive.getinfo(top_folder(archive.namelist()) + "claims.csv")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for n, offset in enumerate(range(start + 2, start + min(info.compress_size, 60), 7)):  # several places: zlib.error or a bad CRC
        flipped = data.copy()
        flipped[offset] ^= 0xFF
        path = tmp_path / f"flipped-{n}.zip"
        path.write_bytes(bytes(flipped))
        result = verify_bundle(path)
        assert result.readable and result.changed == ["claims.csv"], (offset, result)


# --------------------------------------------------------------------------- zip bombs (issue 16, item 8)

_MIB = 1 << 20


def _zeros_deflated(mib: int) -> tuple[bytes, int]:
    """``mib`` MiB of zeros as a raw deflate stream and its CRC, made in moments: compressed with a full flush, each
    MiB of zeros gives the same ~1 KB block, so the stream is that block repeated."""
    import zlib

    zero = bytes(_MIB)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(zero) + deflate.flush(zlib.Z_FULL_FLUSH)
    tail = deflate.flush()
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(zero, crc)
    return block * mib + tail, crc


def _bomb(bundle: Path, out: Path, name: str, mib: int, declared: int | None = None) -> Path:
    """A copy of the bundle whose entry ``name`` inflates to ``mib`` MiB of zeros (or says it does: ``declared``)."""
    import struct
    import zlib

    entries = []
    for entry, data in bundle_files(bundle).items():
        if entry == name:
            stream, crc = _zeros_deflated(mib)
            entries.append((entry, stream, crc, mib * _MIB if declared is None else declared))
        else:
            deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
            entries.append((entry, deflate.compress(data) + deflate.flush(), zlib.crc32(data), len(data)))
    body, central = bytearray(), bytearray()
    for entry, stream, crc, size in entries:
        raw, offset = entry.encode(), len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(stream), size, len(raw), 0) + raw + stream
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(stream), size, len(raw),
                               0, 0, 0, 0, 0, offset) + raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(body), 0)
    out.write_bytes(bytes(body + central + end))
    return out


def _verified_within(path: Path, **limits):
    """verify_bundle's result and the peak memory (bytes) it took."""
    import tracemalloc

    tracemalloc.start()
    try:
        if limits:
            from graphfraud.bundle.verify import Limits

            result = verify_bundle(path, Limits(**limits))
        else:
            result = verify_bundle(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


def test_an_entry_that_inflates_a_thousandfold_is_refused_by_name_without_reading_it(bundle: Path, tmp_path: Path) -> None:
    bomb = _bomb(bundle, tmp_path / "bomb.zip", "report.pdf", 200)   # 200 MiB from 0.2 MB
    assert bomb.stat().st_size < 1_000_000
    result, peak = _verified_within(bomb)
    assert not result.readable and not result.intact
    assert "report.pdf" in result.error and "compression ratio" in result.error and "\n" not in result.error
    assert peak < 32 * _MIB   # nothing near the 200 MiB it would inflate to


def test_an_entry_declaring_gigabytes_is_refused_before_anything_is_inflated(bundle: Path, tmp_path: Path) -> None:
    import time

    bomb = _bomb(bundle, tmp_path / "declared.zip", "report.pdf", 1, declared=4_000_000_000)
    started = time.perf_counter()
    result, peak = _verified_within(bomb)
    assert time.perf_counter() - started < 5
    assert not result.readable and "report.pdf" in result.error and "3.7 GiB" in result.error
    assert peak < 32 * _MIB


def test_limits_on_one_entry_and_the_whole_bundle_are_settings(bundle: Path) -> None:
    sizes = {i.filename: i.file_size for i in zipfile.ZipFile(bundle).infolist()}
    biggest = max(sizes, key=sizes.get)
    one, _ = _verified_within(bundle, entry_bytes=sizes[biggest] - 1)
    assert not one.readable and f"{biggest} inflates to" in one.error and "limit for one entry" in one.error
    whole, _ = _verified_within(bundle, total_bytes=sum(sizes.values()) - 1)
    assert not whole.readable and "limit for a bundle" in whole.error
    assert _verified_within(bundle)[0].intact   # a bundle graphfraud made is far inside every default


def test_case_verify_refuses_a_zip_bomb_in_one_line_with_exit_2(bundle: Path, tmp_path: Path) -> None:
    import sys

    bomb = _bomb(bundle, tmp_path / "bomb.zip", "claims.csv", 64)
    done = subprocess.run([sys.executable, "-m", "graphfraud", "case", "verify", str(bomb)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "claims.csv" in done.stderr and "compression ratio" in done.stderr


def test_every_figure_in_the_report_is_the_rings_own_and_no_internal_key_shows(graph, tmp_path: Path, poppler) -> None:
    """One rule, one number (issue 18): summary, section 三 and section 四 of the PDF, the timeline table and the
    workbench agree on the ring's claims; no figure exceeds the ring's totals; motifs and roles read as words."""
    import csv

    from graphfraud.bundle import wording as w
    from graphfraud.detect.store import claim_facts, stored_ring
    from graphfraud.detect.tally import member_patients, ring_claims, totals
    from graphfraud.web.workbench import ring_case
    from graphfraud.words import section

    keys = {p.stem for p in (Path(__file__).resolve().parent.parent / "cypher" / "motifs").glob("*.cypher")}
    keys |= {k for k in section("bundle.role", "zh") if "_" in k}
    for rank in range(3):
        ring_id = _ring(graph, rank)
        ring = stored_ring(graph, ring_id)
        facts = claim_facts(graph, (c for ev in ring["evidence"] for c in ev["claims"]))
        own = totals(ring_claims(ring, facts), facts)
        assert abs(own.fund_paid - ring["amount_at_risk"]) < 0.01          # detection's amount, by the same rule
        files = bundle_files(export_bundle(graph, ring_id, tmp_path / f"{rank}.zip", actor="张稽核", now=NOW))
        flat = re.sub(r"\s+", "", _pdf_text(files["report.pdf"], tmp_path))
        assert f"涉及团伙成员结算{own.claims}笔" in flat                       # 一、summary
        assert f"共{own.claims}笔，总金额{w.money(own.amount)}元，其中基金支付{w.money(own.fund_paid)}元" in flat  # 四
        parts = re.findall(r"涉及团伙成员(\d+)人、结算(\d+)笔、基金支付([\d,.]+)元", flat)   # 三, one per pattern
        assert parts
        for people, claims, amount in parts:
            assert int(people) <= len(member_patients(ring)) and int(claims) <= own.claims
            assert float(amount.replace(",", "")) <= own.fund_paid + 0.005
        assert "张稽核，2026-12-0109:30:00+08:00" in flat                    # the export record, printed
        for key in keys:
            assert key not in flat, (ring_id, key)
        timeline = list(csv.DictReader(files["timeline.csv"].decode("utf-8-sig").splitlines()))
        assert sum(int(row["结算笔数"]) for row in timeline) == own.claims
        header = files["evidence.csv"].decode("utf-8-sig").splitlines()[0].split(",")
        assert len(header) == len(set(header))                              # no two columns named alike
        assert ring_case(graph, ring_id, "zh")["claims_total"] == own.claims
def test_a_resale_ring_bundle_lists_its_boxes_and_counts_the_boxes_settled_again(drug_data: Path, tmp_path: Path) -> None:
    import csv

    engine = EmbeddedEngine(tmp_path / "db")
    try:
        engine.ensure_schema()
        load_directory(engine, drug_data, rejects_dir=tmp_path / "rejects")
        resale = next(r for r in detect(engine, now=NOW).rings if r.patterns == ["drug_resale"])
        files = bundle_files(export_bundle(engine, resale.ring_id, tmp_path / "resale.zip", actor="张稽核", now=NOW))
        assert verify_bundle(tmp_path / "resale.zip").intact
    finally:
        engine.close()
    assert set(files) == FILES
    items = list(csv.DictReader(io.StringIO(files["items.csv"].decode("utf-8-sig"))))
    b1 = [r for r in items if r["药品追溯码"] == "B1"]
    assert {r["结算流水号"] for r in b1} == {"C01", "C10"} and {r["该追溯码销售次数"] for r in b1} == {"2"}
    assert all(r["药品名称"] == "甘精胰岛素注射液" for r in b1)
    claims = {r["结算流水号"]: r for r in csv.DictReader(io.StringIO(files["claims.csv"].decode("utf-8-sig")))}
    assert claims["C10"]["计入涉案金额"] == "是"  # the box settled again counts, as detection counted it


def test_the_pictures_legend_names_only_the_kinds_it_draws() -> None:
    from graphfraud.bundle.picture import legend

    members = {("patient", "P1"), ("card", "C1"), ("provider", "Y1")}
    assert legend(sorted(members), members) == ["patient", "card", "provider"]      # no doctor, no context dot
    assert legend([*sorted(members), ("doctor", "D9")], members) == ["patient", "card", "provider", "context"]


def test_members_with_no_edge_in_the_picture_sit_in_a_row_below_instead_of_in_its_corners() -> None:
    from graphfraud.bundle.picture import _layout

    hub = ("provider", "Y1")
    spokes = [("card", f"C{i}") for i in range(8)]
    alone = [("patient", "P8"), ("patient", "P9")]
    pos = _layout([hub, *spokes, *alone], {(hub, c): {"claims": 1, "evidence": True} for c in spokes})
    linked_ys = [pos[n][1] for n in (hub, *spokes)]
    assert min(linked_ys) == 0.0 and max(linked_ys) == 1.0              # the linked part fills the picture
    assert {pos[n][1] for n in alone} == {1.15} and pos[alone[0]][0] < pos[alone[1]][0]
