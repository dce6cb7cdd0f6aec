#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mutants.py: small wrong versions of the pool, to see the tests fail.

  mutants.py list            NAME and what it breaks, one per line
  mutants.py apply NAME DIR  change DIR/fs/pipe.c (the patched tree) as NAME
                             says; fails when the text to change is missing
  mutants.py report OUT...   the table of make mutants from the guests'
                             consoles (mutant-NAME.console.log): which KUnit
                             cases of pipe_pool failed; exits 1 when a mutant
                             survived (no case failed) or a guest has no
                             pipe_pool result

Each mutant is one exact text replacement in fs/pipe.c of the pool series,
and names the defect of issue 30 whose kind of bug it plants.
"""
import os
import re
import sys

MUTANTS = {
    "fit-noop": (
        "1",
        "pipe_pool_fit() gives nothing back: splice, tee and vmsplice fill "
        "the ring beside a full pool",
        "\tif (anon_pipe_pool_count(&pipe->prealloc) + used <= pipe->max_usage)\n"
        "\t\treturn;\n",
        "\treturn;\n"),
    "add-ignores-ring": (
        "1",
        "anon_pipe_pool_add() bounds the pool by max_usage alone, not by the "
        "ring's free slots",
        "n = min(n, pipe->max_usage - min(pipe->max_usage, used + count));",
        "n = min(n, pipe->max_usage - min(pipe->max_usage, count));"),
    "trim-never-idle": (
        "1, 5",
        "the trim never sees the pool idle: it frees only what stayed below "
        "the low-water mark",
        "\t\tspare = pool->count;\n",
        "\t\tspare = min(pool->low, pool->count);\n"),
    "trim-rearms": (
        "5",
        "the timer re-arms with nothing to trim",
        "\t} else if (pool->count > keep) {\n",
        "\t} else {\n"),
    "room-ignores-ring": (
        "3",
        "the prefill is sized from the write alone, not from the ring's room",
        "return min_t(size_t, DIV_ROUND_UP(len, PAGE_SIZE), max_usage - used);",
        "return DIV_ROUND_UP(len, PAGE_SIZE);"),
}


def apply(name, tree):
    path = os.path.join(tree, "fs", "pipe.c")
    _, _, old, new = MUTANTS[name]
    src = open(path).read()
    if src.count(old) != 1:
        print("mutants.py: %s: the text to change is in fs/pipe.c %d times, not once"
              % (name, src.count(old)), file=sys.stderr)
        return 1
    open(path, "w").write(src.replace(old, new))
    return 0


def failed_cases(console):
    """The pipe_pool cases that failed, and whether the suite reported."""
    failed, reported = set(), False
    for line in open(console, errors="replace"):
        line = re.sub(r"^\[ *[0-9.]+\] ", "", line.rstrip("\n"))
        m = re.match(r"\s*not ok \d+ (pipe_kunit_\w+)", line)
        if m:
            failed.add(m.group(1))
        if re.match(r"(not )?ok \d+ pipe_pool", line):
            reported = True
    return sorted(failed), reported


def report(outs):
    print("| mutant | defect | what it breaks | pipe_pool cases failed | caught |")
    print("|---|---|---|---|---|")
    bad = 0
    for out in outs:
        name = re.sub(r"^mutant-", "", os.path.basename(out).split(".")[0])
        defect, what = MUTANTS[name][:2] if name in MUTANTS else ("?", "?")
        failed, reported = failed_cases(out)
        if not reported:
            caught = "NO RESULT"
        elif failed:
            caught = "yes"
        else:
            caught = "SURVIVED"
        bad += caught != "yes"
        print("| %s | %s | %s | %s | %s |" % (name, defect, what,
                                               ", ".join(failed) or "none", caught))
    print("\n%d of %d mutants caught" % (len(outs) - bad, len(outs)))
    return 1 if bad else 0


def main(argv=None):
    argv = list(argv or sys.argv)
    if len(argv) == 2 and argv[1] == "list":
        for name, (defect, what, _, _) in MUTANTS.items():
            print("%s\t%s\t%s" % (name, defect, what))
        return 0
    if len(argv) == 4 and argv[1] == "apply" and argv[2] in MUTANTS:
        return apply(argv[2], argv[3])
    if len(argv) >= 3 and argv[1] == "report":
        return report(argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
