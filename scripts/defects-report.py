#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""defects-report.py [--cover [--date D]] NAME=OUT...: make defects' table.

Each OUT is a guest's output of defects-job.sh on kernel NAME; the first
is the reference (7.3), the last the series the targets apply to. Prints a
Markdown table, a row per measure of issue 30's defects: its value on each
kernel, the target, and for every kernel after the first whether it meets
it. Exits 1 when the last kernel misses a target or a probe of any kernel
failed, 2 on unusable input. --cover: the cover letter's summary of the
same, within 72 columns, for the kernels base, series-v4 and patched,
measured on date D.
"""
import re
import sys

NAMES = {"base": "7.3", "series-v4": "v4", "patched": "v5"}


def parse(path):
    """PROBE lines as {probe: [dict, ...]}, pipe_buffers' results, errors."""
    probes, tests, errors = {}, {}, []
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r"PROBE (\S+) (.*)", line)
        if m:
            kv = dict(f.split("=", 1) for f in m.group(2).split())
            probes.setdefault(m.group(1), []).append(kv)
            continue
        if line.startswith("PROBE-FAIL"):
            errors.append(line)
            continue
        m = re.match(r"# (not ok|ok) \d+ (\S+)( # SKIP)?", line)
        if m:
            tests[m.group(2)] = "skip" if m.group(3) else \
                ("pass" if m.group(1) == "ok" else "FAIL")
    if "PIPEPOOL-DEFECTS-END" not in open(path, errors="replace").read():
        errors.append("the job did not finish")
    return probes, tests, errors


def one(probes, name, key, match=None):
    """The sum of KEY over the records of probe NAME that match MATCH."""
    recs = [r for r in probes.get(name, [])
            if all(r.get(k) == v for k, v in (match or {}).items())]
    if not recs:
        return None
    return sum(float(r[key]) for r in recs)


def cover(kernels, date):
    """A few lines per workload: 7.3 / v4 / v5, within 72 columns."""
    by = dict(kernels)
    if not all(k in by for k in ("base", "series-v4", "patched")):
        print("defects-report.py --cover: needs base, series-v4 and patched",
              file=sys.stderr)
        return 2
    ks = [by[k][0] for k in ("base", "series-v4", "patched")]

    def vals(probe, key, fmt="{:.1f}", match=None):
        v = [one(k, probe, key, match) for k in ks]
        return " / ".join("n/a" if x is None else fmt.format(x) for x in v)

    rec = [("3 x 256 KiB records at memory.max (64 MiB, zram)", "memcg",
            {"writers": "3", "size": "262144"}),
           ("2 x 256 KiB, no-reclaim allocations failed, second writer\n"
            "  SCHED_FIFO and woken by the first data", "woken",
            {"writers": "2", "size": "262144"})]
    print("The workloads of the v4 review, measured %s in QEMU icount" % date)
    print("guests (2 vCPUs, run in turn: no lock contention), 7.3 / v4 / v5:")
    print("- 16 pipes of 1 MiB streamed, then filled by vmsplice, a writer")
    print("  parked on each; kernel pages per pipe after 3 s:")
    print("  " + vals("parked", "parked_pages") + ", after memory.reclaim: " +
          vals("parked", "reclaimed_pages"))
    for what, mode, match in rec:
        r = one(ks[2], "records-" + mode, "rounds", match)
        print("- %s,\n  records split of %s: %s" % (
            what, "n/a" if r is None else "%d" % r,
            vals("records-" + mode, "split", "{:.0f}", match)))
    print("- timer or work callbacks of an idle pipe with a parked writer in")
    print("  5 s: " + vals("timers", "pipe_callbacks", "{:.0f}"))
    print("- pages freed by a one-page write into a pool another memory")
    print("  cgroup filled: " + vals("foreign", "pgfree_per_write", "{:.1f}",
                                   {"bytes": "4096"}))
    print("- guest ns (icount: instructions) per pipe() and two close()s:")
    print("  " + vals("create", "ns_per_pipe", "{:.0f}"))
    return 0


def main(argv=None):
    argv = list(argv or sys.argv)
    as_cover = "--cover" in argv
    if as_cover:
        argv.remove("--cover")
    date = "(no date)"
    if "--date" in argv[:-1]:
        i = argv.index("--date")
        date = argv[i + 1]
        del argv[i:i + 2]
    kernels = []
    for arg in argv[1:]:
        name, _, path = arg.partition("=")
        if not path:
            print(__doc__, file=sys.stderr)
            return 2
        kernels.append((name, parse(path)))
    if as_cover:
        errors = [e for k in kernels for e in k[1][2]]
        if errors:
            print("defects-report.py --cover: probe errors: " + "; ".join(errors),
                  file=sys.stderr)
            return 1
        return cover(kernels, date)
    if len(kernels) < 2:
        print("defects-report.py: the reference and at least one kernel",
              file=sys.stderr)
        return 2
    rows = []

    def row(defect, what, key_fn, target_fn, target_text, fmt="{:g}"):
        vals = [key_fn(k[1]) for k in kernels]
        base = vals[0]
        cells, verdicts = [], []
        for v in vals:
            cells.append("n/a" if v is None else
                         (v if isinstance(v, str) else fmt.format(v)))
        for v in vals[1:]:
            if target_fn is None:
                verdicts.append("-")
            elif v is None or base is None:
                verdicts.append("n/a")
            else:
                verdicts.append("meets" if target_fn(v, base) else "MISSES")
        rows.append((defect, what, cells, target_text, verdicts))

    def test(name):
        return lambda k: k[1].get(name, "not run")

    row("1", "pipe_buffers memcg.vmsplice_full_rings", test("memcg.vmsplice_full_rings"),
        lambda v, b: v == "pass", "pass")
    row("1", "pipe_buffers, tests failed",
        lambda k: sum(1 for s in k[1].values() if s == "FAIL") if k[1] else None,
        lambda v, b: v == 0, "0", "{:.0f}")
    for probe, defect in (("parked", "1, 2"), ("parked-cross", "4")):
        for key, when in (("parked_pages", "after 3 s"),
                          ("reclaimed_pages", "after memory.reclaim")):
            row(defect, f"{probe}: kernel pages per pipe {when}",
                lambda k, p=probe, key=key: one(k[0], p, key),
                lambda v, b: v <= b + 4, "<= 7.3 + 4", "{:.1f}")
    for mode, what in (("fail", "fail_page_alloc fails no-reclaim allocations"),
                       ("woken", "the same, the second writer SCHED_FIFO, woken by the"
                        " first data"),
                       ("memcg", "memory.max 64 MiB, hog 128 MiB, zram")):
        sizes = {"fail": (("8", "65536"), ("3", "262144")),
                 "woken": (("2", "262144"),),
                 "memcg": (("2", "65536"), ("3", "262144"))}[mode]
        for w, size in sizes:
            match = {"writers": w, "size": size}

            def rec(k, m=mode, mt=match):
                r = one(k[0], "records-" + m, "rounds", mt)
                if r is None:
                    return None
                return "%d split, %d short of %d" % (
                    one(k[0], "records-" + m, "split", mt),
                    one(k[0], "records-" + m, "short", mt), r)
            row("3", f"records, {w} x {int(size) >> 10} KiB, {what}", rec,
                lambda v, b: v.startswith("0 split, 0 short"), "0 split, 0 short")
            if mode == "fail":
                row("3", f"no-reclaim allocations failed, {w} x {int(size) >> 10} KiB"
                    " (exit and others included)",
                    lambda k, m=mode, mt=match: one(k[0], "records-" + m, "injected", mt),
                    None, "-", "{:.0f}")
    row("5", "pipe timer/work callbacks in 5 s, parked writer",
        lambda k: one(k[0], "timers", "pipe_callbacks"),
        lambda v, b: v == 0, "0", "{:.0f}")
    row("5", "context switches per second, same 5 s",
        lambda k: one(k[0], "timers", "ctxt_per_s"),
        lambda v, b: v <= b + 1, "<= 7.3 + 1", "{:.1f}")
    row("5", "pipe timer/work callbacks in the 3 s after a stream (the probe sees them)",
        lambda k: one(k[0], "timers-stream", "pipe_callbacks"),
        lambda v, b: v >= 1, ">= 1", "{:.0f}")
    row("7", "pages freed by a one-page write of memcg B into a pool of memcg A's",
        lambda k: one(k[0], "foreign", "pgfree_per_write", {"bytes": "4096"}),
        lambda v, b: v <= b + 2, "<= 7.3 + 2", "{:.1f}")
    row("7", "pages freed during a 1 MiB write of B into a pool of A's (v5: before the mutex)",
        lambda k: one(k[0], "foreign", "pgfree_per_write", {"bytes": "1048576"}),
        None, "-", "{:.1f}")
    row("6", "ns per pipe() and close() (icount)",
        lambda k: one(k[0], "create", "ns_per_pipe"),
        lambda v, b: v <= b * 1.02, "<= 7.3 x 1.02", "{:.0f}")

    names = [NAMES.get(k[0], k[0]) for k in kernels]
    print("| defect | measure | " + " | ".join(names) + " | target | " +
          " | ".join(names[1:]) + " |")
    print("|---" * (2 + 2 * len(names)) + "|")
    missed = 0
    for defect, what, cells, target, verdicts in rows:
        print(f"| {defect} | {what} | " + " | ".join(cells) +
              f" | {target} | " + " | ".join(verdicts) + " |")
        missed += verdicts[-1] in ("MISSES", "n/a")
    targets = sum(1 for r in rows if r[4][-1] != "-")
    errors = [f"{NAMES.get(k[0], k[0])}: {e}" for k in kernels for e in k[1][2]]
    for e in errors:
        print(f"\nprobe error: {e}")
    print(f"\n{names[-1]} misses {missed} of {targets} targets"
          + (f"; {len(errors)} probe error(s)" if errors else ""))
    return 1 if missed or errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
