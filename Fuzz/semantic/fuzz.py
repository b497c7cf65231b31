#!/usr/bin/env python3
"""Structure-aware semantic fuzzer for carepath (standard library only; see README.md).

`generate(seed)` returns a Case: the main pathway text, any companion files (subpathways) and
the profile used. The same seed always gives the same bytes.

The generator builds the step graph forwards: each construct (a work step, a decision, a
parallel block, a subpathway) returns its entry step and a list of dangling exits that the
caller connects to whatever comes next. Data items are tracked along the way so that a step
only `requires` what every route into it carries, which keeps most cases valid; the profiles
then push on the edges (extreme numbers, zero-time loops, sparse calendars, deep nesting, many
steps) and the `mutant` profile breaks the text on purpose.
"""

import random
import re

# --------------------------------------------------------------------------------------------
# YAML emission


class Q(str):
    """A text value that is always written in double quotes."""


class Raw(str):
    """A value written exactly as given (already valid YAML, or deliberately odd)."""


SPECIAL_START = set("-?:,[]{}#&*!|>'\"%@`")
NUMBER_RE = re.compile(r"[-+]?(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?$")
YAML_WORDS = re.compile(r"(?i)(true|false|yes|no|on|off|null|~|y|n)$")


def dq(s):
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\x%02x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def needs_quote(s, flow):
    if s == "" or s != s.strip():
        return True
    if s[0] in SPECIAL_START:
        return True
    if ": " in s or s.endswith(":") or " #" in s or "\t" in s or "\n" in s or "\r" in s:
        return True
    if flow and any(c in s for c in ",[]{}"):
        return True
    if YAML_WORDS.match(s):
        return True
    if any(ch.isdigit() for ch in s) and NUMBER_RE.match(s):
        return True
    if re.match(r"(?i)[-+]?\.(inf|nan)$", s) or re.match(r"0[xob]", s):
        return True
    if any(ord(c) < 0x20 for c in s):
        return True
    return False


def scalar(v, flow):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return num(v)
    s = str(v)
    if isinstance(v, Q) or needs_quote(s, flow):
        return dq(s)
    return s


def num(x, digits=9):
    if isinstance(x, int):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    s = ("%." + str(digits) + "f") % x
    s = s.rstrip("0").rstrip(".")
    return s if s not in ("", "-0") else "0"


def key(k):
    k = str(k)
    return k if re.match(r"[A-Za-z0-9][A-Za-z0-9_-]*$", k) and not YAML_WORDS.match(k) and not NUMBER_RE.match(k) else dq(k)


def flow(v):
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{ " + ", ".join(
            key(k) + ":" + ("" if x is None else " " + flow(x)) for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(flow(x) for x in v) + "]"
    return scalar(v, True)


class Emitter:
    def __init__(self, rng, flow_bias=0.5, comments=0.0):
        self.rng = rng
        self.flow_bias = flow_bias
        self.comments = comments

    def comment(self, indent):
        words = ["assumption", "see NG12", "TODO: check", "figures are illustrative", "#", "ünïcødé ✓", "key: value"]
        return " " * indent + "# " + self.rng.choice(words)

    def block(self, d, indent=0, force_block_depth=0):
        lines = []
        for k, v in d.items():
            if self.comments and self.rng.random() < self.comments:
                lines.append(self.comment(indent))
            pad = " " * indent
            if isinstance(v, (dict, list)) and v:
                if force_block_depth <= 0 and self.rng.random() < self.flow_bias:
                    lines.append(pad + key(k) + ": " + flow(v))
                elif isinstance(v, dict):
                    lines.append(pad + key(k) + ":")
                    lines.extend(self.block(v, indent + 2, force_block_depth - 1))
                else:
                    lines.append(pad + key(k) + ":")
                    for item in v:
                        if isinstance(item, dict) and item:
                            if self.rng.random() < 0.7:
                                lines.append(pad + "  - " + flow(item))
                            else:
                                sub = self.block(item, indent + 4, 0)
                                sub[0] = pad + "  - " + sub[0].lstrip()
                                lines.extend(sub)
                        else:
                            lines.append(pad + "  - " + (flow(item) if isinstance(item, (dict, list)) else scalar(item, False)))
            elif isinstance(v, (dict, list)):
                lines.append(pad + key(k) + ": " + ("{}" if isinstance(v, dict) else "[]"))
            else:
                s = scalar(v, False)
                line = pad + key(k) + ":" + (" " + s if s != "" else "")
                if self.comments and s and self.rng.random() < self.comments / 2:
                    line += "  # note"
                lines.append(line)
        return lines


# --------------------------------------------------------------------------------------------
# Values

ORG_TYPES = ["primary-care", "acute", "community", "specialist", "mental-health", "ambulance",
             "diagnostic-centre", "social-care", "hospice", "pharmacy", "other"]
UNITS = {
    "min": ["min", "mins", "minute", "minutes", "Min", "MINUTES"],
    "h": ["h", "hr", "hrs", "hour", "hours", "Hours"],
    "d": ["d", "day", "days", "Days"],
    "w": ["w", "wk", "wks", "week", "weeks", "WEEKS"],
}
FACTOR = {"min": 1.0, "h": 60.0, "d": 1440.0, "w": 10080.0}
WEIRD_TEXT = [
    "Rapid-access clinic", "GP review", "CT chest", "Consultant-led clinic (weekly)", "MDT: outcome",
    "Glucose, clotting, FBC", "<script>alert(1)</script>", '"><img src=x onerror=x>', "]]>",
    "=cmd|' /C calc'!A0", "line one\nline two", "back\\slash", "quote \" inside", "tab\there",
    "Ünïcödé — ✓ 漢字 🩺", "-leading dash", "?question", "50% of patients", "# not a comment",
    "a: b", "@at", "`tick`", "{brace}", "[bracket]", "&anchor", "*alias", "!tag", "|pipe", ">fold",
    "x" * 300, "", " padded ", "null", "true", "1.5", "0x1F", "2024-01-01", "\u202eRTL\u202c", "zero\u200bwidth",
]
NAMES = ["referral", "triage", "clinic", "scan", "bloods", "biopsy", "review", "mdt", "surgery",
         "rehab", "follow-up", "discharge", "assess", "ct", "mri", "xray", "ecg", "wait", "result",
         "consult", "theatre", "ward", "opat", "letter", "phone-call"]


class Values:
    def __init__(self, rng, extreme=False):
        self.rng = rng
        self.extreme = extreme

    def text(self, p_weird=0.15):
        r = self.rng
        if r.random() < p_weird:
            return r.choice(WEIRD_TEXT)
        return r.choice(["Rapid-access", "Weekly", "Urgent", "Routine", "Nurse-led", "Virtual", "Community"]) + " " + \
            r.choice(["clinic", "review", "scan", "assessment", "meeting", "treatment", "follow-up"])

    def minutes(self):
        """A duration in minutes, biased to realistic values; extremes in the extreme profile."""
        r = self.rng
        if self.extreme and r.random() < 0.5:
            return r.choice([0.0, 0.000001, 0.001, 1e-9, 36500 * 1440.0, 36524 * 1440.0, 36524.9 * 1440.0,
                             5217 * 10080.0, 52595999.0, 0.5, 1.0, 59.999999] + ([36526 * 1440.0, 1e12] if r.random() < 0.1 else []))
        return r.choice([5, 10, 15, 20, 30, 45, 60, 90, 120, 240, 480, 1440, 2880, 4320, 10080, 20160, 40320, 86400])\
            * r.choice([1, 1, 1, 0.5, 1.5, 2])

    def common_unit(self, ms):
        """A unit in which every value in ms is a whole number (so rounding keeps their order)."""
        for cand in ["w", "d", "h"]:
            if all(m / FACTOR[cand] == int(m / FACTOR[cand]) for m in ms):
                return cand
        return "min"

    def duration(self, m=None, u=None):
        r = self.rng
        m = self.minutes() if m is None else m
        if u is None and r.random() < 0.3:
            u = r.choice(list(UNITS))
        if u is None:
            for cand in ["w", "d", "h", "min"]:
                if m >= FACTOR[cand] and (m / FACTOR[cand]) == int(m / FACTOR[cand]):
                    u = cand
                    break
            else:
                u = "min"
        spell = r.choice(UNITS[u])
        value = num(m / FACTOR[u])
        if self.extreme and r.random() < 0.03:
            value = r.choice(["1e3", "1E-3", "0.0000001", "100000000000", "1_000", ".5", "5.", "+3", "00010"])
        sep = "" if r.random() < 0.2 and len(spell) > 0 else " "
        return value + sep + spell

    def params(self, name, pairs):
        """Writes `name(...)` with named (: or =), positional or mixed parameters."""
        r = self.rng
        style = r.choice(["colon", "colon", "eq", "pos", "mixed"])
        if r.random() < 0.1:
            name = name.upper()
        parts = []
        for i, (k, v) in enumerate(pairs):
            if style == "pos" or (style == "mixed" and i == 0):
                parts.append(v)
            elif style == "eq":
                parts.append(k + "=" + v)
            else:
                parts.append(k + ": " + v)
        return name + "(" + ", ".join(parts) + ")"

    def time_dist(self):
        r = self.rng
        kind = r.choice(["plain", "plain", "fixed", "uniform", "triangular", "exponential", "normal",
                         "lognormal", "gamma", "empirical"])
        m = self.minutes()
        if kind == "plain":
            return self.duration(m)
        if kind == "fixed":
            return self.params("fixed", [("value", self.duration(m))])
        if kind == "uniform":
            a, b = sorted([m, self.minutes()])
            u = self.common_unit([a, b])
            return self.params("uniform", [("min", self.duration(a, u)), ("max", self.duration(b, u))])
        if kind == "triangular":
            a, b, c = sorted([m, self.minutes(), self.minutes()])
            u = self.common_unit([a, b, c])
            return self.params("triangular", [("min", self.duration(a, u)), ("mode", self.duration(b, u)), ("max", self.duration(c, u))])
        if kind == "exponential":
            return self.params("exponential", [("mean", self.duration(max(m, 1)))])
        if kind in ("normal", "lognormal"):
            mean = max(m, 1) if kind == "lognormal" else m
            sd = mean * r.choice([0, 0.1, 0.5, 1, 3]) if not self.extreme else r.choice([0, mean * 100, 1e-6])
            return self.params(kind, [("mean", self.duration(mean)), ("sd", self.duration(sd))])
        if kind == "gamma":
            shape = r.choice(["2", "0.5", "1", "10"] + (["0.000001", "1000000"] if self.extreme else []))
            return self.params("gamma", [("shape", shape), ("scale", self.duration(max(m, 1)))])
        k = r.randint(1, 4)
        items = []
        for _ in range(k):
            w = r.choice(["0.5", "0.2", "1", "30%", "3"] + (["0.000001", "1000000"] if self.extreme else []))
            items.append(self.duration() + ": " + w)
        return "empirical(" + ", ".join(items) + ")"

    def share(self, lo=0.0, hi=1.0):
        r = self.rng
        if self.extreme and r.random() < 0.4:
            s = r.choice(["0.000001", "0.000000001", "99.9999%", "0.0001%", "1", "0", "0%", "100%", "0.999999"])
            return Raw(s)
        x = r.uniform(lo, hi)
        if r.random() < 0.4:
            return Raw(num(round(x * 100, r.choice([0, 0, 1]))) + "%")
        return Raw(num(round(x, r.choice([1, 2, 3]))))

    def rate(self):
        r = self.rng
        if self.extreme and r.random() < 0.5:
            return r.choice(["1000000 per hour", "1000000 per min", "0.000001 per 100 weeks", "0.0000001 per week",
                             "1000000/hour", "0 per day", "100000000 per day", "1 per 5200 weeks", "3 per 0.5 min",
                             "0.5 a day", "1000000/h"])
        n = num(round(r.uniform(0.5, 60), r.choice([0, 1])))
        per = r.choice(["per week", "per day", "per hour", "/week", "/day", "a day", "per 2 weeks", "per 4 h",
                        "per 7 days", "per 0.5 h"])
        return n + " " + per if not per.startswith("/") else n + per

    def calendar(self, sparse=False):
        r = self.rng
        if sparse or (self.extreme and r.random() < 0.5):
            return r.choice(["mon 09:00-09:01", "sun 23:59-24:00", "wed 00:00-00:01", "sat 12:00-12:01; tue 03:00-03:05",
                             "mon 00:00-00:01", "fri 16:59-17:00", "thursday 10:00-10:02", "weekends 23:58-24:00"])
        windows = []
        for _ in range(r.choice([1, 1, 1, 2, 3])):
            days = r.choice(["weekdays", "weekends", "daily", "mon-fri", "mon,wed,fri", "tue", "sat,sun", "everyday",
                             "Monday", "thu-sun", "all", "tues", "thurs"])
            h1 = r.randint(0, 22)
            h2 = r.randint(h1 + 1, 24)
            windows.append("%s %02d:%02d-%02d:00" % (days, h1, r.choice([0, 30]), h2))
        if r.random() < 0.2:
            return r.choice(["always", "24/7"])
        if len(windows) > 1 and r.random() < 0.4:
            return windows  # a YAML list of windows
        return "; ".join(windows)


# --------------------------------------------------------------------------------------------
# Pathway generator

def share_value(s):
    """The number a share such as `0.4` or `40%` stands for, or None."""
    if s is None:
        return None
    try:
        s = str(s).strip()
        return float(s[:-1]) / 100 if s.endswith("%") else float(s)
    except ValueError:
        return None


class Ctx:
    def __init__(self, in_path=False, loop_targets=(), depth=0, spine=None):
        self.in_path = in_path
        self.loop_targets = list(loop_targets)
        self.depth = depth
        self.spine = spine  # list to record spine step ids, or None


class Case:
    def __init__(self, text, files, profile, seed, doc=None):
        self.doc = doc
        self.text = text
        self.files = files  # relative path -> text
        self.profile = profile
        self.seed = seed


PROFILES = [("normal", 40), ("extreme", 14), ("loops", 10), ("calendar", 10), ("deep", 8), ("big", 3), ("mutant", 15)]


class PathwayGen:
    def __init__(self, rng, profile):
        self.rng = rng
        self.profile = profile
        self.v = Values(rng, extreme=(profile == "extreme"))
        self.steps = {}
        self.ids = set()
        self.counter = 0
        self.item_counter = 0
        self.produced = set()
        self.files = {}
        self.drop_sends = rng.random() < 0.08
        self.bad_subpathway = rng.random() < 0.05
        self.budget = {"normal": 40, "extreme": 40, "loops": 30, "calendar": 30, "deep": 6000, "big": 4000}.get(profile, 40)

    # ids
    def new_id(self, hint):
        self.counter += 1
        r = self.rng
        if r.random() < 0.05:
            base = r.choice(["X", "a_b", "9lives", "Step", "UPPER-case", "n"])
        else:
            base = hint
        sid = "%s-%d" % (base, self.counter) if r.random() < 0.9 else "%s_%d" % (base, self.counter)
        self.ids.add(sid)
        return sid

    def new_item(self):
        self.item_counter += 1
        name = self.rng.choice(["referral-letter", "ct-report", "bloods", "mdt-outcome", "plan", "scan-report",
                                "letter", "consent", "results"]) + "-%d" % self.item_counter
        self.produced.add(name)
        return name

    # top level
    def build(self):
        r = self.rng
        p = self.profile
        doc = {"carepath": 1}
        doc["id"] = r.choice(["suspected-lung-cancer", "fuzz", "p", "A_b-9", "pathway-%d" % r.randint(0, 999)])
        doc["title"] = self.v.text(0.3) or "Untitled"
        if r.random() < 0.7:
            doc["version"] = Q(r.choice(["1", "2024.1", "2026.1", "v3"])) if r.random() < 0.8 else r.choice([2, 1.5])
        if r.random() < 0.6:
            doc["status"] = r.choice(["draft", "active", "retired", "Active", "DRAFT"])
        if r.random() < 0.5:
            doc["description"] = self.v.text(0.5)
        if r.random() < 0.4:
            srcs = []
            for _ in range(r.randint(1, 3)):
                if r.random() < 0.3:
                    srcs.append(self.v.text(0.3) or "NICE NG12")
                else:
                    s = {"title": self.v.text(0.3) or "Guideline"}
                    if r.random() < 0.6:
                        s["url"] = r.choice(["https://www.nice.org.uk/guidance/ng12", "http://example.org/a?b=c&d=<e>",
                                             "https://x.test/" + "y" * 100])
                    if r.random() < 0.5:
                        s["publisher"] = r.choice(["NICE", "NHS England", "Royal College"])
                    srcs.append(s)
            doc["sources"] = srcs

        n_org = r.choice([1, 1, 2, 2, 3, 4]) if p != "extreme" else r.choice([1, 2, 30])
        self.orgs = {}
        for i in range(n_org):
            oid = r.choice(["gp", "acute", "community", "cdc", "hospice", "org"]) + "-%d" % i
            o = {"type": r.choice(ORG_TYPES)}
            if r.random() < 0.8:
                o = {"name": self.v.text(0.2) or "Org", **o}
            self.orgs[oid] = o
        doc["organisations"] = self.orgs

        # attributes
        self.attrs = {}
        n_attr = r.choice([0, 1, 2, 3, 4]) if p != "deep" else r.choice([2, 4])
        for i in range(n_attr):
            t = r.choice(["integer", "number", "boolean", "category"])
            aid = {"integer": "age", "number": "ntprobnp", "boolean": "smoker", "category": "risk"}[t] + ("-%d" % i if i else "")
            a = {"type": t}
            if r.random() < 0.2:
                a["description"] = self.v.text(0.3)
            if t in ("integer", "number"):
                a["distribution"] = self.number_dist()
                lo, hi = sorted([r.randint(-10, 50), r.randint(50, 200)])
                if r.random() < 0.5:
                    a["min"] = lo if not self.v.extreme else r.choice([lo, -1e15, 0])
                if r.random() < 0.5:
                    a["max"] = hi if not self.v.extreme else r.choice([hi, 1e15, 0])
                if "min" in a and "max" in a and a["min"] > a["max"]:
                    a["min"], a["max"] = a["max"], a["min"]
                if r.random() < 0.6:
                    a["unit"] = r.choice(["years", "ng/L", "ug/g", "mL/min/1.73m2", "days", "kg", "%", "h"])
            elif t == "boolean":
                a["probability"] = self.v.share()
            else:
                k = r.randint(1, 5)
                cuts = sorted(r.sample(range(1, 100), k - 1)) if k > 1 else []
                parts = [b - a_ for a_, b in zip([0] + cuts, cuts + [100])]
                vals = {}
                for j, pc in enumerate(parts):
                    vid = r.choice(["low", "high", "very-high", "medium", "none", "A", "b_2"]) + "-%d" % j
                    vals[vid] = Raw(("%d%%" % pc) if r.random() < 0.5 else num(pc / 100.0))
                a["values"] = vals
            self.attrs[aid] = a
        if self.attrs:
            doc["attributes"] = self.attrs

        # resources
        self.res_by_org = {o: [] for o in self.orgs}
        resources = {}
        n_res = r.choice([0, 1, 1, 2, 3, 5])
        for i in range(n_res):
            rid = r.choice(["ct-scanner", "clinic-slots", "theatre", "beds", "nurses"]) + "-%d" % i
            org = r.choice(list(self.orgs))
            d = {}
            if r.random() < 0.5:
                d["name"] = self.v.text(0.2) or "Resource"
            d["organisation"] = org
            if r.random() < 0.8:
                d["capacity"] = r.choice([1, 1, 2, 3, 5, 10]) if not self.v.extreme else r.choice([1, 1000000, 999999, 65536, 1000000 if r.random() < 0.9 else 1000001])
            if r.random() < (0.9 if p == "calendar" else 0.5):
                d["calendar"] = self.v.calendar(sparse=(p == "calendar" and r.random() < 0.5))
            pri = [a for a, x in self.attrs.items() if x["type"] in ("boolean", "category", "integer", "number")]
            if pri and r.random() < 0.25:
                d["priority"] = r.choice(pri)
            resources[rid] = d
            self.res_by_org[org].append(rid)
        if resources:
            doc["resources"] = resources

        # arrivals
        if r.random() < 0.92:
            form = r.choice(["rate", "rate", "rate", "weekly", "cohort"])
            if form == "rate":
                doc["arrivals"] = {"rate": self.v.rate()}
            elif form == "weekly":
                days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                w = {}
                for dname in days:
                    if r.random() < 0.8:
                        w[dname] = r.choice([0, 1, 5, 10, 12.5]) if not self.v.extreme else r.choice([0, 0.000001, 1000000])
                if not any(w.values()) and not self.v.extreme:
                    w["mon"] = 3
                doc["arrivals"] = {"weekly": w}
            else:
                doc["arrivals"] = {"cohort": r.choice([1, 10, 200, 500]) if not self.v.extreme else r.choice([1, 100000, 5000])}

        # steps
        self.spine = []
        ctx = Ctx(spine=self.spine)
        if p == "big":
            n = r.randint(500, 2500)
        elif p == "deep":
            n = r.randint(1, 4)
        else:
            n = r.randint(1, 12)
        entry, exits, _ = self.seq(ctx, n, frozenset())
        done = self.new_id("done")
        self.steps[done] = {"kind": "end"}
        if r.random() < 0.7:
            self.steps[done]["outcome"] = r.choice(["discharged", "treated", "seen", "cancer-diagnosed"])
        for e in exits:
            e(done)
        self.spine.append(done)
        if p == "deep":
            # a deep nest in front of the rest: parallel-in-parallel or decision-in-decision
            depth = r.choice([20, 50, 100, 200, 300])
            kind = r.choice(["parallel", "decision", "mixed"])
            e2, ex2, _ = self.deep(kind, depth, Ctx(spine=None), frozenset())
            for e in ex2:
                e(entry)
            entry = e2
            self.spine.insert(0, e2)

        # targets
        targets = {}
        if r.random() < 0.7 and len(self.spine) >= 2:
            for i in range(r.randint(1, 3)):
                a = r.randrange(0, len(self.spine) - 1)
                b = r.randrange(a + 1, len(self.spine))
                t = {}
                if r.random() < 0.4:
                    t["title"] = self.v.text(0.3)
                t["from"] = self.spine[a]
                t["to"] = self.spine[b] if r.random() < 0.6 else [self.spine[b], done]
                t["within"] = self.v.duration()
                t["standard"] = self.v.share()
                if r.random() < 0.2:
                    t["starts"] = r.choice(["on arrival", "on start", "on completion"])
                if r.random() < 0.2:
                    t["stops"] = r.choice(["on arrival", "on start", "on completion"])
                targets[r.choice(["fds", "62-day", "seen", "t"]) + "-%d" % i] = t
        # data declarations
        if self.produced and r.random() < 0.3:
            data = {}
            for item in sorted(self.produced)[: r.randint(1, len(self.produced))]:
                data[item] = r.choice([None, {"type": "DiagnosticReport"}, {"type": "ServiceRequest", "description": self.v.text(0.3)}])
            doc["data"] = data
        if targets:
            doc["targets"] = targets
        doc["start"] = entry

        # order steps: as created (a reader's order is roughly creation order), sometimes shuffled
        items = list(self.steps.items())
        if r.random() < 0.2:
            r.shuffle(items)
        doc["steps"] = dict(items)
        return self.emit(doc)

    def number_dist(self):
        r = self.rng
        x = r.choice([71, 900, 4, 0.5, 30])
        if self.v.extreme and r.random() < 0.5:
            x = r.choice([1e12, 0.000001, 1e300, 0])
        k = r.choice(["plain", "normal", "lognormal", "uniform", "triangular", "exponential", "gamma", "empirical"])
        if k == "plain":
            return x
        if k in ("normal", "lognormal"):
            return self.v.params(k, [("mean", num(max(x, 0.001))), ("sd", num(x / 3))])
        if k == "uniform":
            return self.v.params(k, [("min", num(x / 2)), ("max", num(x * 2))])
        if k == "triangular":
            return self.v.params(k, [("min", num(x / 2)), ("mode", num(x)), ("max", num(x * 2))])
        if k == "exponential":
            return self.v.params(k, [("mean", num(max(x, 0.001)))])
        if k == "gamma":
            return self.v.params(k, [("shape", "2"), ("scale", num(max(x, 0.001)))])
        return "empirical(1: 50%, 2: 30%, 3: 20%)"

    # steps ------------------------------------------------------------------------------
    def org(self, prev=None):
        r = self.rng
        if prev and r.random() < 0.6:
            return prev
        return r.choice(list(self.orgs))

    def common(self, d, avail, allow_req=True):
        r = self.rng
        if r.random() < 0.3:
            d["title"] = self.v.text(0.2)
        if r.random() < 0.1:
            d["description"] = self.v.text(0.5)
        if r.random() < 0.1:
            d["role"] = r.choice(["GP", "radiographer", "consultant", "CNS"])
        if r.random() < 0.05:
            system = r.choice(["snomed", "sct", "http://snomed.info/sct", "loinc", "opcs", "icd-10"])
            code = {"snomed": "123456789", "sct": "999999999999999999", "http://snomed.info/sct": "100000"}.get(system, "C34.9")
            d["code"] = {"system": system, "code": Q(code)}
            if r.random() < 0.5:
                d["code"]["display"] = self.v.text(0.3)
        if allow_req and avail and r.random() < 0.3:
            req = r.sample(sorted(avail), min(len(avail), r.randint(1, 2)))
            d["requires"] = req[0] if len(req) == 1 and r.random() < 0.3 else req
        prod = []
        if r.random() < (0.3 if self.profile != "big" else 0.02):
            prod = [self.new_item() for _ in range(r.randint(1, 2))]
            if r.random() < 0.15:
                d["produces"] = [{"name": prod[0], "type": "DiagnosticReport"}] + prod[1:]
            else:
                d["produces"] = prod
        return avail | frozenset(prod)

    def handoff(self, d, avail):
        r = self.rng
        if r.random() < 0.25 and len(self.orgs) > 1:
            h = {}
            if r.random() < 0.8:
                h["delay"] = self.v.time_dist()
            if r.random() < (0.4 if self.profile != "big" else 0.05):
                sends = sorted(avail)
                if self.produced and r.random() < 0.3:
                    sends = sorted(set(sends) | {r.choice(sorted(self.produced))})
                if self.drop_sends and r.random() < 0.3:
                    sends = []  # sends nothing (may lose required items: CP402)
                h["sends"] = sends
            if r.random() < 0.3:
                h["via"] = r.choice(["e-RS", "NHS mail", "phone", "phone and e-RS"])
            d["handoff"] = h

    def work(self, ctx, avail, kind=None, org=None):
        r = self.rng
        kind = kind or r.choice(["referral", "assessment", "assessment", "test", "treatment", "meeting", "wait",
                                 "appointment", "investigation", "mdt"])
        sid = self.new_id(r.choice(NAMES))
        d = {"kind": kind if r.random() > 0.05 else kind.upper()}
        norm = {"appointment": "assessment", "investigation": "test", "mdt": "meeting"}.get(kind, kind)
        o = org
        if norm != "wait" or r.random() < 0.3:
            o = org or self.org(getattr(self, "last_org", None))
            d["organisation"] = o
            self.last_org = o
        p_dur = 0.8 if self.profile != "loops" else 0.3
        if r.random() < p_dur:
            d["duration"] = self.v.time_dist()
        if norm != "wait" and o and self.res_by_org.get(o) and r.random() < 0.5:
            d["resource"] = r.choice(self.res_by_org[o])
        if norm == "test" and r.random() < 0.4:
            d["result_after"] = self.v.time_dist()
        if norm == "meeting" and r.random() < 0.7:
            d["every"] = self.v.duration(r.choice([10080.0, 20160.0, 1440.0, 60.0]) if not self.v.extreme else (self.v.minutes() or 1.0))
        avail = self.common(d, avail)
        d["next"] = None
        self.handoff(d, avail)
        self.steps[sid] = d
        return sid, [lambda t, d=d: d.__setitem__("next", t)], avail

    def seq(self, ctx, n, avail):
        """n constructs in a row; returns (entry, exits, avail)."""
        entry, exits = None, []
        local = []
        for i in range(n):
            sub = Ctx(ctx.in_path, ctx.loop_targets + local, ctx.depth, None)
            e, ex, avail = self.element(sub, avail)
            if entry is None:
                entry = e
            for x in exits:
                x(e)
            exits = ex
            local.append(e)
            if ctx.spine is not None:
                ctx.spine.append(e)
        return entry, exits, avail

    def element(self, ctx, avail):
        r = self.rng
        if self.profile == "big":
            w = [("work", 85), ("decision", 10), ("parallel", 5)]
        else:
            w = [("work", 50), ("decision", 25 if ctx.depth < 4 else 5), ("parallel", 12 if ctx.depth < 3 else 2),
                 ("subpathway", 3)]
        kind = r.choices([k for k, _ in w], [x for _, x in w])[0]
        if self.counter > self.budget and kind != "work":
            kind = "work"
        if kind == "work":
            return self.work(ctx, avail)
        if kind == "decision":
            return self.decision(ctx, avail)
        if kind == "parallel":
            return self.parallel(ctx, avail)
        return self.subpathway(ctx, avail)

    def subpathway(self, ctx, avail):
        r = self.rng
        sid = self.new_id("sub")
        fname = "shared/sub-%d.yaml" % self.counter
        if not self.bad_subpathway or r.random() < 0.5:
            org = r.choice(list(self.orgs))
            self.files[fname] = (
                "carepath: 1\nid: sub-%d\ntitle: Shared rehabilitation\norganisations:\n  %s: { type: %s }\n"
                "start: a\nsteps:\n  a: { kind: assessment, organisation: %s, duration: %s, next: b }\n"
                "  b: { kind: end, outcome: rehab-done }\n" % (self.counter, org, self.orgs[org]["type"], org,
                                                               self.v.duration()))
            path = fname
        else:
            path = r.choice(["shared/missing.yaml", "../outside.yaml", "/etc/hostname", "shared"])
        d = {"kind": "subpathway", "organisation": self.org(getattr(self, "last_org", None)), "pathway": path, "next": None}
        avail = self.common(d, avail, allow_req=False)
        self.steps[sid] = d
        return sid, [lambda t, d=d: d.__setitem__("next", t)], avail

    def decision(self, ctx, avail, nested=None):
        r = self.rng
        sid = self.new_id(r.choice(["decide", "result", "triage", "risk"]))
        d = {"kind": "decision"}
        if r.random() < 0.2:
            d["organisation"] = self.org()
        if r.random() < 0.2:
            d["title"] = self.v.text(0.3)
        self.steps[sid] = d
        loops = self.profile == "loops"
        nc = r.choice([0, 0, 1, 1, 2, 3]) if self.attrs else 0
        npb = r.choice([0, 1, 2, 2, 3])
        exact = npb > 0 and r.random() < 0.4
        probs = self.probs(npb, exact)
        has_other = not exact or r.random() < 0.1
        if not has_other and npb == 0:
            has_other = True
        branches = []
        for _ in range(nc):
            b = {"to": None, "when": Q(self.condition(r.choice([1, 1, 2, 3]) if self.profile != "deep" else r.choice([1, 5, 10, 20, 30] + ([70] if r.random() < 0.1 else []))))}
            if r.random() < 0.3:
                b["probability"] = self.v.share()
            branches.append(b)
        for pr in probs:
            branches.append({"to": None, "probability": pr})
        if has_other:
            branches.append({"to": None, "otherwise": True})
        if r.random() < 0.2:
            for b in branches:
                if r.random() < 0.5:
                    b["label"] = self.v.text(0.3)
        # choose a target kind for each branch; at least one continuing
        exits = []
        outs = []
        avail_out = None
        must_continue = len(branches) - 1 if has_other else r.randrange(len(branches))
        loop_pool = ctx.loop_targets + [sid]
        for i, b in enumerate(branches):
            choice = "continue"
            if i != must_continue:
                opts = ["continue", "continue", "end", "loop"] if not ctx.in_path else ["continue", "continue", "loop"]
                choice = r.choice(opts)
                if choice == "loop" and not loops:
                    # outside the loops profile every loop can be left: only branches taken
                    # with a probability below 1 loop back
                    p = share_value(b.get("probability"))
                    if p is None or p >= 0.9 or "otherwise" in b:
                        choice = "continue"
            if choice == "end":
                eid = self.new_id("end")
                self.steps[eid] = {"kind": "end", "outcome": r.choice(["discharged", "died", "referred-on", "x"])}
                b["to"] = eid
            elif choice == "loop":
                b["to"] = r.choice(loop_pool) if r.random() < 0.7 or not loops else sid
            else:
                m = r.choice([0, 0, 1, 1, 2, 3]) if nested is None else 0
                if m == 0 and nested is None:
                    exits.append(lambda t, b=b: b.__setitem__("to", t))
                    a2 = avail
                elif nested is not None and i == must_continue:
                    e, ex, a2 = nested(avail)
                    b["to"] = e
                    exits.extend(ex)
                else:
                    sub = Ctx(ctx.in_path, loop_pool, ctx.depth + 1, None)
                    e, ex, a2 = self.seq(sub, max(m, 1), avail)
                    b["to"] = e
                    exits.extend(ex)
                avail_out = a2 if avail_out is None else (avail_out & a2)
        d["branches"] = branches
        self.handoff(d, avail)
        return sid, exits, (avail_out if avail_out is not None else avail)

    def probs(self, n, exact):
        r = self.rng
        if n == 0:
            return []
        if exact:
            cuts = sorted(r.sample(range(1, 1000), n - 1)) if n > 1 else []
            parts = [b - a for a, b in zip([0] + cuts, cuts + [1000])]
            return [Raw((num(p / 10.0) + "%") if r.random() < 0.4 else num(p / 1000.0)) for p in parts]
        out = []
        left = 0.95
        for _ in range(n):
            if self.v.extreme and r.random() < 0.4:
                s = r.choice(["0.000001", "0.0000001", "0"])
            else:
                x = round(r.uniform(0.01, left / n), 3)
                s = num(x) if r.random() < 0.6 else num(round(x * 100, 1)) + "%"
            out.append(Raw(s))
        return out

    def parallel(self, ctx, avail, nested=None):
        r = self.rng
        sid = self.new_id("parallel")
        d = {"kind": "parallel"}
        if r.random() < 0.3:
            d["organisation"] = self.org()
        self.steps[sid] = d
        k = r.choice([2, 2, 2, 3, 4, 1]) if nested is None else r.choice([2, 2, 3])
        paths = []
        path_exits = []
        avail_join = set(avail)
        for i in range(k):
            sub = Ctx(True, [], ctx.depth + 1, None)
            if nested is not None and i == 0:
                e, ex, a2 = nested(avail)
            else:
                e, ex, a2 = self.seq(sub, r.choice([1, 1, 2, 3]), avail)
            paths.append(e)
            path_exits.extend(ex)
            avail_join |= a2
        # the join: a wait with no duration, or a work step
        if r.random() < 0.6:
            jid = self.new_id("join")
            jd = {"kind": "wait", "next": None}
            avail2 = frozenset(avail_join)
            self.steps[jid] = jd
            jexits = [lambda t, jd=jd: jd.__setitem__("next", t)]
        else:
            jid, jexits, avail2 = self.work(ctx, frozenset(avail_join))
        for x in path_exits:
            x(jid)
        d["paths"] = paths if len(paths) > 1 or r.random() < 0.5 else paths[0]
        d["join"] = jid
        # keep paths before join in file order: move join to the end
        jv = self.steps.pop(jid)
        self.steps[jid] = jv
        return sid, jexits, avail2

    def deep(self, kind, depth, ctx, avail):
        """A construct nested `depth` levels deep."""
        if depth <= 0:
            return self.work(ctx, avail)
        k = kind if kind != "mixed" else self.rng.choice(["parallel", "decision"])
        nested = lambda a: self.deep(kind, depth - 1, Ctx(k == "parallel" or ctx.in_path, [], ctx.depth + 1, None), a)
        if k == "parallel":
            return self.parallel(ctx, avail, nested=nested)
        return self.decision(ctx, avail, nested=nested)

    # conditions -----------------------------------------------------------------------------
    def atom(self):
        r = self.rng
        aid = r.choice(list(self.attrs))
        a = self.attrs[aid]
        t = a["type"]
        if t == "boolean":
            return r.choice([aid, "not " + aid, aid + " == true", aid + " != false", aid + " in [true]"])
        if t in ("integer", "number"):
            op = r.choice(["<", "<=", ">", ">=", "==", "!="])
            n = r.choice([0, 1, 40, 75, 2000, 2.5, -2] + ([1e15, 0.000001] if self.v.extreme else []))
            unit = ""
            if "unit" in a and r.random() < 0.4:
                unit = " " + a["unit"]
            if r.random() < 0.1:
                return "%s %sin [%s, %s]" % (aid, r.choice(["", "not "]), num(n), num(n + 1))
            return "%s %s %s%s" % (aid, op, num(n), unit)
        vals = list(a["values"])
        v = r.choice(vals)
        form = r.random()
        if form < 0.4:
            return "%s %s %s" % (aid, r.choice(["==", "!="]), v if r.random() < 0.7 else "'%s'" % v)
        sub = r.sample(vals, r.randint(1, len(vals)))
        return "%s %sin [%s%s]" % (aid, r.choice(["", "not "]), ", ".join(sub), r.choice(["", ","]))

    def condition(self, depth):
        r = self.rng
        if depth <= 1:
            return self.atom()
        c = r.random()
        if c < 0.3:
            return "(" + self.condition(depth - 1) + ")"
        if c < 0.45:
            return r.choice(["not ", "NOT ", "not "]) + "(" + self.condition(depth - 1) + ")"
        op = r.choice([" and ", " or ", " AND ", " Or "])
        return self.condition(depth - 1) + op + self.atom() if r.random() < 0.5 else \
            "(" + self.condition(depth - 1) + ")" + op + "(" + self.atom() + ")"

    # emission ---------------------------------------------------------------------------
    def emit(self, doc):
        self.doc = doc
        r = self.rng
        em = Emitter(r, flow_bias=r.choice([0.2, 0.5, 0.8]), comments=r.choice([0, 0, 0.05, 0.2]))
        header = "# generated by Fuzz/semantic/fuzz.py (profile %s)" % self.profile if r.random() < 0.2 else None
        return emit_doc(doc, em, header)


def emit_doc(doc, em, header=None):
    """Writes a pathway document; em decides block or flow style and comments."""
    r = em.rng
    lines = [header] if header else []
    for k, v in doc.items():
        if k == "steps":
            lines.append("steps:")
            for sid, sd in v.items():
                if r.random() < em.flow_bias:
                    lines.append("  " + key(sid) + ": " + flow(sd))
                else:
                    lines.append("  " + key(sid) + ":")
                    lines.extend(em.block(sd, 4))
        elif isinstance(v, dict) and v and k in ("organisations", "resources", "attributes", "data", "targets"):
            lines.append(k + ":")
            for ik, iv in v.items():
                if iv is None:
                    lines.append("  " + key(ik) + ":")
                elif r.random() < em.flow_bias:
                    lines.append("  " + key(ik) + ": " + flow(iv))
                else:
                    lines.append("  " + key(ik) + ":")
                    lines.extend(em.block(iv, 4))
        else:
            lines.extend(em.block({k: v}, 0))
    return "\n".join(lines) + "\n"


def emit_plain(doc):
    """The layout used for shrunk reproducers: one line per item and per step, no comments."""
    return emit_doc(doc, Emitter(random.Random(0), flow_bias=1.0, comments=0.0))


# --------------------------------------------------------------------------------------------
# Mutations (the mutant profile)

def mutate(rng, text):
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        m = rng.randrange(12)
        if m == 0:
            del lines[i]
        elif m == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif m == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif m == 3:
            lines[i] = re.sub(r"\d+(\.\d+)?", lambda _: rng.choice(
                ["0", "-1", "1e309", "99999999999999999999", ".nan", ".inf", "-0", "0.0000000000000000001",
                 "18446744073709551616", "9223372036854775807"]), lines[i], count=1)
        elif m == 4:
            ids = re.findall(r"\b[a-z][a-z0-9-]*-\d+\b", text)
            if ids:
                lines[i] = re.sub(r"\b[a-z][a-z0-9-]*-\d+\b", rng.choice(ids), lines[i], count=1)
        elif m == 5:
            lines[i] = (" " * rng.randint(0, 5)) + lines[i].lstrip()
        elif m == 6:
            pos = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:pos] + rng.choice([":", "{", "[", '"', "'", "&a ", "*a", "\t", "#", "- ", "!!str ",
                                                    "\\", "%", "\u00a0", "\ufeff", "\x00", "? "]) + lines[i][pos:]
        elif m == 7:
            lines = lines[: rng.randint(0, len(lines))]
        elif m == 8:
            lines[i] = re.sub(r"(min|hours?|days?|weeks?)\b", rng.choice(["months", "years", "w", "", "ms", "sec"]), lines[i], count=1)
        elif m == 9:
            lines[i] = lines[i].replace("kind: ", "kind: " + rng.choice(["", "x", "decision", "end", "parallel", "join"]), 1)
        elif m == 10:
            # an alias bomb, bounded by the loader's node limit
            lines.insert(1, 'x0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]')
            for k in range(1, rng.randint(2, 9)):
                lines.insert(1 + k, "x%d: &a%d [%s]" % (k, k, ",".join(["*a%d" % (k - 1)] * 9)))
        else:
            lines[i] = lines[i].replace("mon-fri", rng.choice(["fri-mon", "mon-mon", "mon,,fri", "mon - fri"]))\
                .replace(":00-", rng.choice([":00-", ":60-", ":00--", ":00-00:"]))
    return "\n".join(lines)


def generate(seed):
    rng = random.Random(seed)
    profile = rng.choices([p for p, _ in PROFILES], [w for _, w in PROFILES])[0]
    base = profile if profile != "mutant" else rng.choice(["normal", "extreme", "loops", "calendar"])
    g = PathwayGen(rng, base)
    text = g.build()
    if profile == "mutant":
        text = mutate(rng, text)
    return Case(text, g.files, profile, seed, None if profile == "mutant" else g.doc)
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
                f = Finding("hang", step, "no result within %g s" % long_budget, r2)
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
