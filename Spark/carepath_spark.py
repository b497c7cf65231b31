#!/usr/bin/env python3
"""Runs carepath's replicated simulations on Apache Spark and merges the pieces exactly.

Each run of the task list (a pathway and a scenario's options, or a standard and a variant for
`diff --impact`) is cut into slices of replications; each slice is one Spark task that runs
`carepath ... --replication-range A..B -o PART` on an executor. The driver collects the part
files and runs `carepath merge`, which prints byte for byte what the whole run prints.

    python3 Spark/carepath_spark.py --tasks Spark/example-tasks.json --carepath PATH/TO/carepath \
        --master 'local[2]' --out /tmp/carepath-spark [--verify]

The carepath binary and the pathway folders reach the executors as files (SparkContext.addFile,
SparkFiles.get), so executors need nothing installed but Python and a JVM: build the binary with
`swift build -c release --static-swift-stdlib` so that it does not need the Swift runtime.
See Spark/README.md.
"""
import argparse
import io
import json
import os
import pathlib
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

# Not .tar.gz: Spark unpacks files with that ending that are given to addFile (a deprecated habit).
BUNDLE = "carepath-pathways.bundle"


def expand(task_file: pathlib.Path) -> list:
    """The runs of a task list, each with its slices (1-based, both ends included).

    A task list is JSON: {"runs": [RUN, ...]}, where RUN is
      {"name": "lung-demand+10", "pathway": "Pathways/suspected-lung-cancer.yaml",
       "args": ["--patients", "2000"], "replications": 8, "slice": 3, "formats": ["json", "table"]}
    or, for an impact run, "standard" and "variant" instead of "pathway". A RUN may give
    "pathways" (a list) and "scenarios" ({name: [args]}) instead of "pathway" and "args": it
    stands for every pathway × scenario. "slice" is the number of replications per task (the
    last slice takes the rest); "slices" may give the ranges explicitly, as [[1, 3], [4, 8]].
    """
    spec = json.loads(task_file.read_text())
    runs = []
    for run in spec.get("runs", []):
        impact = "standard" in run
        pathways = run.get("pathways") or ([run["pathway"]] if "pathway" in run else [None])
        scenarios = run.get("scenarios") or {"": run.get("args", [])}
        for pathway in pathways:
            for scenario, args in scenarios.items():
                n = int(run["replications"])
                if "slices" in run:
                    slices = [(int(a), int(b)) for a, b in run["slices"]]
                else:
                    size = max(1, int(run.get("slice", n)))
                    slices = [(a, min(n, a + size - 1)) for a in range(1, n + 1, size)]
                stem = pathlib.Path(pathway).stem if pathway else pathlib.Path(run["variant"]).stem
                name = run.get("name") or stem
                if "name" in run and len(pathways) > 1:
                    name += f"-{stem}"
                if scenario:
                    name += f"-{scenario}"
                files = [run["standard"], run["variant"]] if impact else [pathway]
                command = (["diff", "--impact"] if impact else ["simulate"]) + files + list(args) + ["--replications", str(n)]
                formats = run.get("formats") or (["text"] if impact else ["json"])
                runs.append({"name": name, "impact": impact, "files": files, "command": command,
                             "replications": n, "slices": slices, "formats": formats})
    names = [r["name"] for r in runs]
    if len(set(names)) != len(names):
        sys.exit(f"carepath_spark: two runs have the same name in {task_file}: give each a 'name'")
    return runs


def bundle(root: pathlib.Path, runs: list, out: pathlib.Path) -> pathlib.Path:
    """A tarball of the folders holding the runs' pathway files (so subpathways and the
    standards of overlay variants travel too), with paths relative to `root`: executors
    extract it and run carepath from its top, so file names (and the part files' pathway
    hashes, which include them) are the same as on the driver."""
    folders = sorted({str(pathlib.Path(f).parent) for r in runs for f in r["files"]})
    path = out / BUNDLE
    with tarfile.open(path, "w:gz") as tar:
        for folder in folders:
            source = root / folder
            for file in sorted(source.rglob("*")):
                if file.is_file() and file.suffix in (".yaml", ".yml"):
                    tar.add(file, arcname=str(file.relative_to(root)))
    return path


def executor_folder() -> pathlib.Path:
    """On an executor: a folder with the pathways unpacked and a runnable `carepath`, made once
    per Python worker from the files the driver shipped with addFile."""
    from pyspark import SparkFiles  # imported here: this runs in the executors' Python

    work = pathlib.Path(tempfile.gettempdir()) / f"carepath-spark-{os.getuid()}-{os.getpid()}"
    marker = work / ".ready"
    if not marker.exists():
        work.mkdir(parents=True, exist_ok=True)
        with tarfile.open(SparkFiles.get(BUNDLE)) as tar:
            tar.extractall(work, filter="data")
        shutil.copy(SparkFiles.get("carepath"), work / "carepath")
        os.chmod(work / "carepath", 0o755)
        marker.touch()
    return work


def run_slice(task):
    """On an executor: runs one slice and returns its part file's bytes and its timing."""
    name, command, first, last, extra = task
    work = executor_folder()
    with tempfile.TemporaryDirectory() as tmp:
        part = pathlib.Path(tmp) / "part.json"
        argv = [str(work / "carepath")] + command + ["--replication-range", f"{first}..{last}", "-o", str(part)] + extra
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(argv, cwd=work, capture_output=True, text=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        data = part.read_bytes() if done.returncode == 0 and part.exists() else b""
    return {"name": name, "first": first, "last": last, "returncode": done.returncode, "stderr": done.stderr,
            "part": data, "wall": wall, "cpu": cpu, "host": os.uname().nodename}


def merge_parts(carepath: str, slices: list, formats: list, folder: pathlib.Path) -> dict:
    """Writes the slices' parts into `folder` and runs `carepath merge` for each format:
    {format: (stdout bytes, stderr text, exit status)}."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*.json"):
        old.unlink()
    parts = []
    for r in sorted(slices, key=lambda r: r["first"]):
        path = folder / f"part-{r['first']:06d}-{r['last']:06d}.json"
        path.write_bytes(r["part"])
        parts.append(str(path))
    merged = {}
    for fmt in formats:
        done = subprocess.run([carepath, "merge", *parts, "--format", fmt], capture_output=True)
        merged[fmt] = (done.stdout, done.stderr.decode(errors="replace"), done.returncode)
    return merged


def merge_on_executor(item):
    """On an executor: one run's slices, grouped by Spark, merged there; only the merged
    outputs and the timing travel back to the driver."""
    (name, formats), slices = item
    slices = [dict(r) for r in slices]
    work = executor_folder()
    with tempfile.TemporaryDirectory() as tmp:
        merged = merge_parts(str(work / "carepath"), slices, formats, pathlib.Path(tmp))
    for r in slices:
        r["part"] = bool(r["part"])  # the part's bytes stay here
    return {"name": name, "slices": slices, "merged": merged}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", required=True, type=pathlib.Path, help="the task list (JSON, see Spark/README.md)")
    parser.add_argument("--carepath", required=True, type=pathlib.Path, help="the carepath binary shipped to the executors")
    parser.add_argument("--root", default=".", type=pathlib.Path, help="the folder the task list's paths are relative to")
    parser.add_argument("--out", default="carepath-spark-out", type=pathlib.Path, help="where parts and merged outputs go")
    parser.add_argument("--master", default=None, help="Spark master (local[2], spark://host:7077, yarn); default: spark-submit's")
    parser.add_argument("--merge-with", type=pathlib.Path, help="carepath binary for merging on the driver (default: --carepath)")
    parser.add_argument("--merge-on-executors", action="store_true",
                        help="merge each run's parts on an executor (grouped by Spark) instead of collecting them on the driver")
    parser.add_argument("--verify", action="store_true",
                        help="also run each whole run on the driver and fail unless the merged output is byte-identical")
    args = parser.parse_args()

    root = args.root.resolve()
    carepath = args.carepath.resolve()
    merger = (args.merge_with or args.carepath).resolve()
    for binary in {carepath, merger}:
        if not os.access(binary, os.X_OK):
            print(f"carepath_spark: {binary} is not an executable carepath binary", file=sys.stderr)
            return 2
    runs = expand(args.tasks)
    if not runs:
        print(f"carepath_spark: {args.tasks} lists no runs", file=sys.stderr)
        return 2
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    tarball = bundle(root, runs, out)

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("carepath").config("spark.ui.showConsoleProgress", "false")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    staged = out / "carepath"  # addFile ships a file under its own name: stage the binary as `carepath`
    if staged != carepath:
        shutil.copy(carepath, staged)
    sc.addFile(str(staged))
    sc.addFile(str(tarball))

    tasks = [(r["name"], r["command"], a, b, ["--jobs", "1"]) for r in runs for a, b in r["slices"]]
    started = time.perf_counter()
    sliced = sc.parallelize(tasks, numSlices=len(tasks)).map(run_slice)
    if args.merge_on_executors:
        formats = {r["name"]: tuple(r["formats"]) for r in runs}
        grouped = sliced.map(lambda r: ((r["name"], formats[r["name"]]), r)).groupByKey(numPartitions=len(runs))
        per_run = {m["name"]: m for m in grouped.map(merge_on_executor).collect()}
    else:
        results = sliced.collect()
        per_run = {r["name"]: {"slices": [s for s in results if s["name"] == r["name"]]} for r in runs}
    spark_seconds = time.perf_counter() - started
    spark.stop()

    failed = [s for m in per_run.values() for s in m["slices"] if s["returncode"] != 0 or not s["part"]]
    for r in failed:
        print(f"carepath_spark: {r['name']} replications {r['first']}..{r['last']} failed on {r['host']} "
              f"(exit {r['returncode']}):\n{r['stderr']}", file=sys.stderr)
    if failed or set(per_run) != {r["name"] for r in runs}:
        return 1

    problems = 0
    summary = {"sparkSeconds": round(spark_seconds, 3), "tasks": len(tasks),
               "mergedOn": "executors" if args.merge_on_executors else "driver", "runs": []}
    for run in runs:
        mine = per_run[run["name"]]["slices"]
        replications = sum(r["last"] - r["first"] + 1 for r in mine)
        timing = {"name": run["name"], "replications": replications, "tasks": len(mine),
                  "taskWallSeconds": round(sum(r["wall"] for r in mine), 3),
                  "taskCpuSeconds": round(sum(r["cpu"] for r in mine), 3),
                  "wallSecondsPerReplication": round(sum(r["wall"] for r in mine) / replications, 4),
                  "cpuSecondsPerReplication": round(sum(r["cpu"] for r in mine) / replications, 4)}
        summary["runs"].append(timing)
        if args.merge_on_executors:
            merged = per_run[run["name"]]["merged"]
        else:
            merged = merge_parts(str(merger), mine, run["formats"], out / run["name"])
        for fmt in run["formats"]:
            stdout, stderr, returncode = merged[fmt]
            ok = returncode == 0 or (run["impact"] and returncode == 1)  # diff: 1 = different
            if not ok:
                print(f"carepath_spark: merging {run['name']} failed (exit {returncode}):\n{stderr}", file=sys.stderr)
                problems += 1
                continue
            result = out / f"{run['name']}.{fmt}"
            result.write_bytes(stdout)
            where = "on an executor" if args.merge_on_executors else "on the driver"
            line = f"{run['name']}: {len(mine)} parts merged {where} -> {result}"
            if args.verify:
                whole = subprocess.run([str(merger), *run["command"], "--format", fmt], cwd=root, capture_output=True)
                same = (whole.stdout, whole.stderr.decode(errors="replace"), whole.returncode) == (stdout, stderr, returncode)
                line += " (byte-identical to the whole run)" if same else " DIFFERS FROM THE WHOLE RUN"
                if not same:
                    (out / f"{run['name']}.whole.{fmt}").write_bytes(whole.stdout)
                    problems += 1
            print(line)
    (out / "timing.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"spark: {len(tasks)} tasks in {spark_seconds:.1f} s; per run: "
          + "; ".join(f"{t['name']} {t['wallSecondsPerReplication']} s wall / {t['cpuSecondsPerReplication']} s cpu per replication"
                      for t in summary["runs"]))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
