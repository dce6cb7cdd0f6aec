#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-records.py: the pipe_bench records of one guest's output.

  bench-records.py check OUTPUT CELLS PRESSURE...
      Exit 1, saying why, unless every pressure mode has one record per
      cell of the comma-separated CELLS and no record a payload
      verification failure; cells that moved no data are noted (kept).
  bench-records.py write OUTPUT PART [NAME=VALUE | NAME:num=VALUE]...
      Write the records, each with these fields added (NAME:num: a number),
      into PART, one JSON object per line with sorted keys.

OUTPUT is what scripts/bench-job.sh printed in the guest: pipe_bench's
JSON lines and its markers. A record's "pressure" is the mode of the last
"PIPEPOOL-BENCH-BEGIN MODE" before it: under stress-ng, which the job
runs, pipe_bench itself says "none". With LOCKSTAT=1 the job prints a
cell's &pipe->mutex lines of /proc/lock_stat after its record, then
"PIPEPOOL-LOCKSTAT-END"; they become the record's "lock_stat" (null when
there were none): the classes &pipe->mutex, its numbered instances and
subclasses summed, as bench-report.py --lockstat reads them, and "window":
what they cover (the whole pipe_bench run of that cell)."""
import collections
import json
import re
import sys

LOCK_CLASS = '&pipe->mutex'
# lock_stat version 0.4: con-bounces contentions wait-min wait-max
# wait-total wait-avg acq-bounces acquisitions hold-min hold-max
# hold-total hold-avg (times in microseconds).
LOCK_LINE = re.compile(r'^\s*(\S+):((?:\s+[0-9.]+){12})\s*$')


def lock_class(name):
    return name == LOCK_CLASS or re.fullmatch(re.escape(LOCK_CLASS) + r'[#/][0-9]+', name)


def lock_stat(lines):
    s = dict(class_=LOCK_CLASS, classes=0, con_bounces=0, contentions=0, acq_bounces=0,
             acquisitions=0, wait_max_us=0.0, wait_total_us=0.0, hold_max_us=0.0, hold_total_us=0.0)
    for line in lines:
        m = LOCK_LINE.match(line)
        if not m or not lock_class(m.group(1)):
            continue
        v = [float(x) for x in m.group(2).split()]
        s['classes'] += 1
        s['con_bounces'] += int(v[0])
        s['contentions'] += int(v[1])
        s['wait_max_us'] = max(s['wait_max_us'], v[3])
        s['wait_total_us'] += v[4]
        s['acq_bounces'] += int(v[6])
        s['acquisitions'] += int(v[7])
        s['hold_max_us'] = max(s['hold_max_us'], v[9])
        s['hold_total_us'] += v[10]
    if not s['classes']:
        return None
    s['class'] = s.pop('class_')
    s['window'] = 'pipe_bench run of one cell'
    return s


def records(path):
    recs, mode, locks = [], None, []
    for line in open(path, errors='replace'):
        line = line.rstrip('\n')
        if line.startswith('PIPEPOOL-BENCH-BEGIN '):
            mode = line.split()[1]
        elif line.startswith('PIPEPOOL-LOCKSTAT '):
            locks.append(line[len('PIPEPOOL-LOCKSTAT '):])
        elif line == 'PIPEPOOL-LOCKSTAT-END':
            if recs:
                recs[-1]['lock_stat'] = lock_stat(locks)
            locks = []
        elif line.startswith('{'):
            rec = json.loads(line)
            if mode:
                rec['pressure'] = mode
            recs.append(rec)
    return recs


def check(path, cells, pressures):
    recs = records(path)
    n = collections.Counter(r['pressure'] for r in recs)
    bad = [r for r in recs if r['verify_failures']]
    if bad or any(n[p] != len(cells) for p in pressures):
        sys.exit(f'cells per pressure mode {dict(n)}, expected {len(cells)}; '
                 f'verify failures in {len(bad)} cell(s)')
    for r in recs:
        if not r['bytes']:
            print(f"zero bytes moved: {r['pressure']} {r['writers']}x{r['readers']} "
                  f"{r['msg_size']} B (kept)", file=sys.stderr)


def write(path, part, args):
    meta = {}
    for arg in args:
        key, val = arg.split('=', 1)
        if key.endswith(':num'):
            key, val = key[:-4], int(val) if val.lstrip('-').isdigit() else float(val)
        meta[key] = val
    recs = records(path)
    if not recs:
        sys.exit('no pipe_bench records in ' + path)
    with open(part, 'w') as f:
        for rec in recs:
            rec.update(meta)
            f.write(json.dumps(rec, sort_keys=True) + '\n')


def main():
    a = sys.argv[1:]
    if len(a) >= 3 and a[0] == 'check':
        check(a[1], a[2].split(','), a[3:])
    elif len(a) >= 3 and a[0] == 'write':
        write(a[1], a[2], a[3:])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
