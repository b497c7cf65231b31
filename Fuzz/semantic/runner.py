# --------------------------------------------------------------------------------------------
# Running carepath and checking what it does

import argparse
import concurrent.futures
import hashlib
import json
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FATAL_RE = re.compile(r"Fatal error|Program crashed|Current stack trace|Stack dump:|Crashed thread|"
                      r"Thread \d+ crashed|Segmentation fault|Illegal instruction|\*\*\* Signal \d+")
OOM_RE = re.compile(r"(?i)out of memory|cannot allocate|could not allocate|failed to allocate|bad_alloc|"
                    r"mmap failed|memory exhausted|allocation failed")
TAIL = 3000


class Result:
    def __init__(self, args, rc, out, err, secs, timed_out):
        self.args, self.rc, self.out, self.err, self.secs, self.timed_out = args, rc, out, err, secs, timed_out

    def text(self):
        return self.out.decode("utf-8", "replace")


class Runner:
    def __init__(self, binary, budget, mem):
        self.binary, self.budget, self.mem = binary, budget, mem
        self.env = dict(os.environ, NO_COLOR="1", LC_ALL="C.UTF-8")

    def _limits(self):
        mem = self.mem

        def f():
            resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        return f

    def run(self, args, cwd, budget=None):
        budget = budget or self.budget
        t0 = time.monotonic()
        p = subprocess.Popen([self.binary] + args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, preexec_fn=self._limits(), start_new_session=True, env=self.env)
        try:
            out, err = p.communicate(timeout=budget)
            timed_out = False
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            out, err = p.communicate()
            timed_out = True
        return Result(args, p.returncode, out, err, time.monotonic() - t0, timed_out)


def norm_fatal(text):
    """The first crash line with paths, numbers and addresses taken out, for a stable signature."""
    for line in text.splitlines():
        if FATAL_RE.search(line) or OOM_RE.search(line):
            line = re.sub(r"(/[^\s:]+)+", "<path>", line)
            line = re.sub(r"0x[0-9a-fA-F]+", "<addr>", line)
            line = re.sub(r"\d+", "N", line)
            return line.strip()[:160]
    return ""


class Finding:
    def __init__(self, kind, step, detail, res=None, extra=None, sig_detail=None):
        self.kind, self.step, self.detail, self.res = kind, step, detail, res
        self.extra = extra or {}
        if sig_detail is None:
            sig_detail = detail if kind not in ("hang", "slow") else ""
        self.sig = "%s|%s|%s" % (kind, step, sig_detail)

    def to_dict(self, case_dir):
        d = {"kind": self.kind, "step": self.step, "detail": self.detail, "sig": self.sig}
        if self.res is not None:
            r = self.res
            d.update(rc=r.rc, secs=round(r.secs, 3), timed_out=r.timed_out,
                     args=[("{F}" if a == os.path.join(case_dir, "main.yaml") else
                            "{FMT}" if a == os.path.join(case_dir, "fmt.yaml") else
                            "{OUT}" if a.startswith(case_dir) else a) for a in r.args],
                     stdout_tail=r.out[-TAIL:].decode("utf-8", "replace"),
                     stderr_tail=r.err[-TAIL:].decode("utf-8", "replace"))
        d.update(self.extra)
        return d


class Tool:
    """What this carepath binary offers, read from its --help pages."""

    def __init__(self, runner):
        self.runner = runner
        top = self.help([])
        self.subcommands = set(re.findall(r"^  ([a-z]+)\s", top.split("SUBCOMMANDS:")[-1], re.M))
        self.flags = {c: set(re.findall(r"(--[a-z][a-z-]*)", self.help([c]))) for c in self.subcommands}
        m = re.search(r"<format>.*?\(values: ([^)]*)\)", self.help(["export"]), re.S) if "export" in self.subcommands else None
        self.export_formats = [f.strip() for f in m.group(1).replace("\n", " ").split(",")] if m else []
        self.has_dot = shutil.which("dot") is not None

    def help(self, sub):
        r = self.runner.run(sub + ["--help"], cwd=HERE, budget=30)
        return r.text()

    def has(self, sub, flag):
        return flag in self.flags.get(sub, set())


class Ctx2:
    def __init__(self, runner, tool, case_dir, sim_seed, only=None, confirm_hangs=True):
        self.runner, self.tool, self.dir, self.sim_seed = runner, tool, case_dir, sim_seed
        self.F = os.path.join(case_dir, "main.yaml")
        self.only = only
        self.confirm_hangs = confirm_hangs
        self.findings = []
        self.hung = set()
        self.started = time.monotonic()
        self.timings = {}

    def want(self, step):
        return self.only is None or self.only == step or self.only.startswith(step + ":")

    def run(self, step, args, expected=None):
        """Runs one command and records crash/hang/OOM/fatal-output/unexpected-exit findings."""
        family = step.split(":")[0].split("-")[0]
        if family in self.hung or (family == "report" and "simulate" in self.hung):
            return None
        r = self.runner.run(args, cwd=self.dir)
        self.timings[step] = r.secs
        f = None
        if r.timed_out:
            self.hung.add(family)
            long_budget = min(self.runner.budget * 4, 60) if self.confirm_hangs else self.runner.budget
            r2 = self.runner.run(args, cwd=self.dir, budget=long_budget) if self.confirm_hangs else r
            if r2.timed_out:
                triage = ""
                if "--patients" in args:
                    # a run bounded by time instead of by patients: tells a loop that takes no
                    # time (hangs anyway) from a run that never drains (finishes with --days)
                    k = args.index("--patients")
                    r3 = self.runner.run(args[:k] + ["--days", "1"] + args[k + 2:], cwd=self.dir)
                    triage = "hangs with --days 1 too" if r3.timed_out else "finishes with --days 1 instead of --patients"
                f = Finding("hang", step, "no result within %g s%s" % (long_budget, "; " + triage if triage else ""),
                            r2, sig_detail=triage)
            else:
                f = Finding("slow", step, "took %.1f s (budget %g s)" % (r2.secs, self.runner.budget), r2)
                r = r2
        elif r.rc < 0 or r.rc >= 128:
            err = r.err.decode("utf-8", "replace")
            sig = -r.rc if r.rc < 0 else r.rc - 128
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
            kind = "oom" if OOM_RE.search(err) else "crash"
            f = Finding(kind, step, "%s %s" % (name, norm_fatal(err)), r)
        elif len(r.out) + len(r.err) > max(20 << 20, 20 * self.input_bytes()):
            f = Finding("huge-output", step, "%d MB of output for a %d KB pathway in %.1f s" % (
                (len(r.out) + len(r.err)) >> 20, self.input_bytes() >> 10, r.secs), r, sig_detail="")
        else:
            both = (r.err[:200000] + r.err[-200000:] + r.out[:200000] + r.out[-200000:]).decode("utf-8", "replace")
            if FATAL_RE.search(both):
                f = Finding("fatal-output", step, norm_fatal(both), r)
            elif expected is not None and r.rc not in expected:
                f = Finding("unexpected-exit", step, "exit %d, expected %s" % (r.rc, "/".join(map(str, sorted(expected)))), r)
        if f is not None:
            self.findings.append(f)
        return r

    def input_bytes(self):
        try:
            return os.path.getsize(self.F)
        except OSError:
            return 0

    def law(self, step, name, detail, res=None, extra=None):
        self.findings.append(Finding("law", step, name, res, dict(extra or {}, law_detail=detail)))


def diag_codes(res):
    try:
        j = json.loads(res.out)
        return sorted((d["severity"], d["code"]) for d in j.get("diagnostics", []))
    except Exception:
        return None


def first_diff(a, b):
    a, b = a.decode("utf-8", "replace").splitlines(), b.decode("utf-8", "replace").splitlines()
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return "line %d: %r vs %r" % (i + 1, x[:200], y[:200])
    return "lengths %d vs %d lines" % (len(a), len(b))


def pipeline(c):
    """Every command on one case. c.only limits the work to one step (used when shrinking)."""
    F, tool = c.F, c.tool
    FMT = os.path.join(c.dir, "fmt.yaml")
    v = c.run("validate", ["validate", "--color", "never", F], {0, 1})
    c.vrc = None if v is None or v.timed_out else v.rc
    if v is None or v.timed_out or v.rc not in (0, 1):
        return
    vj = c.run("validate-json", ["validate", "--format", "json", F], {0, 1})
    codes = diag_codes(vj) if vj is not None and not vj.timed_out else None
    if c.want("validate-json") and vj is not None and not vj.timed_out:
        if codes is None and vj.rc in (0, 1):
            c.law("validate-json", "validate-json-unparseable", "validate --format json printed text that is not JSON", vj)
        elif vj.rc != v.rc:
            c.law("validate-json", "validate-text-json-disagree", "text exit %d, json exit %d" % (v.rc, vj.rc), vj)
    valid = v.rc == 0
    ok = {0} if valid else {1}
    sim = ["--patients", "200", "--replications", "2", "--seed", str(c.sim_seed)]
    if tool.has("simulate", "--max-memory"):
        sim += ["--max-memory", "1GiB"]

    if c.want("inspect"):
        c.run("inspect", ["inspect", F], ok)

    fmt = None
    need_fmt = any(c.want(s) for s in ("format", "format-law", "simulate-formatted", "inspect-formatted", "diff-formatted"))
    if need_fmt:
        fr = c.run("format", ["format", F], ok)
        if fr is not None and not fr.timed_out and fr.rc == 0 and valid:
            fmt = fr.out
            with open(FMT, "wb") as fh:
                fh.write(fmt)
    if fmt is not None and c.want("format-law"):
        v2 = c.run("format-law:validate", ["validate", "--format", "json", FMT], {0, 1})
        if v2 is not None and not v2.timed_out:
            c2 = diag_codes(v2)
            if v2.rc != vj.rc:
                c.law("format-law", "format-changes-validity",
                      "validate exit %d before format, %d after" % (vj.rc, v2.rc), v2)
            elif c2 is not None and codes is not None and c2 != codes:
                gone = sorted(set(codes) - set(c2))
                new = sorted(set(c2) - set(codes))
                c.law("format-law", "format-changes-diagnostics",
                      "diagnostics lost %s, gained %s" % (gone, new), v2)
        f2 = c.run("format-law:reformat", ["format", FMT], {0})
        if f2 is not None and not f2.timed_out and f2.rc == 0 and f2.out != fmt:
            c.law("format-law", "format-not-idempotent", first_diff(fmt, f2.out), f2)
        if tool.has("format", "--check"):
            ck = c.run("format-law:check", ["format", "--check", FMT], {0, 1})
            if ck is not None and not ck.timed_out and ck.rc != 0 and (f2 is None or f2.out == fmt):
                c.law("format-law", "format-check-rejects-formatted", "format --check exit %d on format's own output" % ck.rc, ck)
    if fmt is not None and c.want("diff-formatted") and "diff" in tool.subcommands:
        d = c.run("diff-formatted", ["diff", "--color", "never", F, FMT], {0, 1})
        if d is not None and not d.timed_out and d.rc != 0:
            c.law("diff-formatted", "format-changes-pathway", "diff of a file and its formatted copy exit %d" % d.rc, d)
    if fmt is not None and c.want("inspect-formatted"):
        i1 = c.runner.run(["inspect", F], cwd=c.dir)
        i2 = c.run("inspect-formatted", ["inspect", FMT], {0})
        if i2 is not None and not i2.timed_out and i1.rc == 0 and i2.rc == 0 and i1.out != i2.out:
            c.law("inspect-formatted", "format-changes-inspect", first_diff(i1.out, i2.out), i2)

    # simulation
    sim_ok = {0, 1}
    if c.want("simulate"):
        c.run("simulate", ["simulate", F] + sim + ["--jobs", "1"], sim_ok)
    a = None
    if c.want("simulate-json") or c.want("simulate-formatted"):
        a = c.run("simulate-json", ["simulate", F, "--format", "json"] + sim + ["--jobs", "1"], sim_ok)
    if c.want("simulate-json") and a is not None and not a.timed_out and a.rc == 0:
        try:
            json.loads(a.out)
        except Exception:
            c.law("simulate-json", "simulate-json-unparseable", "simulate --format json printed text that is not JSON", a)
        b = c.run("simulate-json:jobs2", ["simulate", F, "--format", "json"] + sim + ["--jobs", "2"], sim_ok)
        if b is not None and not b.timed_out and b.rc == 0 and b.out != a.out:
            a2 = c.runner.run(["simulate", F, "--format", "json"] + sim + ["--jobs", "1"], cwd=c.dir)
            if a2.out != a.out:
                c.law("simulate-json", "simulate-nondeterministic", "same seed, --jobs 1 twice: " + first_diff(a.out, a2.out), a2)
            else:
                c.law("simulate-json", "simulate-depends-on-jobs", "--jobs 1 vs --jobs 2: " + first_diff(a.out, b.out), b)
    if c.want("simulate-formatted") and fmt is not None and a is not None and not a.timed_out and a.rc == 0:
        s2 = c.run("simulate-formatted", ["simulate", FMT, "--format", "json"] + sim + ["--jobs", "1"], sim_ok)
        if s2 is not None and not s2.timed_out and s2.rc == 0 and s2.out != a.out:
            c.law("simulate-formatted", "format-changes-simulation", first_diff(a.out, s2.out), s2)
    if c.want("simulate-csv") and tool.has("simulate", "--format"):
        c.run("simulate-csv", ["simulate", F, "--format", "csv"] + sim + ["--jobs", "2"], sim_ok)

    # exporters and graph
    for fm in tool.export_formats:
        if fm == "svg" and not tool.has_dot:
            continue
        variants = [["--format", "csv"], ["--format", "markdown"]] if fm == "buildsheet" else [[]]
        for extra in variants:
            step = "export:" + fm + ("-" + extra[1] if extra else "")
            if not c.want(step):
                continue
            r = c.run(step, ["export", fm, F] + extra, ok)
            if fm == "fhir" and r is not None and not r.timed_out and r.rc == 0:
                try:
                    json.loads(r.out)
                except Exception:
                    c.law(step, "fhir-not-json", "export fhir printed text that is not JSON", r)
    if "graph" in tool.subcommands:
        for fm in ("dot", "mermaid"):
            if c.want("graph:" + fm):
                c.run("graph:" + fm, ["graph", F, "--format", fm], ok)

    # diff of a file with itself
    if "diff" in tool.subcommands and c.want("diff-self"):
        d = c.run("diff-self", ["diff", "--color", "never", F, F], {0} if valid else {2})
        if valid and d is not None and not d.timed_out and d.rc == 1:
            c.law("diff-self", "diff-self-not-equivalent", "diff F F exit %d" % d.rc, d)
        if valid and d is not None and not d.timed_out and d.rc == 0:
            dj = c.run("diff-self:json", ["diff", "--format", "json", F, F], {0})
            if dj is not None and dj.rc == 0:
                try:
                    json.loads(dj.out)
                except Exception:
                    c.law("diff-self", "diff-json-unparseable", "diff --format json is not JSON", dj)

    # the HTML report with a simulation
    if "report" in tool.subcommands and c.want("report"):
        out = os.path.join(c.dir, "report.html")
        args = ["report", F, "-o", out]
        if tool.has("report", "--simulate"):
            args += ["--simulate"] + sim + (["--jobs", "1"] if tool.has("report", "--jobs") else [])
        c.run("report", args, {0, 1} if valid else {1})


# --------------------------------------------------------------------------------------------
# Cases, workers and findings

def case_seed(seed, i):
    return int(hashlib.sha256(("%s:%d" % (seed, i)).encode()).hexdigest()[:16], 16)


def write_case(d, text, files):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "main.yaml"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    for rel, t in files.items():
        p = os.path.join(d, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as fh:
            fh.write(t)


_TOOL = None


def worker_init(binary, budget, mem):
    global _TOOL
    _TOOL = Tool(Runner(binary, budget, mem))


def run_case(args):
    seed, i, tmp_root = args
    cs = case_seed(seed, i)
    case = generate(cs)
    d = tempfile.mkdtemp(prefix="case-%d-" % i, dir=tmp_root)
    try:
        write_case(d, case.text, case.files)
        c = Ctx2(_TOOL.runner, _TOOL, d, 1 + cs % 100000)
        pipeline(c)
        return {"index": i, "profile": case.profile, "findings": [f.to_dict(d) for f in c.findings],
                "text": case.text, "files": case.files, "vrc": getattr(c, "vrc", None), "timings": c.timings,
                "case_seed": cs, "secs": time.monotonic() - c.started}
    finally:
        shutil.rmtree(d, ignore_errors=True)


def finding_dir_name(fd):
    h = hashlib.sha1(fd["sig"].encode()).hexdigest()[:8]
    return "%s-%s-%s" % (fd["kind"], re.sub(r"[^A-Za-z0-9]+", "-", fd["step"]).strip("-"), h)


def command_line(fd, binary):
    args = [binary] + [{"{F}": "case/main.yaml", "{FMT}": "case/fmt.yaml", "{OUT}": "/tmp/carepath-out"}.get(a, a)
                       for a in fd.get("args", [])]
    pre = ""
    if "{FMT}" in fd.get("args", []):
        pre = "%s format case/main.yaml > case/fmt.yaml\n" % shlex.quote(binary)
    return pre + " ".join(shlex.quote(a) for a in args) + "\n"


def save_finding(root, fd, res, binary, seed):
    d = os.path.join(root, finding_dir_name(fd))
    meta_path = os.path.join(d, "meta.json")
    if os.path.exists(meta_path):
        with open(meta_path) as fh:
            meta = json.load(fh)
        meta["count"] = meta.get("count", 1) + 1
        replace = len(res["text"]) < meta.get("case_bytes", 1 << 60)
    else:
        meta = {"count": 1}
        replace = True
    if replace:
        shutil.rmtree(os.path.join(d, "case"), ignore_errors=True)
        write_case(os.path.join(d, "case"), res["text"], res["files"])
        meta.update(fd)
        meta.update(case_bytes=len(res["text"]), seed=seed, case_index=res["index"], case_seed=res["case_seed"],
                    profile=res["profile"], sim_seed=1 + res["case_seed"] % 100000, binary=binary)
        meta.pop("stdout_tail", None)
        meta.pop("stderr_tail", None)
        with open(os.path.join(d, "command.txt"), "w") as fh:
            fh.write(command_line(fd, binary))
        for k in ("stdout_tail", "stderr_tail"):
            with open(os.path.join(d, k.replace("_tail", ".txt")), "w") as fh:
                fh.write(fd.get(k, ""))
    with open(meta_path, "w") as fh:
        json.dump(meta, fh, indent=1)
    return d


def fuzz(a):
    binary = os.path.abspath(a.bin)
    mem = int(a.mem_gib * (1 << 30))
    findings_root = a.findings or os.path.join(HERE, "findings")
    os.makedirs(findings_root, exist_ok=True)
    tmp_root = tempfile.mkdtemp(prefix="carepath-semfuzz-")
    worker_init(binary, a.budget, mem)
    tool = _TOOL
    print("semantic fuzz: %s, seed %s, budget %g s, memory %g GiB, jobs %d; exporters: %s%s" % (
        binary, a.seed, a.budget, a.mem_gib, a.jobs, ", ".join(tool.export_formats),
        "" if tool.has_dot else " (svg skipped: no 'dot')"), flush=True)
    t0 = time.monotonic()
    deadline = t0 + a.seconds if a.seconds else None
    max_cases = a.cases
    stats = {"cases": 0, "clean": 0, "valid_or_warn": 0, "by_profile": {}, "slowest": []}
    sigs = {}
    last_print = [t0]

    def more(i):
        if max_cases is not None and i >= max_cases:
            return False
        if deadline is not None and time.monotonic() >= deadline:
            return False
        return max_cases is not None or deadline is not None

    def handle(res):
        stats["cases"] += 1
        p = stats["by_profile"].setdefault(res["profile"], [0, 0])
        p[0] += 1
        if res["vrc"] == 0:
            stats["clean"] += 1
            p[1] += 1
        stats["slowest"].append((res["secs"], res["index"], res["profile"]))
        stats["slowest"] = sorted(stats["slowest"], reverse=True)[:3]
        for fd in res["findings"]:
            new = fd["sig"] not in sigs
            d = save_finding(findings_root, fd, res, binary, a.seed)
            sigs.setdefault(fd["sig"], [d, 0])[1] += 1
            if new:
                print("  FINDING %-15s %-22s %s  (case %d, %s) -> %s" % (
                    fd["kind"], fd["step"], fd["detail"][:90], res["index"], res["profile"], os.path.relpath(d)),
                    flush=True)
        now = time.monotonic()
        if now - last_print[0] >= a.progress:
            last_print[0] = now
            print("[%4ds] %d cases, %d%% validate clean, %d findings" % (
                now - t0, stats["cases"], 100 * stats["clean"] // max(stats["cases"], 1), len(sigs)), flush=True)

    i = 0
    try:
        if a.jobs <= 1:
            while more(i):
                handle(run_case((a.seed, i, tmp_root)))
                i += 1
        else:
            with concurrent.futures.ProcessPoolExecutor(a.jobs, initializer=worker_init,
                                                        initargs=(binary, a.budget, mem)) as ex:
                pending = set()
                while True:
                    while len(pending) < a.jobs * 2 and more(i):
                        pending.add(ex.submit(run_case, (a.seed, i, tmp_root)))
                        i += 1
                    if not pending:
                        break
                    done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                    for fut in done:
                        handle(fut.result())
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)
    secs = time.monotonic() - t0
    n = stats["cases"]
    print("profiles (cases, validate clean): " + ", ".join(
        "%s %d/%d" % (k, v[1], v[0]) for k, v in sorted(stats["by_profile"].items())))
    if stats["slowest"]:
        print("slowest cases: " + ", ".join("#%d %s %.1f s" % (ix, pr, s) for s, ix, pr in stats["slowest"]))
    for sig, (d, count) in sorted(sigs.items()):
        print("  %3dx %s  %s" % (count, sig[:120], os.path.relpath(d)))
    print("semantic fuzz: %d cases (%d%% validate clean), %d findings in %d s" % (
        n, round(100.0 * stats["clean"] / max(n, 1)), len(sigs), round(secs)), flush=True)
    return 1 if sigs else 0


# --------------------------------------------------------------------------------------------
# Shrinking a finding: structural reduction of the generated pathway, then delta debugging
# over lines

STEP_OPTIONAL = ["title", "description", "role", "code", "requires", "produces", "handoff", "duration",
                 "resource", "result_after", "every", "outcome", "organisation"]
ITEM_OPTIONAL = ["name", "description", "calendar", "capacity", "priority", "min", "max", "unit", "title",
                 "starts", "stops", "type"]


def step_succs(sd):
    out = []
    if isinstance(sd.get("next"), str):
        out.append(sd["next"])
    for b in sd.get("branches") or []:
        if isinstance(b, dict) and isinstance(b.get("to"), str):
            out.append(b["to"])
    p = sd.get("paths")
    out.extend([p] if isinstance(p, str) else [x for x in (p or []) if isinstance(x, str)])
    if isinstance(sd.get("join"), str):
        out.append(sd["join"])
    return out


def replace_refs(doc, old, new):
    for sd in doc["steps"].values():
        if sd.get("next") == old:
            sd["next"] = new
        for b in sd.get("branches") or []:
            if isinstance(b, dict) and b.get("to") == old:
                b["to"] = new
        if sd.get("paths") == old:
            sd["paths"] = new
        elif isinstance(sd.get("paths"), list):
            sd["paths"] = [new if x == old else x for x in sd["paths"]]
        if sd.get("join") == old:
            sd["join"] = new
    if doc.get("start") == old:
        doc["start"] = new
    for t in (doc.get("targets") or {}).values():
        if t.get("from") == old:
            t["from"] = new
        if t.get("to") == old:
            t["to"] = new
        elif isinstance(t.get("to"), list):
            t["to"] = [new if x == old else x for x in t["to"]]


def reachable(doc):
    seen, todo = set(), [doc.get("start")]
    while todo:
        s = todo.pop()
        if s in seen or s not in doc["steps"]:
            continue
        seen.add(s)
        todo.extend(step_succs(doc["steps"][s]))
    return seen


def shrink_ops(doc):
    """Candidate reductions of doc, simplest-first: (description, function that edits a copy)."""
    ops = []
    steps = doc["steps"]
    reach = reachable(doc)
    if any(s not in reach for s in steps):
        ops.append(("drop unreachable steps", lambda d: [d["steps"].pop(s) for s in list(d["steps"]) if s not in reach]))
    for k in ["description", "sources", "version", "status", "data", "targets", "attributes", "resources"]:
        if k in doc:
            ops.append(("drop " + k, lambda d, k=k: d.pop(k)))
    for sid in reversed(list(steps)):
        sd = steps[sid]
        for succ in dict.fromkeys(step_succs(sd)):
            if succ != sid and (sd.get("kind") != "parallel" or succ != sd.get("join")):
                def f(d, sid=sid, succ=succ):
                    replace_refs(d, sid, succ)
                    d["steps"].pop(sid)
                ops.append(("remove step %s (to %s)" % (sid, succ), f))
    for sid, sd in steps.items():
        bs = sd.get("branches")
        if isinstance(bs, list) and len(bs) > 1:
            for i in range(len(bs)):
                ops.append(("drop branch %d of %s" % (i, sid), lambda d, sid=sid, i=i: d["steps"][sid]["branches"].pop(i)))
        ps = sd.get("paths")
        if isinstance(ps, list) and len(ps) > 1:
            for i in range(len(ps)):
                ops.append(("drop path %d of %s" % (i, sid), lambda d, sid=sid, i=i: d["steps"][sid]["paths"].pop(i)))
    for coll in ["targets", "resources", "attributes", "organisations", "data"]:
        for ik in list((doc.get(coll) or {}).keys()):
            ops.append(("drop %s %s" % (coll, ik), lambda d, coll=coll, ik=ik: d[coll].pop(ik)))
    for sid, sd in steps.items():
        for k in STEP_OPTIONAL:
            if k in sd:
                ops.append(("drop %s of %s" % (k, sid), lambda d, sid=sid, k=k: d["steps"][sid].pop(k)))
        for i, b in enumerate(sd.get("branches") or []):
            for k in ("label", "when", "probability"):
                if isinstance(b, dict) and k in b:
                    ops.append(("drop %s of branch %d of %s" % (k, i, sid),
                                lambda d, sid=sid, i=i, k=k: d["steps"][sid]["branches"][i].pop(k)))
        h = sd.get("handoff")
        if isinstance(h, dict):
            for k in list(h):
                ops.append(("drop handoff %s of %s" % (k, sid), lambda d, sid=sid, k=k: d["steps"][sid]["handoff"].pop(k)))
    for coll in ["resources", "attributes", "organisations", "targets"]:
        for ik, iv in (doc.get(coll) or {}).items():
            for k in ITEM_OPTIONAL:
                if isinstance(iv, dict) and k in iv and not (coll == "organisations" and k == "type") \
                        and not (coll == "attributes" and k == "type"):
                    ops.append(("drop %s of %s %s" % (k, coll, ik), lambda d, coll=coll, ik=ik, k=k: d[coll][ik].pop(k)))
    alts = [{"cohort": 1}, {"rate": Raw("1 per day")}]
    if "arrivals" in doc and doc["arrivals"] not in alts:
        for alt in alts:
            if True:
                ops.append(("arrivals %s" % alt, lambda d, alt=alt: d.__setitem__("arrivals", dict(alt))))
    return ops


def shrink(a):
    import copy
    fdir = a.shrink.rstrip("/")
    with open(os.path.join(fdir, "meta.json")) as fh:
        meta = json.load(fh)
    binary = os.path.abspath(a.bin or meta["binary"])
    mem = int(a.mem_gib * (1 << 30))
    runner = Runner(binary, a.budget, mem)
    tool = Tool(runner)
    case_dir = os.path.join(fdir, "case")
    with open(os.path.join(case_dir, "main.yaml"), encoding="utf-8") as fh:
        original = fh.read()
    others = {}
    for root, _, files in os.walk(case_dir):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), case_dir)
            if rel not in ("main.yaml", "fmt.yaml", "min.yaml", "report.html"):
                with open(os.path.join(root, f), encoding="utf-8") as fh:
                    others[rel] = fh.read()
    sig, step = meta["sig"], meta["step"]
    tmp_root = tempfile.mkdtemp(prefix="carepath-shrink-")
    t0 = time.monotonic()
    tests = [0]

    def interesting(text):
        tests[0] += 1
        d = tempfile.mkdtemp(dir=tmp_root)
        try:
            write_case(d, text, others)
            c = Ctx2(runner, tool, d, meta.get("sim_seed", 1), only=step, confirm_hangs=False)
            pipeline(c)
            return any(f.sig == sig for f in c.findings)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def left():
        return a.shrink_seconds - (time.monotonic() - t0)

    if not interesting(original):
        print("the finding does not reproduce with %s" % binary)
        return 2
    text = original
    # 1. structural: regenerate the document from the case seed and reduce it
    doc = None
    if "case_seed" in meta:
        case = generate(meta["case_seed"])
        if case.doc is not None and case.text == original:
            doc = case.doc
    if doc is not None and interesting(emit_plain(doc)):
        print("structural shrinking (%d steps)" % len(doc["steps"]), flush=True)
        i = 0
        while left() > 0:
            ops = shrink_ops(doc)
            if i >= len(ops):
                break
            desc, op = ops[i]
            cand = copy.deepcopy(doc)
            try:
                op(cand)
                ok = bool(cand.get("steps")) and interesting(emit_plain(cand))
            except (KeyError, IndexError, TypeError):
                ok = False
            if ok:
                doc = cand
                print("  %-50s -> %d steps (%d tests, %d s)" % (desc[:50], len(doc["steps"]), tests[0],
                                                                time.monotonic() - t0), flush=True)
                if desc.startswith("remove step") or desc.startswith("drop unreachable"):
                    i = 0
            else:
                i += 1
        text = emit_plain(doc)
    # 2. delta debugging over lines
    lines = text.split("\n")
    n = 2
    print("line shrinking (%d lines)" % len(lines), flush=True)
    while len(lines) >= 2 and left() > 0:
        chunk = max(1, len(lines) // n)
        reduced = False
        for start in range(0, len(lines), chunk):
            cand = lines[:start] + lines[start + chunk:]
            if cand and interesting("\n".join(cand)):
                lines = cand
                n = max(n - 1, 2)
                reduced = True
                break
            if left() <= 0:
                break
        if not reduced:
            if chunk == 1:
                break
            n = min(n * 2, len(lines))
    text = "\n".join(lines)
    out = os.path.join(case_dir, "min.yaml")
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(text if text.endswith("\n") else text + "\n")
    shutil.rmtree(tmp_root, ignore_errors=True)
    print("shrunk %d -> %d lines in %d tests (%d s): %s" % (original.count("\n"), len(lines), tests[0],
                                                          time.monotonic() - t0, out))
    print(text)
    return 0


def main(argv=None):
    sys.setrecursionlimit(20000)
    ap = argparse.ArgumentParser(description="Structure-aware semantic fuzzer for carepath (see README.md).")
    ap.add_argument("--bin", help="the carepath binary")
    ap.add_argument("--seconds", type=float, default=None, help="stop starting new cases after this long")
    ap.add_argument("--cases", type=int, default=None, help="stop after this many cases")
    ap.add_argument("--seed", default="1", help="run seed; the same seed gives the same cases")
    ap.add_argument("--budget", type=float, default=5.0, help="wall-time budget per command, in seconds")
    ap.add_argument("--mem-gib", type=float, default=2.0, help="address-space limit per command, in GiB")
    ap.add_argument("--jobs", type=int, default=1, help="cases run at once")
    ap.add_argument("--findings", help="where findings go (default Fuzz/semantic/findings)")
    ap.add_argument("--progress", type=float, default=10.0, help="seconds between progress lines")
    ap.add_argument("--shrink", metavar="FINDING", help="shrink a saved finding's YAML to a minimal reproducer")
    ap.add_argument("--shrink-seconds", type=float, default=600.0)
    ap.add_argument("--emit", type=int, metavar="I", help="print generated case I for --seed and exit")
    a = ap.parse_args(argv)
    if a.emit is not None:
        c = generate(case_seed(a.seed, a.emit))
        sys.stdout.write(c.text)
        for rel, t in c.files.items():
            sys.stdout.write("# ---- %s\n%s" % (rel, t))
        return 0
    if a.shrink:
        return shrink(a)
    if not a.bin:
        ap.error("--bin is required")
    if a.seconds is None and a.cases is None:
        a.seconds = 60.0
    return fuzz(a)


if __name__ == "__main__":
    sys.exit(main())
